{#-
    One row per order dated before the analysis date: the order's lines rolled
    up, the customer's previous distinct order date (LAG) and the gap to it.
-#}

with

order_lines as (

    select * from {{ ref('stg_aws_saas__order_lines') }}

),

analysis_dates as (

    {{ resolve_analysis_date('order_lines') }}

),

order_lines_in_scope as (

    select
        order_lines.order_id,
        order_lines.customer_id,
        order_lines.customer_name,
        order_lines.industry,
        order_lines.order_date,
        order_lines.region,
        order_lines.subregion,
        order_lines.sales_segment,
        order_lines.quantity,
        order_lines.sales,
        order_lines.profit,
        order_lines.discount,
        analysis_dates.analysis_date

    from order_lines
    cross join analysis_dates
    where order_lines.order_date < analysis_dates.analysis_date

),

orders as (

    -- all lines of an order share its date, customer, geography and sales segment;
    -- min() picks one value should a file ever disagree
    select
        order_id,
        customer_id,
        analysis_date,
        min(order_date) as order_date,
        min(customer_name) as customer_name,
        min(industry) as industry,
        min(region) as region,
        min(subregion) as subregion,
        min(sales_segment) as sales_segment,
        count(*) as line_count,
        cast(sum(quantity) as {{ dbt.type_bigint() }}) as total_quantity,
        sum(sales) as total_sales,
        sum(profit) as total_profit,
        sum(discount) as total_line_discount

    from order_lines_in_scope
    group by
        order_id,
        customer_id,
        analysis_date

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
        orders.analysis_date,
        orders.customer_name,
        orders.industry,
        orders.region,
        orders.subregion,
        orders.sales_segment,
        orders.line_count,
        orders.total_quantity,
        orders.total_sales,
        orders.total_profit,
        orders.total_line_discount,
        order_date_gaps.previous_order_date,
        {{ dbt.datediff('order_date_gaps.previous_order_date', 'orders.order_date', 'day') }}
            as days_since_previous_order

    from orders
    left join order_date_gaps
        on
            orders.customer_id = order_date_gaps.customer_id
            and orders.order_date = order_date_gaps.order_date

)

select * from final
