{#-
    Post-hook of base_aws_saas__order_lines: writes the source table
    `raw.aws_saas_malformed_lines`, one row per line of the input the CSV reader
    could not make into the header's fields, from the reader's own rejects.

    On DuckDB those are the temporary tables `store_rejects` filled while the
    base model read the file (connection-local, hence a post-hook on the same
    connection). The reader gives a line's number in its file (header = line 1,
    blank lines counted); its position among the input's data lines, numbered
    like the order lines (base_line_number), is that number minus the header
    line plus the data lines of the glob's earlier files, kept between the
    lines around it in its file (a blank line before it would otherwise push it
    past the next order line). Its text is the reader's, without the line breaks
    of blank lines before it; its error is the reader's first for the line. A
    rejected record that spans several lines (a broken quote) stops the run.
    When the run reads only the input's new files (aws_saas_input_load), their
    malformed lines are added to the table, after those of the files before.

    On PostgreSQL the loader writes the table (scripts/engines.py). On Spark the
    table is empty: its CSV reader pads or cuts a line to the header's fields
    instead (docs/engines.md).
-#}
{% macro store_malformed_lines(base_relation) %}
    {{ return(adapter.dispatch('store_malformed_lines', 'customer_value')(base_relation)) }}
{% endmacro %}

{% macro default__store_malformed_lines(base_relation) %}
    select 1
{% endmacro %}

{% macro spark__store_malformed_lines(base_relation) %}
    {%- do run_query("create schema if not exists raw") -%}
    create or replace view raw.aws_saas_malformed_lines as
    {{ _no_malformed_lines() }}
{% endmacro %}

{% macro duckdb__store_malformed_lines(base_relation) %}
    {%- set is_csv = not var('input_path').lower().endswith('.parquet') -%}
    {%- set any_rejects = false -%}
    {%- if execute and is_csv -%}
        {#- no table when the reader did not run (a run with no new file to read) -#}
        {%- set any_rejects = run_query(
            "select count(*) > 0 from duckdb_tables() where temporary and table_name = 'aws_saas_reject_errors'"
        ).rows[0][0] and run_query(
            "select count(*) > 0 from temp.main.aws_saas_reject_errors"
        ).rows[0][0] -%}
        {#- A record over several lines is a quoted field with line breaks, most often a
            quote that opens a field and never closes (a broken quote): the reader read
            the lines after it into that field, and which of them are order lines is not
            known. Rejecting it as one line would lose them unseen, so the run stops. -#}
        {%- set spanning = run_query(
            "select scans.file_path, errors.line from temp.main.aws_saas_reject_errors as errors"
            ~ " inner join temp.main.aws_saas_reject_scans as scans"
            ~ " on errors.scan_id = scans.scan_id and errors.file_id = scans.file_id"
            ~ " where position(chr(10) in trim(errors.csv_line, chr(13) || chr(10))) > 0"
            ~ " order by scans.file_path, errors.line limit 1"
        ) if any_rejects else none -%}
        {%- if spanning and spanning.rows | length > 0 -%}
            {{ exceptions.raise_compiler_error(
                "Input file '" ~ spanning.rows[0][0] ~ "': line " ~ spanning.rows[0][1]
                ~ " opens a quoted field that runs over the lines after it (a broken quote?),"
                ~ " so the reader cannot tell which of them are order lines; close or remove that quote"
            ) }}
        {%- endif -%}
    {%- endif -%}
    {%- set append = aws_saas_input_load()['mode'] == 'append' -%}
    create schema if not exists raw;
    {% if append -%}
        {#- a run that reads only new files adds their malformed lines to those kept -#}
        create table if not exists raw.aws_saas_malformed_lines as {{ _no_malformed_lines() }};
        insert into raw.aws_saas_malformed_lines
    {%- else -%}
        create or replace table raw.aws_saas_malformed_lines as
    {%- endif %}
    {%- if not any_rejects %}
        {{ _no_malformed_lines() }}
    {%- else %}
        with

        rejected_lines as (

            -- one row per line: a short line has one error per missing field
            select
                scans.file_path as source_file,
                cast(errors.line as bigint) as source_file_line,
                arg_min(errors.csv_line, errors.column_idx) as raw_line,
                arg_min(errors.error_type || ' - ' || errors.error_message, errors.column_idx) as reader_error

            from temp.main.aws_saas_reject_errors as errors
            inner join temp.main.aws_saas_reject_scans as scans
                on
                    errors.scan_id = scans.scan_id
                    and errors.file_id = scans.file_id
            group by
                scans.file_path,
                errors.line

        ),

        line_counts as (

            select
                source_file,
                count(*) as parsed_lines,
                0 as malformed_lines

            from {{ base_relation }}
            group by source_file

            union all

            select
                source_file,
                0 as parsed_lines,
                count(*) as malformed_lines

            from rejected_lines
            group by source_file
            {%- if append %}

            union all

            -- the files loaded before keep their malformed lines
            select
                source_file,
                0 as parsed_lines,
                count(*) as malformed_lines

            from raw.aws_saas_malformed_lines
            group by source_file
            {%- endif %}

        ),

        files as (

            select
                source_file,
                sum(parsed_lines + malformed_lines) as data_lines

            from line_counts
            group by source_file

        ),

        file_offsets as (

            select
                source_file,
                data_lines,
                coalesce(sum(data_lines) over (
                    order by source_file rows between unbounded preceding and 1 preceding
                ), 0) as lines_before

            from files

        ),

        ranked as (

            select
                *,
                row_number() over (partition by source_file order by source_file_line) as rank_in_file,
                count(*) over (partition by source_file) as malformed_in_file

            from rejected_lines

        ),

        final as (

            select
                ranked.source_file,
                ranked.source_file_line,
                file_offsets.lines_before + greatest(
                    ranked.rank_in_file,
                    least(
                        ranked.source_file_line - 1,
                        file_offsets.data_lines - (ranked.malformed_in_file - ranked.rank_in_file)
                    )
                ) as source_line_number,
                trim(ranked.raw_line, chr(13) || chr(10)) as raw_line,
                ranked.reader_error

            from ranked
            inner join file_offsets
                on ranked.source_file = file_offsets.source_file

        )

        select * from final
    {%- endif %}
{% endmacro %}

{#- _no_malformed_lines(): a select of no rows with the table's columns and types. -#}
{% macro _no_malformed_lines() %}
    select
        cast(null as {{ dbt.type_string() }}) as source_file,
        cast(null as {{ dbt.type_bigint() }}) as source_file_line,
        cast(null as {{ dbt.type_bigint() }}) as source_line_number,
        cast(null as {{ dbt.type_string() }}) as raw_line,
        cast(null as {{ dbt.type_string() }}) as reader_error
    where false
{% endmacro %}
