{#-
    One row per customer with an order before the analysis date: the text that
    describes the customer. Name and industry as on the customer's latest order
    (latest date, then highest Order ID); primary region, subregion and sales
    segment: the value with the most sales (ties: alphabetical).

    Small aggregates of the clean lines instead of text carried through the
    order rollup: the lines on each customer's last order date (a join on
    numbers, customer and date, with int_orders_rolled_up) and sales per
    customer x region x subregion x sales segment.
-#}

with

order_lines_in_scope as (

    select
        customer_id,
        region,
        subregion,
        sales_segment,
        sales

    from {{ ref('int_order_lines_scoped') }}

),

orders as (

    select * from {{ ref('int_orders_rolled_up') }}

),

last_order_dates as (

    select
        customer_id,
        max(order_date) as last_order_date

    from orders
    group by customer_id

),

lines_on_last_order_dates as (

    -- reads the lines model itself, not the order_lines CTE: DuckDB stores a CTE
    -- that is read twice, and that would be every line; this keeps a few per customer
    select
        last_day_lines.customer_id,
        last_day_lines.order_id,
        last_day_lines.customer_name,
        last_day_lines.industry

    from {{ ref('int_order_lines_scoped') }} as last_day_lines
    inner join last_order_dates
        on
            last_day_lines.customer_id = last_order_dates.customer_id
            and last_day_lines.order_date = last_order_dates.last_order_date

),

latest_orders as (

    select
        customer_id,
        max(order_id) as order_id

    from lines_on_last_order_dates
    group by customer_id

),

latest_order_descriptions as (

    -- min() picks one should the lines of an order disagree
    select
        latest_orders.customer_id,
        min(lines_on_last_order_dates.customer_name) as customer_name,
        min(lines_on_last_order_dates.industry) as industry

    from latest_orders
    inner join lines_on_last_order_dates
        on
            latest_orders.customer_id = lines_on_last_order_dates.customer_id
            and latest_orders.order_id = lines_on_last_order_dates.order_id
    group by latest_orders.customer_id

),

customer_dimension_sales as (

    select
        customer_id,
        region,
        subregion,
        sales_segment,
        sum(sales) as total_sales

    from order_lines_in_scope
    group by
        customer_id,
        region,
        subregion,
        sales_segment

),

region_sales as (

    select
        customer_id,
        region,
        row_number() over (
            partition by customer_id
            order by sum(total_sales) desc, region asc
        ) as sales_rank

    from customer_dimension_sales
    group by
        customer_id,
        region

),

subregion_sales as (

    select
        customer_id,
        subregion,
        row_number() over (
            partition by customer_id
            order by sum(total_sales) desc, subregion asc
        ) as sales_rank

    from customer_dimension_sales
    group by
        customer_id,
        subregion

),

sales_segment_sales as (

    select
        customer_id,
        sales_segment,
        row_number() over (
            partition by customer_id
            order by sum(total_sales) desc, sales_segment asc
        ) as sales_rank

    from customer_dimension_sales
    group by
        customer_id,
        sales_segment

),

final as (

    select
        latest_orders.customer_id,
        latest_order_descriptions.customer_name,
        latest_order_descriptions.industry,
        region_sales.region as primary_region,
        subregion_sales.subregion as primary_subregion,
        sales_segment_sales.sales_segment as primary_sales_segment

    from latest_orders
    left join latest_order_descriptions
        on latest_orders.customer_id = latest_order_descriptions.customer_id
    left join region_sales
        on
            latest_orders.customer_id = region_sales.customer_id
            and region_sales.sales_rank = 1
    left join subregion_sales
        on
            latest_orders.customer_id = subregion_sales.customer_id
            and subregion_sales.sales_rank = 1
    left join sales_segment_sales
        on
            latest_orders.customer_id = sales_segment_sales.customer_id
            and sales_segment_sales.sales_rank = 1

)

select * from final
