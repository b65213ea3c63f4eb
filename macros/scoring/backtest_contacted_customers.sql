{#-
    backtest_contacted_customers(contacted_percent, customers): how many customers
    "the top p %" of a ranking of `customers` is: ceil(p x customers / 100), as a
    bigint, so that the top 10 % of 94 customers is 10 and of 100 customers 10.
    Exact on every engine: p x customers is an integer, and a double divided by
    100 cannot round across an integer at these magnitudes. One rule for the
    gains curve (backtest_gains) and the top-10 % / 25 % shares (segment_backtest).
-#}
{% macro backtest_contacted_customers(contacted_percent, customers) -%}
    cast(ceiling(cast({{ contacted_percent }} * {{ customers }} as {{ type_double() }}) / 100) as {{ dbt.type_bigint() }})
{%- endmacro %}
