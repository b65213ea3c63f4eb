{#-
    on-run-end hook: when the `export_dir` var is set, write every mart (the models
    under models/marts/) that exists in the warehouse as `<export_dir>/<mart>.parquet`
    and `<export_dir>/<mart>.csv`, streamed by the database (DuckDB COPY), rows in a
    stable order so two runs give identical bytes. Nothing is written when any node
    of the run failed. The runner passes a temporary folder here (environment
    variable CUSTOMER_VALUE_EXPORT_DIR) and publishes it atomically;
    `dbt build --vars '{export_dir: exports}'` works on its own too.

    It also writes `_input_lines.json` (clean and rejected line counts) for the
    runner's run summary.

    CSV cells that begin with =, +, - or @ are prefixed with a single quote so a
    spreadsheet does not run them as formulas; Parquet keeps the raw values.
-#}
{% macro export_marts(results) %}
    {{ return(adapter.dispatch('export_marts', 'customer_value')(results)) }}
{% endmacro %}

{% macro default__export_marts(results) %}
    {%- if var('export_dir', none) is not none -%}
        {{ exceptions.raise_compiler_error("export_dir is only supported on DuckDB targets") }}
    {%- endif -%}
    select 1
{% endmacro %}

{% macro duckdb__export_marts(results) %}
    {#- The runner passes its folder by environment, not var: a var that changes
        every run would make dbt re-parse the whole project every run. -#}
    {%- set export_dir = var('export_dir', none) or env_var('CUSTOMER_VALUE_EXPORT_DIR', '') or none -%}
    {%- if execute and export_dir is not none -%}
        {#- The values of dbt's RunStatus.Error, TestStatus.Error and TestStatus.Fail
            (dbt.artifacts.schemas.results), the statuses customer_value/runner.py also
            fails on. Strings, because the Jinja context exposes no dbt enum to compare
            with; each of those enums is a StrEnum, equal to its string value.
            (FreshnessStatus.RuntimeErr cannot occur: dbt build runs no freshness.) -#}
        {%- set failed_statuses = ['error', 'fail'] -%}
        {%- set failed = results | selectattr('status', 'in', failed_statuses) | list -%}
        {%- if failed | length == 0 -%}
            {%- set marts = [] -%}
            {%- for node in graph.nodes.values() -%}
                {%- if node.resource_type == 'model' and node.path.startswith('marts/') -%}
                    {%- do marts.append(node) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- for node in marts | sort(attribute='name') -%}
                {%- set relation = adapter.get_relation(node.database, node.schema, node.alias) -%}
                {%- if relation is not none -%}
                    {%- set base_path = export_dir ~ '/' ~ node.name -%}
                    {%- set columns = adapter.get_columns_in_relation(relation) -%}
                    {%- set csv_columns = [] -%}
                    {%- for column in columns -%}
                        {%- if column.is_string() -%}
                            {%- do csv_columns.append(
                                "case when regexp_matches(" ~ adapter.quote(column.name) ~ ", '^[=+\\-@]') then '''' || "
                                ~ adapter.quote(column.name) ~ " else " ~ adapter.quote(column.name) ~ " end as "
                                ~ adapter.quote(column.name)
                            ) -%}
                        {%- else -%}
                            {%- do csv_columns.append(adapter.quote(column.name)) -%}
                        {%- endif -%}
                    {%- endfor -%}
                    {%- do run_query(
                        "copy (select * from " ~ relation ~ " order by all) to '"
                        ~ base_path ~ ".parquet' (format parquet)"
                    ) -%}
                    {%- do run_query(
                        "copy (select " ~ (csv_columns | join(', ')) ~ " from (select * from " ~ relation
                        ~ " order by all)) to '"
                        ~ base_path ~ ".csv' (format csv, header true)"
                    ) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- set staged = {} -%}
            {%- for node in graph.nodes.values() -%}
                {%- if node.name in ['stg_aws_saas__order_lines', 'stg_aws_saas__rejected_order_lines'] -%}
                    {%- do staged.update({node.name: adapter.get_relation(node.database, node.schema, node.alias)}) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- if staged.values() | select('none') | list | length == 0 and staged | length == 2 -%}
                {#- For the run summary: raw lines = clean + rejected (duplicates are rejected). -#}
                {%- do run_query(
                    "copy (select (select count(*) from " ~ staged['stg_aws_saas__order_lines'] ~ ") as clean_rows,"
                    ~ " (select count(*) from " ~ staged['stg_aws_saas__rejected_order_lines'] ~ ") as rejected_rows"
                    ~ ") to '" ~ export_dir ~ "/_input_lines.json' (format json)"
                ) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
    select 1
{% endmacro %}
