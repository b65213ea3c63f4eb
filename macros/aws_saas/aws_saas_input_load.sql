{#-
    aws_saas_input_load(): how this run reads the input, decided once per run
    and kept in `raw.aws_saas_load_runs`: a dict with `mode` ('full' or
    'append'), `reason` (one line) and `new_files` (the files to read).

    Lines are numbered in file order across a glob's files (base_line_number),
    and the first copy of a Row ID is the one with the lowest number. So the
    lines of the files already loaded may stay as they are only when the input
    grows at its end:

      append  every file loaded before is still there, with the size and the
              modification time it had, and every new file's name sorts after
              theirs (a landing folder of daily files): only the new files are
              read, their lines numbered after the old ones;
      full    anything else, or --full-refresh, or nothing loaded yet, or the
              last run did not build every incremental model (complete_input_load): every
              file is read again. A file that changed or disappeared since it was
              loaded is thus never mixed with its old lines, and a late file that
              sorts among the loaded ones gets its place in the numbering.

    `raw.aws_saas_loaded_files` lists the files of the base table (written by
    record_loaded_files). With record=false the decision is made but not kept
    (the input check of on-run-start: a run that stops there has loaded
    nothing, and must not count as a run that did not finish its load).
    DuckDB only: elsewhere the raw table is loaded whole before every run and
    the mode is always 'full'.
-#}
{% macro aws_saas_input_load(record=true) %}
    {{ return(adapter.dispatch('aws_saas_input_load', 'customer_value')(record)) }}
{% endmacro %}

{% macro default__aws_saas_input_load(record=true) %}
    {{ return(_aws_saas_input_load_result('full', 'the raw table is loaded whole before every run', [])) }}
{% endmacro %}

{% macro duckdb__aws_saas_input_load(record=true) %}
    {%- if not execute -%}
        {{ return(_aws_saas_input_load_result('full', 'not executing', [])) }}
    {%- endif -%}
    {%- do run_query(
        "create schema if not exists raw;"
        ~ " create table if not exists raw.aws_saas_load_runs (invocation_id varchar, load_mode varchar,"
        ~ " reason varchar, new_files json, decided_at timestamp, completed boolean)"
    ) -%}
    {%- set recorded = run_query(
        "select load_mode, reason, new_files::varchar from raw.aws_saas_load_runs"
        ~ " where invocation_id = '" ~ invocation_id ~ "'"
    ) -%}
    {%- if recorded.rows | length > 0 -%}
        {%- set row = recorded.rows[0] -%}
        {{ return(_aws_saas_input_load_result(row[0], row[1], fromjson(row[2]))) }}
    {%- endif -%}

    {%- set files = "read_blob(" ~ sql_string_literal(var('input_path')) ~ ")" -%}
    {%- set base = adapter.get_relation(target.database, 'staging', 'base_aws_saas__order_lines') -%}
    {%- set loaded_table = adapter.get_relation(target.database, 'raw', 'aws_saas_loaded_files') -%}
    {%- set all_files = run_query("select filename from " ~ files ~ " order by filename").columns[0].values() | list -%}
    {%- set state = namespace(mode = 'full', reason = none, new_files = all_files) -%}
    {%- if flags.FULL_REFRESH -%}
        {%- set state.reason = '--full-refresh' -%}
    {%- elif base is none or loaded_table is none -%}
        {%- set state.reason = 'nothing is loaded yet' -%}
    {%- elif not run_query(
        "select coalesce(max_by(completed, decided_at), false) from raw.aws_saas_load_runs"
    ).rows[0][0] -%}
        {#- a run that failed or built only part of the incremental models may have
            left files loaded but not judged for duplicates -#}
        {%- set state.reason = 'the last run did not build every incremental model' -%}
    {%- else -%}
        {%- set compared = run_query(
            "with now as (select filename, size, last_modified from " ~ files ~ "),"
            ~ " loaded as (select * from raw.aws_saas_loaded_files)"
            ~ " select"
            ~ " (select count(*) from loaded),"
            ~ " (select min(source_file) from loaded where source_file not in (select filename from now)),"
            ~ " (select min(loaded.source_file) from loaded inner join now on loaded.source_file = now.filename"
            ~ "  where now.size != loaded.file_size or now.last_modified != loaded.file_modified),"
            ~ " (select min(filename) from now where filename not in (select source_file from loaded)"
            ~ "  and filename < (select max(source_file) from loaded)),"
            ~ " (select to_json(coalesce(list(filename order by filename), [])) from now"
            ~ "  where filename not in (select source_file from loaded))::varchar"
        ).rows[0] -%}
        {%- if compared[0] == 0 -%}
            {%- set state.reason = 'nothing is loaded yet' -%}
        {%- elif compared[1] is not none -%}
            {%- set state.reason = "file '" ~ compared[1] ~ "' is gone since it was loaded" -%}
        {%- elif compared[2] is not none -%}
            {%- set state.reason = "file '" ~ compared[2] ~ "' changed since it was loaded" -%}
        {%- elif compared[3] is not none -%}
            {%- set state.reason = "new file '" ~ compared[3] ~ "' sorts before files already loaded" -%}
        {%- else -%}
            {%- set state.mode = 'append' -%}
            {%- set state.new_files = fromjson(compared[4]) -%}
            {%- set state.reason = (state.new_files | length) ~ " new file(s) after the " ~ compared[0] ~ " loaded" -%}
        {%- endif -%}
    {%- endif -%}
    {%- set new_files = state.new_files -%}

    {%- if record and flags.WHICH in ('build', 'run') -%}
        {%- do run_query(
            "insert into raw.aws_saas_load_runs values ('" ~ invocation_id ~ "', '" ~ state.mode ~ "', "
            ~ sql_string_literal(state.reason) ~ ", " ~ sql_string_literal(tojson(new_files)) ~ ", current_timestamp, false)"
        ) -%}
        {{ log("Input: " ~ state.mode ~ " load (" ~ state.reason ~ ")", info=true) }}
    {%- endif -%}
    {{ return(_aws_saas_input_load_result(state.mode, state.reason, new_files)) }}
{% endmacro %}

{#- _aws_saas_input_load_result(mode, reason, new_files): the dict aws_saas_input_load returns. -#}
{% macro _aws_saas_input_load_result(mode, reason, new_files) %}
    {%- set quoted = [] -%}
    {%- for file in new_files -%}
        {%- do quoted.append(sql_string_literal(file)) -%}
    {%- endfor -%}
    {{ return({
        'mode': mode,
        'reason': reason,
        'new_files': new_files,
        'new_files_sql': (quoted | join(', ')) if quoted else 'null',
    }) }}
{% endmacro %}
