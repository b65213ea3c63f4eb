{#-
    One row per customer with an order before the backtest cutoff: whether the
    customer turned out to be in the top profit quartile on or after it (the
    truth segment_backtest judges the scoring models against). The top quartile
    is score 4 of the future profit, by var `score_method`, the same rule as
    m_score; customers with no order in the window are not top.
-#}

with

customers as (

    select * from {{ ref('int_customers_measured_at_cutoff') }}

),

future_customers as (

    select
        customer_id,
        future_profit

    from customers
    where has_future_orders

),

future_scored as (

    -- the top quartile is score 4, the same rule as m_score (var score_method)
    {{ quartile_scored('future_customers', 'future_profit', 'future_profit_score') }}

),

final as (

    select
        customers.customer_id,
        coalesce(future_scored.future_profit_score = 4, false) as is_actual_top

    from customers
    left join future_scored
        on customers.customer_id = future_scored.customer_id

)

select * from final
