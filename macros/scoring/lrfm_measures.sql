{#-
    lrfm_measures(first_order_date, last_order_date, as_of_date, frequency,
    total_profit, total_sales): the L, R, F, M measures of docs/analytics.md as of a date,
    one definition for every model that measures customers (as of the analysis
    date, at every period end, at the backtest cutoff). Four select-list items,
    comma separated,

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
