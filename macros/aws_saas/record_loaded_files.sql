{#-
    Post-hook of base_aws_saas__order_lines: writes `raw.aws_saas_loaded_files`,
    the input's files the base table holds, with the size and modification time
    each had when it was read, so that the next run can tell a file that changed
    or disappeared (aws_saas_input_load). A full load lists every file again; an
    append adds the new ones. DuckDB only (`select 1` elsewhere).
-#}
{% macro record_loaded_files() %}
    {{ return(adapter.dispatch('record_loaded_files', 'customer_value')()) }}
{% endmacro %}

{% macro default__record_loaded_files() %}
    select 1
{% endmacro %}

{% macro duckdb__record_loaded_files() %}
    {%- set load = aws_saas_input_load() -%}
    {%- set read_files -%}
        select
            filename as source_file,
            size as file_size,
            last_modified as file_modified,
            '{{ invocation_id }}' as loaded_by

        from read_blob({{ sql_string_literal(var('input_path')) }})
        where filename in ({{ load['new_files_sql'] }})
    {%- endset -%}
    create schema if not exists raw;
    {% if load['mode'] == 'full' -%}
        create or replace table raw.aws_saas_loaded_files as {{ read_files }}
    {%- else -%}
        insert into raw.aws_saas_loaded_files {{ read_files }}
    {%- endif %}
{% endmacro %}
