-- order_facts and customer_segments tell the same story per customer: as many
-- orders as `frequency`, profit summing to `total_profit`, sales to
-- `total_sales`, and the same segments on every order. Fails with every
-- customer where they disagree (or who is in one mart only).

with

orders as (

    select * from {{ ref('order_facts') }}

),

customers as (

    select * from {{ ref('customer_segments') }}

),

customer_orders as (

    select
        customer_id,
        count(*) as order_count,
        sum(profit) as total_profit,
        sum(sales) as total_sales,
        min(value_segment) as min_value_segment,
        max(value_segment) as max_value_segment,
        min(clv_segment) as min_clv_segment,
        max(clv_segment) as max_clv_segment

    from orders
    group by customer_id

),

final as (

    select
        coalesce(customers.customer_id, customer_orders.customer_id) as customer_id,
        customers.frequency,
        customer_orders.order_count,
        customers.total_profit,
        customer_orders.total_profit as order_total_profit,
        customers.total_sales,
        customer_orders.total_sales as order_total_sales

    from customers
    full outer join customer_orders
        on customers.customer_id = customer_orders.customer_id
    where
        customers.customer_id is null
        or customer_orders.customer_id is null
        or customers.frequency != customer_orders.order_count
        or customers.total_profit != customer_orders.total_profit
        or customers.total_sales != customer_orders.total_sales
        or customers.value_segment != customer_orders.min_value_segment
        or customers.value_segment != customer_orders.max_value_segment
        or customers.clv_segment != customer_orders.min_clv_segment
        or customers.clv_segment != customer_orders.max_clv_segment

)

select * from final
