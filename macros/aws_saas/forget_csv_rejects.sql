{#-
    Pre-hook of base_aws_saas__order_lines: drops the CSV reader's reject tables
    of this connection (DuckDB's `store_rejects`, named in the source), so that
    what store_malformed_lines reads afterwards is the base model's own read of
    the input and nothing older. A no-op elsewhere.
-#}
{% macro forget_csv_rejects() %}
    {{ return(adapter.dispatch('forget_csv_rejects', 'customer_value')()) }}
{% endmacro %}

{% macro default__forget_csv_rejects() %}
    select 1
{% endmacro %}

{% macro duckdb__forget_csv_rejects() %}
    drop table if exists temp.main.aws_saas_reject_errors;
    drop table if exists temp.main.aws_saas_reject_scans
{% endmacro %}
