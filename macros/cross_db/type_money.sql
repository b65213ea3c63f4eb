{#-
    type_money(): the type of a line's Sales, Discount and Profit:
    decimal(18,6) on every engine, so that a value is judged by the same rule
    everywhere (a Sales or Profit of 1e12 or more does not fit, and the line is
    rejected as non-numeric on DuckDB, PostgreSQL and Spark alike;
    docs/cleaning.md). 18 digits are an 8-byte integer underneath on DuckDB,
    against 16 bytes for dbt's default numeric(28,6): faster to cast, store and
    sum at tens of millions of lines, and wide enough for any single order line.
    Sums widen on their own (DuckDB decimal(38,6), Spark precision + 10,
    PostgreSQL numeric).
-#}
{% macro type_money() %}
    {{ return(adapter.dispatch('type_money', 'customer_value')()) }}
{% endmacro %}

{% macro default__type_money() %}
    {{ return('decimal(18,6)') }}
{% endmacro %}
