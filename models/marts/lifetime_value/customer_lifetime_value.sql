{#-
    One row per customer: the probabilistic lifetime value (docs/forecasting.md) as of the
    analysis date, the `analysis_date` snapshot of int_customer_snapshots_forecasted
    (lifetimes: the chosen purchase model x Gamma-Gamma), with the history it was forecast from and
    the formula CLV of customer_segments beside it for comparison.

    The horizon columns carry the horizon in their names
    (expected_orders_next_<h>, predicted_value_next_<h>, h = var
    `clv_forecast_horizon_days`), as the contract in _lifetime_value__models.yml
    names them: a reader cannot mistake a 90-day forecast for a yearly one.

    DuckDB only (dbt_project.yml), like the Python models it reads.
-#}

{%- set horizon_days = var('clv_forecast_horizon_days') | int %}

with

forecasts as (

    select * from {{ ref('int_customer_snapshots_forecasted') }}

),

histories as (

    select * from {{ ref('int_customer_histories_summarized') }}

),

customers_valued as (

    select * from {{ ref('int_customers_valued') }}

),

analysis_date_forecasts as (

    select *

    from forecasts
    where snapshot_name = 'analysis_date'

),

analysis_date_histories as (

    select *

    from histories
    where snapshot_name = 'analysis_date'

),

final as (

    select
        analysis_date_forecasts.customer_id,
        analysis_date_forecasts.as_of_date as analysis_date,
        analysis_date_forecasts.horizon_days,
        analysis_date_histories.first_order_date,
        analysis_date_histories.last_order_date,
        analysis_date_histories.order_count,
        analysis_date_histories.order_days,
        analysis_date_histories.repeat_order_days,
        analysis_date_histories.length_days,
        analysis_date_histories.age_days,
        analysis_date_histories.avg_repeat_order_sales,
        analysis_date_histories.total_sales,
        analysis_date_histories.total_profit,
        analysis_date_histories.profit_margin,
        analysis_date_forecasts.probability_alive,
        analysis_date_forecasts.expected_orders as expected_orders_next_{{ horizon_days }},
        analysis_date_forecasts.expected_order_value,
        analysis_date_forecasts.predicted_value as predicted_value_next_{{ horizon_days }},
        analysis_date_forecasts.predicted_lifetime_value,
        customers_valued.predicted_clv,
        analysis_date_forecasts.purchase_model,
        analysis_date_forecasts.forecast_status,
        analysis_date_forecasts.is_fit_converged

    from analysis_date_forecasts
    inner join analysis_date_histories
        on analysis_date_forecasts.customer_id = analysis_date_histories.customer_id
    left join customers_valued
        on analysis_date_forecasts.customer_id = customers_valued.customer_id

)

select * from final
