{#-
    days_between(start_date, end_date): the whole days from one date to another
    (dbt.datediff in days) as a bigint on every engine: PostgreSQL's date
    difference is an integer, DuckDB's a bigint, and contracts name one type.
-#}
{% macro days_between(start_date, end_date) -%}
    cast({{ dbt.datediff(start_date, end_date, 'day') }} as {{ dbt.type_bigint() }})
{%- endmacro %}
