{#-
    One row per customer with an order before the backtest cutoff: L, R, F, M
    as of the cutoff, from orders dated before it only (the shared definition of
    macros/scoring/lrfm_measures.sql), and what the customer did from the cutoff
    to the analysis date (the outcome the backtest judges the scores against),
    with the profit of the 365 days before the cutoff (the naive ranker's input)
    and the length of the truth window in days.

    The cutoff and the analysis date: int_snapshot_dates_resolved.

    A table (one row per customer): segment_backtest, the cluster features and
    the tests read it without re-reading the orders.
-#}

with

orders as (

    select * from {{ ref('int_orders_rolled_up') }}

),

cutoffs as (

    select * from {{ ref('int_snapshot_dates_resolved') }}

),

orders_with_cutoff as (

    select
        orders.customer_id,
        orders.order_id,
        orders.order_date,
        orders.total_sales,
        orders.total_profit,
        cutoffs.analysis_date,
        cutoffs.cutoff_date,
        orders.order_date < cutoffs.cutoff_date as is_before_cutoff,
        -- the naive "same as last year" ranker of segment_backtest looks back 365 days
        orders.order_date < cutoffs.cutoff_date
        and orders.order_date >= cast({{ dbt.dateadd('day', -365, 'cutoffs.cutoff_date') }} as date)
            as is_in_last_365_days

    from orders
    cross join cutoffs

),

customer_totals as (

    -- order_id is unique, so counting orders counts distinct orders
    select
        customer_id,
        max(analysis_date) as analysis_date,
        max(cutoff_date) as cutoff_date,
        min(case when is_before_cutoff then order_date end) as first_order_date,
        max(case when is_before_cutoff then order_date end) as last_order_date,
        count(case when is_before_cutoff then order_id end) as order_count,
        sum(case when is_before_cutoff then total_sales end) as total_sales,
        sum(case when is_before_cutoff then total_profit end) as total_profit,
        coalesce(sum(case when is_in_last_365_days then total_profit end), 0) as last_365_day_profit,
        count(case when not is_before_cutoff then order_id end) as future_orders,
        coalesce(sum(case when not is_before_cutoff then total_profit end), 0) as future_profit

    from orders_with_cutoff
    group by customer_id

),

final as (

    select
        customer_id,
        cutoff_date,
        analysis_date,
        first_order_date,
        last_order_date,
        {{ lrfm_measures(
            'first_order_date',
            'last_order_date',
            'cutoff_date',
            'order_count',
            'total_profit',
            'total_sales',
        ) }},
        total_sales,
        total_profit,
        last_365_day_profit,
        {{ days_between('cutoff_date', 'analysis_date') }} as window_days,
        future_orders,
        future_profit,
        future_orders > 0 as has_future_orders

    from customer_totals
    where order_count > 0

)

select * from final
