{#-
    One row per order dated before the analysis date: the order's lines rolled
    up, the customer's previous distinct order date (LAG) and the gap to it.

    Numbers only: the order's descriptive text (customer name, industry, region,
    ...) is picked per customer in int_customers_described. Carrying five text
    columns through this aggregate of every line made it the slowest step at
    10M lines.
-#}

with

order_lines_in_scope as (

    select
        order_id,
        customer_id,
        order_date,
        quantity,
        sales,
        profit,
        discount

    from {{ ref('int_order_lines_scoped') }}

),

analysis_dates as (

    select * from {{ ref('int_analysis_dates_resolved') }}

),

orders as (

    -- all lines of an order share its date; min() picks one should a file disagree
    select
        order_id,
        customer_id,
        min(order_date) as order_date,
        count(*) as line_count,
        cast(sum(quantity) as {{ dbt.type_bigint() }}) as total_quantity,
        sum(sales) as total_sales,
        sum(profit) as total_profit,
        sum(discount) as total_line_discount

    from order_lines_in_scope
    group by
        order_id,
        customer_id

),

customer_order_dates as (

    select distinct
        customer_id,
        order_date

    from orders

),

order_date_gaps as (

    select
        customer_id,
        order_date,
        lag(order_date) over (
            partition by customer_id
            order by order_date
        ) as previous_order_date

    from customer_order_dates

),

final as (

    select
        orders.order_id,
        orders.customer_id,
        orders.order_date,
        analysis_dates.analysis_date,
        orders.line_count,
        orders.total_quantity,
        orders.total_sales,
        orders.total_profit,
        orders.total_line_discount,
        order_date_gaps.previous_order_date,
        {{ days_between('order_date_gaps.previous_order_date', 'orders.order_date') }}
            as days_since_previous_order

    from orders
    cross join analysis_dates
    left join order_date_gaps
        on
            orders.customer_id = order_date_gaps.customer_id
            and orders.order_date = order_date_gaps.order_date

)

select * from final
