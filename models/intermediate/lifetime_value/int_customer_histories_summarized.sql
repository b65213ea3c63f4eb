{#-
    The BG/NBD and Gamma-Gamma input (docs/forecasting.md): one row per snapshot x
    customer, the customer's order history as of the snapshot date, in days.

    Snapshots: `analysis_date` (every order before the analysis date) and
    `backtest_cutoff` (the orders before the backtest cutoff; both dates from
    int_snapshot_dates_resolved), so the backtest scores a forecast made
    without the orders it is judged on.

    The models count order days, not orders: two orders on one day are one
    purchase occasion, as lifetimes' own summary_data_from_transaction_data
    counts them, and a same-day second order would otherwise be a repeat
    purchase at recency 0.

    horizon_days: var `clv_forecast_horizon_days` at the analysis date; from the
    cutoff to the analysis date at the backtest cutoff, the period the backtest
    judges the forecast on.
-#}

with

orders as (

    select * from {{ ref('int_orders_rolled_up') }}

),

snapshot_dates as (

    select * from {{ ref('int_snapshot_dates_resolved') }}

),

order_days as (

    select
        customer_id,
        order_date,
        count(*) as order_count,
        -- sums stay in the exact money type: a sum of doubles depends on the order
        -- rows arrive in, and reruns must give identical bits (cast at the end)
        sum(total_sales) as day_sales,
        sum(total_profit) as day_profit

    from orders
    group by
        customer_id,
        order_date

),

snapshot_order_days as (

    select
        'analysis_date' as snapshot_name,
        snapshot_dates.analysis_date as as_of_date,
        cast({{ var('clv_forecast_horizon_days') | int }} as {{ dbt.type_bigint() }}) as horizon_days,
        order_days.customer_id,
        order_days.order_date,
        order_days.order_count,
        order_days.day_sales,
        order_days.day_profit

    from order_days
    cross join snapshot_dates

    union all

    select
        'backtest_cutoff' as snapshot_name,
        snapshot_dates.cutoff_date as as_of_date,
        {{ days_between('snapshot_dates.cutoff_date', 'snapshot_dates.analysis_date') }} as horizon_days,
        order_days.customer_id,
        order_days.order_date,
        order_days.order_count,
        order_days.day_sales,
        order_days.day_profit

    from order_days
    cross join snapshot_dates
    where order_days.order_date < snapshot_dates.cutoff_date

),

first_order_days as (

    select
        *,
        min(order_date) over (
            partition by snapshot_name, customer_id
        ) as first_order_date

    from snapshot_order_days

),

summarized as (

    select
        snapshot_name,
        customer_id,
        max(as_of_date) as as_of_date,
        max(horizon_days) as horizon_days,
        min(order_date) as first_order_date,
        max(order_date) as last_order_date,
        cast(sum(order_count) as {{ dbt.type_bigint() }}) as order_count,
        count(*) as order_days,
        count(case when order_date > first_order_date then 1 end) as repeat_order_days,
        sum(case when order_date > first_order_date then day_sales end) as repeat_sales,
        sum(day_sales) as total_sales,
        sum(day_profit) as total_profit

    from first_order_days
    group by
        snapshot_name,
        customer_id

),

final as (

    select
        snapshot_name,
        as_of_date,
        customer_id,
        horizon_days,
        first_order_date,
        last_order_date,
        order_count,
        order_days,
        cast(repeat_order_days as {{ dbt.type_bigint() }}) as repeat_order_days,
        {{ days_between('first_order_date', 'last_order_date') }} as length_days,
        {{ days_between('first_order_date', 'as_of_date') }} as age_days,
        cast(repeat_sales as {{ type_double() }}) / nullif(repeat_order_days, 0) as avg_repeat_order_sales,
        cast(total_sales as {{ type_double() }}) as total_sales,
        cast(total_profit as {{ type_double() }}) as total_profit,
        cast(total_profit as {{ type_double() }}) / nullif(cast(total_sales as {{ type_double() }}), 0)
            as profit_margin

    from summarized

)

select * from final
