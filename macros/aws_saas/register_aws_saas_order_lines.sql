{#-
    register_aws_saas_order_lines(): the raw tables over the input on Spark, which
    reads the files where they lie; a dbt operation the runner calls before the
    build (`dbt run-operation register_aws_saas_order_lines --vars '{input_path: ...}'`),
    as dbt-external-tables stages its sources. The loader has checked every file's
    header first (customer_value/loader.py); this only registers. A no-op elsewhere.

    - `raw.aws_saas_order_lines_file`: an external table over the path (CSV or
      Parquet, a file or a glob), for the header's names; dropping it never touches
      the files; for a CSV input also `raw.aws_saas_input_text`, the same files as
      lines of text, and the view `raw.aws_saas_input_lines` over it;
    - the view `raw.aws_saas_order_lines`: the 19 columns as text under the raw
      tables' names (a header is matched case-insensitively, with a space, an
      underscore or nothing between words), the file of each line, its position in
      the input (file by file in name order, malformed lines counted, as the loader
      numbers them on DuckDB) and load 1;
    - the view `raw.aws_saas_malformed_lines`: the CSV lines with too many or too
      few fields or bytes that are not UTF-8, with their line in the file, position,
      text and reason (empty for Parquet);
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
    {%- do run_query("drop view if exists raw.aws_saas_input_lines") -%}
    {%- do run_query("drop table if exists raw.aws_saas_input_text") -%}
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
    {%- if file_format == 'csv' -%}
        {%- do run_query(
            "create table raw.aws_saas_input_text using text options (path " ~ quoted_path ~ ")"
        ) -%}
    {%- endif -%}

    {%- if file_format == 'csv' -%}
        {%- do _register_spark_csv_lines(found, by_name) -%}
    {%- else -%}
        {%- do _register_spark_parquet_lines(selected) -%}
    {%- endif -%}
    {%- do run_query(
        "create view raw.aws_saas_loaded_files as select cast(1 as bigint) as load_id, source_file,"
        ~ " cast(null as bigint) as file_size, cast(null as bigint) as file_modified_ns,"
        ~ " min(source_line_number) as first_line_number, sum(is_order_line) as order_lines,"
        ~ " count(*) - sum(is_order_line) as malformed_lines"
        ~ " from (select source_file, source_line_number, 1 as is_order_line from raw.aws_saas_order_lines"
        ~ " union all select source_file, source_line_number, 0 from raw.aws_saas_malformed_lines) as lines"
        ~ " group by source_file"
    ) -%}
{% endmacro %}

{#- Private to register_aws_saas_order_lines: a Parquet input has no malformed lines. -#}
{% macro _register_spark_parquet_lines(selected) %}
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
{% endmacro %}

{#-
    Private to register_aws_saas_order_lines: a CSV input read as lines of text
    (`raw.aws_saas_input_text`), so a line Spark's CSV reader would pad or cut is
    found: every line of every file with its line in the file (the header is line 1,
    blank lines count), split by Spark's own CSV parser (`from_csv`) when it has the
    header's fields in valid UTF-8, else a malformed line. A record is one line here
    (docs/engines.md). Positions follow the loader's numbering on DuckDB
    (customer_value/loader.py, MALFORMED_LINES_SQL and POSITIONED_LINES_SQL), which
    the engine tests compare line by line.
-#}
{% macro _register_spark_csv_lines(found, by_name) %}
    {%- set field_count = found | length -%}
    {%- set fields_schema = [] -%}
    {%- for index in range(field_count) -%}
        {%- do fields_schema.append("f" ~ index ~ " string") -%}
    {%- endfor -%}
    {#- The bytes DuckDB's reader shows as `?` in a line that is not UTF-8: a byte
        outside a valid sequence, and the byte after it. -#}
    {%- set valid_utf8 = "(?:[\\\\x00-\\\\x7F]|[\\\\xC2-\\\\xDF][\\\\x80-\\\\xBF]|[\\\\xE0-\\\\xEF][\\\\x80-\\\\xBF]{2}"
        ~ "|[\\\\xF0-\\\\xF4][\\\\x80-\\\\xBF]{3})" -%}
    {%- set lines_sql -%}
        create view raw.aws_saas_input_lines as
        with physical as (
            select
                value,
                regexp_replace(url_decode(input_file_name()), '^file:(//)?', '') as source_file,
                monotonically_increasing_id() as read_order
            from raw.aws_saas_input_text
        ),
        numbered as (
            select
                *,
                row_number() over (partition by source_file order by read_order) as source_file_line
            from physical
        ),
        not_blank as (
            select
                *,
                row_number() over (partition by source_file order by source_file_line) as rank_in_file
            from numbered
            where value != ''
        ),
        counted as (
            select
                source_file,
                source_file_line,
                value,
                is_valid_utf8(value) as is_utf8,
                size(split(regexp_replace(value, '"(?:[^"]|"")*"', ''), ',', -1)) as fields
            from not_blank
            where rank_in_file > 1
        )
        select
            *,
            not is_utf8 or fields != {{ field_count }} as is_malformed
        from counted
    {%- endset -%}
    {%- do run_query(lines_sql) -%}

    {%- set malformed_sql -%}
        create view raw.aws_saas_malformed_lines as
        with files as (
            select
                source_file,
                count(*) as data_lines,
                coalesce(sum(count(*)) over (
                    order by source_file rows between unbounded preceding and 1 preceding
                ), 0) as lines_before
            from raw.aws_saas_input_lines
            group by source_file
        ),
        ranked as (
            select
                *,
                row_number() over (partition by source_file order by source_file_line) as rank_in_malformed,
                count(*) over (partition by source_file) as malformed_in_file
            from raw.aws_saas_input_lines
            where is_malformed
        )
        select
            ranked.source_file,
            cast(ranked.source_file_line as bigint) as source_file_line,
            cast(files.lines_before + greatest(ranked.rank_in_malformed, least(
                ranked.source_file_line - 1,
                files.data_lines - (ranked.malformed_in_file - ranked.rank_in_malformed)
            )) as bigint) as source_line_number,
            case when ranked.is_utf8 then ranked.value else decode(encode(
                regexp_replace(
                    regexp_replace(
                        decode(cast(ranked.value as binary), 'ISO-8859-1'),
                        '({{ valid_utf8 }}*+)[\\x80-\\xFF][\\x00-\\xFF]', '$1??'
                    ),
                    '({{ valid_utf8 }}*+)[\\x80-\\xFF]$', '$1?'
                ), 'ISO-8859-1'), 'UTF-8') end as raw_line,
            case
                when not ranked.is_utf8 then 'INVALID ENCODING - Invalid unicode (byte sequence mismatch) detected.'
                when ranked.fields > {{ field_count }}
                    then 'TOO MANY COLUMNS - Expected Number of Columns: {{ field_count }} Found: ' || ranked.fields
                else 'MISSING COLUMNS - Expected Number of Columns: {{ field_count }} Found: ' || ranked.fields
            end as reader_error,
            cast(1 as bigint) as load_id
        from ranked
        inner join files
            on ranked.source_file = files.source_file
    {%- endset -%}
    {%- do run_query(malformed_sql) -%}

    {%- set order_lines_sql -%}
        create view raw.aws_saas_order_lines as
        with order_lines as (
            select
                source_file,
                from_csv(value, '{{ fields_schema | join(", ") }}',
                    map('quote', '"', 'escape', '"', 'mode', 'PERMISSIVE')) as fields,
                row_number() over (partition by source_file order by source_file_line) as rank_in_file
            from raw.aws_saas_input_lines
            where not is_malformed
        ),
        -- per file, the order lines and the malformed lines of the files before it
        files as (
            select
                source_file,
                coalesce(sum(sum(case when is_malformed then 0 else 1 end)) over (
                    order by source_file rows between unbounded preceding and 1 preceding
                ), 0) as order_lines_before,
                coalesce(sum(sum(case when is_malformed then 1 else 0 end)) over (
                    order by source_file rows between unbounded preceding and 1 preceding
                ), 0) as malformed_before
            from raw.aws_saas_input_lines
            group by source_file
        ),
        numbered as (
            select
                order_lines.*,
                files.order_lines_before + order_lines.rank_in_file as read_number,
                files.malformed_before
            from order_lines
            inner join files
                on order_lines.source_file = files.source_file
        ),
        -- a malformed line at position p after k order lines moves every later order
        -- line one on; one of an earlier file moves every line of this one
        steps as (
            select
                source_file,
                source_line_number - row_number() over (order by source_line_number) as order_lines_before
            from raw.aws_saas_malformed_lines
        ),
        numbers as (
            select source_file, read_number, 1 as is_order_line from numbered
            union all
            select source_file, order_lines_before + 1, 0 from steps
        ),
        shifted as (
            select
                source_file,
                read_number,
                is_order_line,
                sum(1 - is_order_line) over (
                    partition by source_file
                    order by read_number, is_order_line rows between unbounded preceding and current row
                ) as malformed_in_file_before
            from numbers
        )
        select
            {%- for column in aws_saas_raw_columns() %}
            numbered.fields.f{{ found.index(by_name[column | replace('_', '')]) }} as {{ column }},
            {%- endfor %}
            numbered.source_file,
            cast(numbered.read_number + numbered.malformed_before + shifted.malformed_in_file_before as bigint)
                as source_line_number,
            cast(1 as bigint) as load_id
        from numbered
        inner join shifted
            on
                numbered.source_file = shifted.source_file
                and numbered.read_number = shifted.read_number
                and shifted.is_order_line = 1
    {%- endset -%}
    {%- do run_query(order_lines_sql) -%}
{% endmacro %}
