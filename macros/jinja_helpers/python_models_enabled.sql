{#-
    python_models_enabled(): true where this project's dbt Python models (the
    K-Means clusters) run: through DuckDB only here (dbt-postgres runs none, and
    dbt-spark's session mode none). SQL that reads them asks this one macro;
    dbt_project.yml enables the models on the same condition.
-#}
{% macro python_models_enabled() %}
    {{ return(target.type == 'duckdb') }}
{% endmacro %}
