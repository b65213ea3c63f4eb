{#-
    backtest_status(customers, history_days): whether the backtest has the data
    to judge its models (docs/backtest.md, "Minimum data"): `evaluated`, or
    `too_few_customers` (fewer customers before the cutoff than var
    `backtest_min_customers`), or `too_short_history` (fewer days from the first
    order to the cutoff than var `backtest_min_history_days`). Below the minimum,
    segment_backtest and backtest_gains publish null values with this status.
    One rule for both marts.
-#}
{% macro backtest_status(customers, history_days) -%}
    case
        when {{ customers }} < {{ var('backtest_min_customers') | int }} then 'too_few_customers'
        when {{ history_days }} < {{ var('backtest_min_history_days') | int }} then 'too_short_history'
        else 'evaluated'
    end
{%- endmacro %}
