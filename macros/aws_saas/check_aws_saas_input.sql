{#-
    on-run-start check of the raw input (`input_path` var) before any model runs.

    On DuckDB the raw export is read where it lies (see _aws_saas__sources.yml),
    so a missing file, an empty one, or a renamed column would otherwise surface
    as a database stack trace in the middle of staging. This check stops the run
    first, with one line that names the file and the problem, e.g.

        Input file 'exports/sales.csv': required column 'Profit' is missing

    The runner turns that line into exit code 2. On other adapters the raw table
    is loaded outside dbt and the check does nothing.
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
        {%- set quoted_path = "'" ~ (path | replace("'", "''")) ~ "'" -%}
        {%- set prefix = "Input file '" ~ path ~ "': " -%}

        {%- if not path.lower().endswith(('.csv', '.csv.gz', '.parquet')) -%}
            {{ exceptions.raise_compiler_error(
                prefix ~ "not a CSV or Parquet file (expected a name ending in .csv, .csv.gz or .parquet)"
            ) }}
        {%- endif -%}

        {%- set files = run_query("select file from glob(" ~ quoted_path ~ ")") -%}
        {%- if files.rows | length == 0 -%}
            {{ exceptions.raise_compiler_error(prefix ~ "file not found") }}
        {%- endif -%}

        {%- set sizes = run_query(
            "select filename from read_blob(" ~ quoted_path ~ ") where size = 0 order by filename"
        ) -%}
        {%- if sizes.rows | length > 0 -%}
            {{ exceptions.raise_compiler_error(prefix ~ "file is empty (" ~ sizes.rows[0][0] ~ ")") }}
        {%- endif -%}

        {%- set columns = run_query(
            "describe select * from " ~ _aws_saas_input_reader(quoted_path)
        ).columns[0].values() -%}
        {%- set found = [] -%}
        {%- for column in columns -%}
            {%- do found.append(column | lower | replace(' ', '') | replace('_', '')) -%}
        {%- endfor -%}
        {%- for required in aws_saas_required_columns() -%}
            {%- if (required | lower | replace(' ', '')) not in found -%}
                {{ exceptions.raise_compiler_error(
                    prefix ~ "required column '" ~ required ~ "' is missing (found: "
                    ~ (columns | join(', ')) ~ ")"
                ) }}
            {%- endif -%}
        {%- endfor -%}

        {%- set first_line = run_query(
            "select 1 from " ~ _aws_saas_input_reader(quoted_path) ~ " limit 1"
        ) -%}
        {%- if first_line.rows | length == 0 -%}
            {{ exceptions.raise_compiler_error(prefix ~ "file has a header but no order lines") }}
        {%- endif -%}
    {%- endif -%}
    select 1
{% endmacro %}

{#- _aws_saas_input_reader(quoted_path): a plain DuckDB reader of the input, to look
    at its header and first line without the source's casts. -#}
{% macro _aws_saas_input_reader(quoted_path) %}
    {%- if quoted_path.lower().endswith(".parquet'") -%}
        {{ return("read_parquet(" ~ quoted_path ~ ", union_by_name = true)") }}
    {%- else -%}
        {{ return("read_csv(" ~ quoted_path ~ ", header = true, all_varchar = true, union_by_name = true)") }}
    {%- endif -%}
{% endmacro %}
