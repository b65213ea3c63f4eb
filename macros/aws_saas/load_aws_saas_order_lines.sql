{#-
    on-run-start: make the source `raw.aws_saas_order_lines` read the input
    (`input_path` var) where it lies, on engines that read files themselves.

    DuckDB needs nothing (the source reads the file, _aws_saas__sources.yml);
    PostgreSQL cannot read the user's files, so the runner streams the lines in
    with COPY before the build (scripts/engines.py). On Spark, two objects:

    - `raw.aws_saas_order_lines_file`, an external table over the path (CSV or
      Parquet, a file or a glob): dropping it never touches the files;
    - the view `raw.aws_saas_order_lines`: the 19 columns as text under the
      source's names (headers matched as on DuckDB: case-insensitive, with a
      space, an underscore or nothing between words), the file of each line and
      its position in the input (file by file in name order, then the line's
      place in its file), as the DuckDB target numbers them.

    A header that lacks a required column, or has one twice, stops the run with
    one line naming the file and the column. For CSV every file of a glob is
    checked by its own first line (Spark itself takes the names of the first
    file only); a Parquet glob is checked through the table's merged schema.
-#}
{% macro load_aws_saas_order_lines() %}
    {{ return(adapter.dispatch('load_aws_saas_order_lines', 'customer_value')()) }}
{% endmacro %}

{% macro default__load_aws_saas_order_lines() %}
    select 1
{% endmacro %}

{% macro spark__load_aws_saas_order_lines() %}
    {%- if execute -%}
        {%- set path = var('input_path') -%}
        {%- if not path.startswith('/') and '://' not in path -%}
            {#- Spark would resolve a relative path against its warehouse, not the
                folder dbt runs in (the runner passes absolute paths). -#}
            {%- set path = env_var('PWD', '.') ~ '/' ~ path -%}
        {%- endif -%}
        {%- set quoted_path = "'" ~ (path | replace("\\", "\\\\") | replace("'", "\\'")) ~ "'" -%}
        {%- set prefix = "Input file '" ~ path ~ "': " -%}
        {%- if path.lower().endswith('.parquet') -%}
            {%- set file_format = "parquet" -%}
            {%- set options = "path " ~ quoted_path -%}
        {%- else -%}
            {%- set file_format = "csv" -%}
            {#- RFC 4180 quoting (a quote inside a field is doubled), fields that span lines,
                every value as text. -#}
            {%- set options = "path " ~ quoted_path
                ~ ", header 'true', inferSchema 'false', quote '\"', escape '\"', multiLine 'true'"
                ~ ", mode 'PERMISSIVE', encoding 'UTF-8'" -%}
        {%- endif -%}

        {%- do run_query("create schema if not exists raw") -%}
        {%- do run_query("drop view if exists raw.aws_saas_order_lines") -%}
        {%- do run_query("drop table if exists raw.aws_saas_order_lines_file") -%}
        {%- do run_query(
            "create table raw.aws_saas_order_lines_file using " ~ file_format ~ " options (" ~ options ~ ")"
        ) -%}

        {%- if file_format == "csv" -%}
            {%- do _spark_check_csv_headers(path) -%}
        {%- endif -%}

        {%- set found = run_query("select * from raw.aws_saas_order_lines_file limit 0").column_names -%}
        {%- set by_name = {} -%}
        {%- for column in found -%}
            {%- do by_name.update({
                column | replace('\ufeff', '') | lower | replace(' ', '') | replace('_', ''): column
            }) -%}
        {%- endfor -%}
        {%- set selected = [] -%}
        {%- for header in aws_saas_required_columns() -%}
            {%- set key = header | lower | replace(' ', '') -%}
            {%- if key not in by_name -%}
                {{ exceptions.raise_compiler_error(
                    prefix ~ "required column '" ~ header ~ "' is missing (found: " ~ (found | join(', ')) ~ ")"
                ) }}
            {%- endif -%}
            {%- do selected.append(
                "cast(`" ~ by_name[key] ~ "` as string) as " ~ (header | lower | replace(' ', '_'))
            ) -%}
        {%- endfor -%}

        {%- set view_sql -%}
            create view raw.aws_saas_order_lines as
            with lines as (
                select
                    {{ selected | join(',\n                    ') }},
                    regexp_replace(url_decode(input_file_name()), '^file:(//)?', '') as source_file,
                    monotonically_increasing_id() as read_order
                from raw.aws_saas_order_lines_file
            ),
            numbered_in_file as (
                select
                    *,
                    row_number() over (partition by source_file order by read_order) as file_line_number
                from lines
            ),
            file_offsets as (
                select
                    source_file,
                    coalesce(sum(count(*)) over (
                        order by source_file rows between unbounded preceding and 1 preceding
                    ), 0) as lines_before
                from lines
                group by source_file
            )
            select
                {%- for column in aws_saas_raw_columns() %}
                numbered_in_file.{{ column }},
                {%- endfor %}
                numbered_in_file.source_file,
                file_offsets.lines_before + numbered_in_file.file_line_number as source_line_number
            from numbered_in_file
            inner join file_offsets
                on numbered_in_file.source_file = file_offsets.source_file
        {%- endset -%}
        {%- do run_query(view_sql) -%}
    {%- endif -%}
    select 1
{% endmacro %}

{#- _spark_check_csv_headers(path): every CSV file of the input by its own first line
    (the line with the smallest read position of its file, as the view numbers lines), split at
    Spark's comma: a required column missing or present twice stops the run with one line
    naming that file. Names match as on DuckDB (case-insensitive, a space, an underscore or
    nothing between words; a byte-order mark and quotes around a name are dropped). -#}
{% macro _spark_check_csv_headers(path) %}
    {%- set headers = run_query(
        "select file, min_by(value, read_order) as header from ("
        ~ "select regexp_replace(url_decode(input_file_name()), '^file:(//)?', '') as file, value,"
        ~ " monotonically_increasing_id() as read_order from text.`" ~ (path | replace('`', '``')) ~ "`"
        ~ ") group by file order by file"
    ) -%}
    {%- set first = namespace(file=none, keys=none) -%}
    {%- for row in headers.rows -%}
        {%- set names = [] -%}
        {%- set keys = [] -%}
        {%- for name in ((row[1] or '') | replace('\ufeff', '') | replace('\r', '')).split(',') -%}
            {%- set name = name | trim | replace('"', '') -%}
            {%- do names.append(name) -%}
            {%- do keys.append(name | lower | replace(' ', '') | replace('_', '')) -%}
        {%- endfor -%}
        {%- for required in aws_saas_required_columns() -%}
            {%- set key = required | lower | replace(' ', '') -%}
            {%- set positions = [] -%}
            {%- for found_key in keys -%}
                {%- if found_key == key -%}
                    {%- do positions.append(loop.index | string) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- if positions | length == 0 -%}
                {{ exceptions.raise_compiler_error(
                    "Input file '" ~ row[0] ~ "': required column '" ~ required ~ "' is missing (found: "
                    ~ (names | join(', ')) ~ ")"
                ) }}
            {%- elif positions | length > 1 -%}
                {{ exceptions.raise_compiler_error(
                    "Input file '" ~ row[0] ~ "': column '" ~ required ~ "' appears "
                    ~ ("twice" if positions | length == 2 else (positions | length) ~ " times")
                    ~ " (columns " ~ positions[:-1] | join(', ') ~ " and " ~ positions[-1] ~ ")"
                ) }}
            {%- endif -%}
        {%- endfor -%}
        {#- Spark reads every file of a glob by the first file's header, by position:
            a file whose columns come in another order would be read into the wrong columns. -#}
        {%- if first.keys is none -%}
            {%- set first.file = row[0] -%}
            {%- set first.keys = keys -%}
        {%- elif keys != first.keys -%}
            {{ exceptions.raise_compiler_error(
                "Input file '" ~ row[0] ~ "': its columns are not in the order of '" ~ first.file
                ~ "' (found: " ~ (names | join(', ')) ~ "); on Spark every file of a glob needs the same column order"
            ) }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}
