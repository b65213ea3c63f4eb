{#-
    One row per order dated before the analysis date, for time series in BI
    tools and the semantic layer: the order's totals and the customer's value
    and CLV segment as of the analysis date (the segments of customer_segments,
    not those the customer had when the order was placed).
-#}

with

orders as (

    select * from {{ ref('int_orders_rolled_up') }}

),

customers as (

    select * from {{ ref('customer_segments') }}

),

final as (

    select
        orders.order_id,
        orders.customer_id,
        orders.order_date,
        orders.analysis_date,
        orders.total_sales as sales,
        orders.total_profit as profit,
        orders.total_quantity as quantity,
        orders.line_count,
        customers.value_segment,
        customers.clv_segment

    from orders
    -- a left join: an order without its customer would fail the not_null
    -- constraints on the segments rather than vanish
    left join customers
        on orders.customer_id = customers.customer_id

)

select * from final
