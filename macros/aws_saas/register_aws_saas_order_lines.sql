{#-
    register_aws_saas_order_lines(): the raw tables over the input on Spark, which
    reads the files where they lie; a dbt operation the runner calls before the
    build (`dbt run-operation register_aws_saas_order_lines --vars '{input_path: ...}'`),
    as dbt-external-tables stages its sources. The loader has checked every file's
    header first (customer_value/loader.py); this only registers. A no-op elsewhere.

    - `raw.aws_saas_order_lines_file`: an external table over the path (CSV or
      Parquet, a file or a glob); dropping it never touches the files;
    - the view `raw.aws_saas_order_lines`: the 19 columns as text under the raw
      tables' names (a header is matched case-insensitively, with a space, an
      underscore or nothing between words), the file of each line, its position in
      the input (file by file in name order, then its place in its file) and load 1;
    - the view `raw.aws_saas_malformed_lines`, empty: Spark's CSV reader pads or
      cuts a line to the header's fields instead (docs/engines.md);
    - the view `raw.aws_saas_loaded_files`: the manifest, counted from the files.
-#}
{% macro register_aws_saas_order_lines() %}
    {{ return(adapter.dispatch('register_aws_saas_order_lines', 'customer_value')()) }}
{% endmacro %}

{% macro default__register_aws_saas_order_lines() %}
{% endmacro %}

{% macro spark__register_aws_saas_order_lines() %}
    {%- set path = var('input_path') -%}
    {%- set quoted_path = "'" ~ (path | replace("\\", "\\\\") | replace("'", "\\'")) ~ "'" -%}
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
    {%- do run_query("drop view if exists raw.aws_saas_loaded_files") -%}
    {%- do run_query("drop view if exists raw.aws_saas_malformed_lines") -%}
    {%- do run_query("drop view if exists raw.aws_saas_order_lines") -%}
    {%- do run_query("drop table if exists raw.aws_saas_order_lines_file") -%}
    {%- do run_query(
        "create table raw.aws_saas_order_lines_file using " ~ file_format ~ " options (" ~ options ~ ")"
    ) -%}

    {%- set found = run_query("select * from raw.aws_saas_order_lines_file limit 0").column_names -%}
    {%- set by_name = {} -%}
    {%- for column in found -%}
        {%- do by_name.update({
            column | replace('\ufeff', '') | lower | replace(' ', '') | replace('_', ''): column
        }) -%}
    {%- endfor -%}
    {%- set selected = [] -%}
    {%- for column in aws_saas_raw_columns() -%}
        {%- do selected.append(
            "cast(`" ~ by_name[column | replace('_', '')] ~ "` as string) as " ~ column
        ) -%}
    {%- endfor -%}

    {%- set view_sql -%}
        create view raw.aws_saas_order_lines as
        with lines as (
            select
                {{ selected | join(',\n                ') }},
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
            file_offsets.lines_before + numbered_in_file.file_line_number as source_line_number,
            cast(1 as bigint) as load_id
        from numbered_in_file
        inner join file_offsets
            on numbered_in_file.source_file = file_offsets.source_file
    {%- endset -%}
    {%- do run_query(view_sql) -%}
    {%- do run_query(
        "create view raw.aws_saas_malformed_lines as select cast(null as string) as source_file,"
        ~ " cast(null as bigint) as source_file_line, cast(null as bigint) as source_line_number,"
        ~ " cast(null as string) as raw_line, cast(null as string) as reader_error,"
        ~ " cast(null as bigint) as load_id where false"
    ) -%}
    {%- do run_query(
        "create view raw.aws_saas_loaded_files as select cast(1 as bigint) as load_id, source_file,"
        ~ " cast(null as bigint) as file_size, cast(null as bigint) as file_modified_ns,"
        ~ " min(source_line_number) as first_line_number, count(*) as order_lines,"
        ~ " cast(0 as bigint) as malformed_lines from raw.aws_saas_order_lines group by source_file"
    ) -%}
{% endmacro %}
