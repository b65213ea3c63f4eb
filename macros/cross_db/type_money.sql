{#-
    type_money(): the type of a line's Sales, Discount and Profit. On DuckDB a
    decimal(18,6) (an 8-byte integer underneath, against 16 bytes for dbt's
    default numeric(28,6)): faster to cast, store and sum at tens of millions of
    lines, and wide enough for any single order line. Sums widen to
    decimal(38,6) on their own. Elsewhere dbt's portable numeric type.
-#}
{% macro type_money() %}
    {{ return(adapter.dispatch('type_money', 'customer_value')()) }}
{% endmacro %}

{% macro default__type_money() %}
    {{ return(dbt.type_numeric()) }}
{% endmacro %}

{% macro duckdb__type_money() %}
    {{ return('decimal(18,6)') }}
{% endmacro %}
