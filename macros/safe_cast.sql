{#-
    DuckDB implementation of dbt's cross-database `dbt.safe_cast`: dbt-duckdb
    falls back to the default (a plain cast, which raises on bad text), so a
    non-numeric Sales would stop the build instead of becoming a reject reason.
    dbt dispatch finds this root-project macro before the default one.
-#}
{% macro duckdb__safe_cast(field, type) %}
    try_cast({{ field }} as {{ type }})
{% endmacro %}
