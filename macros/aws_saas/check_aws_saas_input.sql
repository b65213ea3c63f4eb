{#-
    on-run-start check of the raw input (`input_path` var) before any model runs.

    On DuckDB the raw export is read where it lies (see _aws_saas__sources.yml),
    so a missing file, an empty one, or a renamed column would otherwise surface
    as a database stack trace in the middle of staging. This check stops the run
    first, with one line that names the file and the problem, e.g.

        Input file 'exports/part2.csv': required column 'Profit' is missing (found: ...)

    Every file of a glob is checked by itself, in name order, so the line names
    the bad file; a run that appends new files checks only them and the first.
    A CSV header is read as the file's first line on its own, never through
    the sniffer's view of the whole file: a damaged data line (a
    20th field, bytes that are not UTF-8) is staging's to reject, and must not
    make a present column look missing.

    The same checks, queries and messages for the PostgreSQL loader are in
    scripts/input_headers.py; keep the two in step (tests/test_input_headers.py
    runs the same cases on both). The runner turns the line into exit code 2. On
    other adapters the raw table is loaded outside dbt and the check does nothing.
-#}

{% macro check_aws_saas_input() %}
    {{ return(adapter.dispatch('check_aws_saas_input', 'customer_value')()) }}
{% endmacro %}

{% macro default__check_aws_saas_input() %}
    select 1
{% endmacro %}

{% macro duckdb__check_aws_saas_input() %}
    {%- if execute -%}
        {%- set path = var('input_path') -%}
        {%- if not path.lower().endswith(('.csv', '.csv.gz', '.parquet')) -%}
            {{ exceptions.raise_compiler_error(
                "Input file '" ~ path ~ "': not a CSV or Parquet file (expected a name ending in .csv, .csv.gz or .parquet)"
            ) }}
        {%- endif -%}

        {%- set files = run_query("select file from glob(" ~ sql_string_literal(path) ~ ") order by file") -%}
        {%- if files.rows | length == 0 -%}
            {{ exceptions.raise_compiler_error("Input file '" ~ path ~ "': file not found") }}
        {%- endif -%}
        {%- set empty = run_query(
            "select filename from read_blob(" ~ sql_string_literal(path) ~ ") where size = 0"
        ).columns[0].values() -%}

        {#- A nightly run that only appends new files (aws_saas_input_load) checks those
            and the first file, whose header the new ones must spell alike: the others
            were checked when they were loaded and have not changed since, and the
            input they made had order lines. -#}
        {%- set load = aws_saas_input_load(record=false) -%}
        {%- set appending = load['mode'] == 'append' -%}
        {%- set state = namespace(any_lines = appending, first_file = none, first_names = none) -%}
        {%- for row in files.rows if not appending or row[0] == files.rows[0][0] or row[0] in load['new_files'] -%}
            {%- set file = row[0] -%}
            {%- if file in empty -%}
                {{ exceptions.raise_compiler_error("Input file '" ~ file ~ "': file is empty") }}
            {%- endif -%}
            {%- if file.lower().endswith('.parquet') -%}
                {%- set checked = _aws_saas_parquet_problem(file) -%}
            {%- else -%}
                {%- set checked = _aws_saas_csv_problem(file) -%}
                {%- if not checked[0] -%}
                    {#- The reader matches a glob's files by their header names (case aside),
                        as it must to keep the lines it cannot split (store_rejects). -#}
                    {%- set names = {} -%}
                    {%- for name in checked[2] -%}
                        {%- do names.update({name | lower | replace(' ', '') | replace('_', ''): name}) -%}
                    {%- endfor -%}
                    {%- if state.first_names is none -%}
                        {%- set state.first_file = file -%}
                        {%- set state.first_names = names -%}
                    {%- else -%}
                        {%- for required in aws_saas_required_columns() -%}
                            {%- set key = required | lower | replace(' ', '') -%}
                            {%- if names[key] | lower != state.first_names[key] | lower -%}
                                {{ exceptions.raise_compiler_error(
                                    "Input file '" ~ file ~ "': column '" ~ _aws_saas_shown(names[key])
                                    ~ "' is spelled '" ~ _aws_saas_shown(state.first_names[key]) ~ "' in '"
                                    ~ state.first_file ~ "' (the files of a CSV glob are matched by their header names)"
                                ) }}
                            {%- endif -%}
                        {%- endfor -%}
                    {%- endif -%}
                {%- endif -%}
            {%- endif -%}
            {%- if checked[0] -%}
                {{ exceptions.raise_compiler_error("Input file '" ~ file ~ "': " ~ checked[0]) }}
            {%- endif -%}
            {%- set state.any_lines = state.any_lines or checked[1] -%}
        {%- endfor -%}
        {%- if not state.any_lines -%}
            {{ exceptions.raise_compiler_error("Input file '" ~ path ~ "': file has a header but no order lines") }}
        {%- endif -%}
    {%- endif -%}
    select 1
{% endmacro %}

{#- _aws_saas_csv_problem(file): [the problem of a CSV file's header or none, whether an
    order line follows the header, its names]. The header is the first non-blank line (DuckDB skips
    blank lines before it); a line that is not UTF-8 is left out of the raw lines, so the
    header read is that line only when the line after it in the file is the next one read. -#}
{% macro _aws_saas_csv_problem(file) %}
    {%- set head = fromjson(run_query(
        "select to_json(list(line)) from (select line from " ~ _aws_saas_raw_lines(file, 0) ~ " limit 100)"
    ).rows[0][0] or '[]') -%}
    {%- set state = namespace(lead = none) -%}
    {%- for line in head -%}
        {%- if state.lead is none and line is not none -%}
            {%- set state.lead = loop.index0 -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if state.lead is none -%}
        {%- if head | length == 0 -%}
            {{ return(["no line of the file can be read as UTF-8 text (a binary file, or another encoding?)", false, []]) }}
        {%- endif -%}
        {{ return(["no header: " ~ (("lines 1 to " ~ (head | length) ~ " are") if head | length > 1 else "line 1 is") ~ " blank", false, []]) }}
    {%- endif -%}
    {%- set lead = state.lead -%}
    {%- set header = head[lead] -%}
    {%- set after_header = "(select line from " ~ _aws_saas_raw_lines(file, lead + 1) ~ " where line is not null limit 1)" -%}
    {%- set read = run_query(
        "select (select line from " ~ _aws_saas_raw_lines(file, 0) ~ " where line is not null limit 1 offset 1)"
        ~ " is not distinct from " ~ after_header ~ " as header_is_line, "
        ~ after_header ~ " is not null as has_lines"
    ).rows[0] -%}
    {%- if not read[0] -%}
        {{ return(["the header (line " ~ (lead + 1) ~ ") is not UTF-8 text (a binary file, or another encoding?)", false, []]) }}
    {%- endif -%}
    {%- if modules.re.search('[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]', header) -%}
        {{ return(["not a CSV text file: the header (line " ~ (lead + 1) ~ ") has binary bytes", false, []]) }}
    {%- endif -%}

    {%- set fields = fromjson(run_query(
        "select to_json(list_value(*columns(*))) from (select * from read_csv(" ~ sql_string_literal(file)
        ~ ", header = false, all_varchar = true, null_padding = true, ignore_errors = true) limit 1)"
    ).rows[0][0] or '[]') -%}
    {%- set found = [] -%}
    {%- set state.read_apart = true -%}
    {%- for field in fields if field is not none -%}
        {%- do found.append(field) -%}
        {%- if field | replace('"', '') not in header | replace('"', '') -%}
            {%- set state.read_apart = false -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if found | length == 0 or not state.read_apart -%}
        {{ return(["the header (line " ~ (lead + 1) ~ ") cannot be read as CSV: " ~ _aws_saas_shown(header), false, []]) }}
    {%- endif -%}
    {%- if found | length == 1 -%}
        {{ return([
            "DuckDB cannot find the delimiter between the header's names (a comma, semicolon, tab or pipe):"
            ~ " it reads one column '" ~ _aws_saas_shown(found[0]) ~ "'",
            false,
            [],
        ]) }}
    {%- endif -%}
    {{ return([_aws_saas_column_problem(found, found), read[1], found]) }}
{% endmacro %}

{#- _aws_saas_parquet_problem(file): [the problem of a Parquet file's schema or none, whether it
    has rows]. `describe` gives the top-level columns, a repeated name renamed (`Profit_1`);
    parquet_schema the names as written (its leaves, without children). -#}
{% macro _aws_saas_parquet_problem(file) %}
    {%- set found = run_query(
        "describe select * from read_parquet(" ~ sql_string_literal(file) ~ ")"
    ).columns[0].values() | list -%}
    {%- set written = run_query(
        "select name from parquet_schema(" ~ sql_string_literal(file) ~ ") where num_children is null"
    ).columns[0].values() | list -%}
    {%- set rows = run_query(
        "select count(*) > 0 from (select 1 from read_parquet(" ~ sql_string_literal(file) ~ ") limit 1)"
    ).rows[0][0] -%}
    {{ return([_aws_saas_column_problem(found, written), rows]) }}
{% endmacro %}

{#- _aws_saas_column_problem(found, written): a required column missing from the header names
    `found`, or present more than once among the names as `written`; none when all is well.
    Names match as in the source: case-insensitive, a space, an underscore or nothing between words. -#}
{% macro _aws_saas_column_problem(found, written) %}
    {%- set found_keys = [] -%}
    {%- for name in found -%}
        {%- do found_keys.append(name | lower | replace(' ', '') | replace('_', '')) -%}
    {%- endfor -%}
    {%- for required in aws_saas_required_columns() -%}
        {%- set key = required | lower | replace(' ', '') -%}
        {%- if key not in found_keys -%}
            {{ return("required column '" ~ required ~ "' is missing (found: " ~ _aws_saas_shown(found | join(', ')) ~ ")") }}
        {%- endif -%}
        {%- set positions = [] -%}
        {%- for name in written -%}
            {%- if (name | lower | replace(' ', '') | replace('_', '')) == key -%}
                {%- do positions.append(loop.index | string) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if positions | length > 1 -%}
            {{ return(
                "column '" ~ required ~ "' appears "
                ~ ("twice" if positions | length == 2 else (positions | length) ~ " times")
                ~ " (columns " ~ positions[:-1] | join(', ') ~ " and " ~ positions[-1] ~ ")"
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{% endmacro %}

{#- _aws_saas_raw_lines(file, skip): the file's lines as text, one column, without sniffing,
    after the first `skip` lines: a line that is not UTF-8 is left out (ignore_errors), a blank
    line is null. The delimiter is three control bytes no text has. -#}
{% macro _aws_saas_raw_lines(file, skip) %}
    {{ return(
        "read_csv(" ~ sql_string_literal(file) ~ ", auto_detect = false, header = false, columns = {'line': 'VARCHAR'},"
        ~ " delim = chr(1) || chr(2) || chr(3), quote = '', escape = '', strict_mode = false,"
        ~ " ignore_errors = true, skip = " ~ skip ~ ")"
    ) }}
{% endmacro %}

{#- _aws_saas_shown(text): a header text as a message shows it: one line, control bytes as
    `?`, at most 200 characters. -#}
{% macro _aws_saas_shown(text) %}
    {%- set text = modules.re.sub('[\\x00-\\x1f\\x7f]', '?', text) -%}
    {{ return(text if text | length <= 200 else text[:200] ~ '...') }}
{% endmacro %}
