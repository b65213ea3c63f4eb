{#-
    Spark implementation of dbt's cross-database `dbt.cast`, which dbt uses to
    check enforced contracts (`cast(null as <data_type>)`). Contracts name their
    types in ANSI SQL (`varchar`, `double precision`), which DuckDB and
    PostgreSQL accept as written; Spark knows them as `string` and `double`.
    dbt dispatch finds this root-project macro before dbt-spark's default.
-#}
{% macro spark__cast(field, type) %}
    {%- set spark_names = {'varchar': 'string', 'text': 'string', 'double precision': 'double'} -%}
    cast({{ field }} as {{ spark_names.get(type | trim | lower, type) }})
{% endmacro %}
