{#-
    date_key_of(date_column): the YYYYMMDD integer of a date (ANSI `extract`,
    portable across DuckDB, PostgreSQL and Spark), to compare with the export's
    Date Key.
-#}
{% macro date_key_of(date_column) %}
    (
        extract(year from {{ date_column }}) * 10000
        + extract(month from {{ date_column }}) * 100
        + extract(day from {{ date_column }})
    )
{% endmacro %}
