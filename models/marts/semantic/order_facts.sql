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
        -- the contract's money total: one sum of decimal(18,6) lines widens to
        -- decimal(38,6) on DuckDB but only to decimal(28,6) on Spark
        cast(orders.total_sales as decimal(38, 6)) as sales,
        cast(orders.total_profit as decimal(38, 6)) as profit,
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
