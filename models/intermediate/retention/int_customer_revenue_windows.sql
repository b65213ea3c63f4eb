{#-
    One row per customer and retention period end (int_retention_period_ends)
    for every customer with an order before the period end: the customer's
    Sales in the 365 days before the period end (`revenue`, the window
    [period_end - 365 days, period_end)) and in the 365 days before those
    (`revenue_year_before`, [period_end - 730 days, period_end - 365 days)),
    summed at the order grain in the exact money type; and the customer's
    history as of the window's start (first and last order date, orders,
    profit, sales before it), which values the customer a year before.

    Rows: customers x period ends (about 100 x 8 on the sample at quarter
    grain); every order is joined to the period ends after it.
-#}

with

orders as (

    select * from {{ ref('int_orders_rolled_up') }}

),

period_ends as (

    select * from {{ ref('int_retention_period_ends') }}

),

orders_before_period_ends as (

    select
        orders.customer_id,
        orders.order_id,
        orders.order_date,
        orders.total_sales,
        orders.total_profit,
        period_ends.period_end,
        period_ends.window_start_date,
        orders.order_date >= period_ends.window_start_date as is_in_window,
        orders.order_date >= period_ends.year_before_window_start_date
        and orders.order_date < period_ends.window_start_date as is_in_year_before_window,
        orders.order_date < period_ends.window_start_date as is_before_window

    from orders
    inner join period_ends
        on orders.order_date < period_ends.period_end

),

customer_windows as (

    -- order_id is unique, so counting orders counts distinct orders
    select
        customer_id,
        period_end,
        window_start_date,
        min(order_date) as first_order_date,
        sum(case when is_in_window then total_sales else 0 end) as revenue,
        sum(case when is_in_year_before_window then total_sales else 0 end) as revenue_year_before,
        max(case when is_before_window then order_date end) as last_order_date_before_window,
        count(case when is_before_window then order_id end) as orders_before_window,
        sum(case when is_before_window then total_profit end) as profit_before_window,
        sum(case when is_before_window then total_sales end) as sales_before_window

    from orders_before_period_ends
    group by
        customer_id,
        period_end,
        window_start_date

),

final as (

    select
        customer_id,
        period_end,
        window_start_date,
        first_order_date,
        revenue,
        revenue_year_before,
        last_order_date_before_window,
        cast(orders_before_window as {{ dbt.type_bigint() }}) as orders_before_window,
        profit_before_window,
        sales_before_window

    from customer_windows

)

select * from final
