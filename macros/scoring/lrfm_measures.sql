{#-
    The L, R, F, M measures of SPEC §4 as of a date, as one definition shared by
    every model that measures customers: int_customers_measured (as of the
    analysis date), int_customer_periods_measured (as of the end of every
    period) and int_customers_measured_at_cutoff (as of the backtest cutoff).
-#}

{#-
    lrfm_monetary_column(total_profit, total_sales): the expression of monetary
    (M) by var `monetary_measure`: `total_profit` ('profit', the default) or
    `total_sales` ('sales'); any other value is a compile error.
-#}
{% macro lrfm_monetary_column(total_profit='total_profit', total_sales='total_sales') %}
    {%- set columns = {'profit': total_profit, 'sales': total_sales} -%}
    {%- if var('monetary_measure') not in columns -%}
        {{ exceptions.raise_compiler_error(
            "monetary_measure must be 'profit' or 'sales', got '" ~ var('monetary_measure') ~ "'"
        ) }}
    {%- endif -%}
    {{ return(columns[var('monetary_measure')]) }}
{% endmacro %}

{#-
    lrfm_measures(first_order_date, last_order_date, as_of_date, frequency,
    total_profit, total_sales): four select-list items, comma separated,

        length_days   days from the first to the last order date (L)
        recency_days  days from the last order date to the as-of date (R)
        frequency     the count of distinct orders before the as-of date (F)
        monetary      total profit (or sales, var monetary_measure) (M)

    from the given column expressions. Only orders dated before `as_of_date`
    may be in the totals.
-#}
{% macro lrfm_measures(
    first_order_date='first_order_date',
    last_order_date='last_order_date',
    as_of_date='analysis_date',
    frequency='frequency',
    total_profit='total_profit',
    total_sales='total_sales'
) -%}
    {{ days_between(first_order_date, last_order_date) }} as length_days,
    {{ days_between(last_order_date, as_of_date) }} as recency_days,
    {{ frequency }} as frequency,
    {{ lrfm_monetary_column(total_profit, total_sales) }} as monetary
{%- endmacro %}
