{#-
    One row per customer with an order before the analysis date: the customer
    metrics of docs/analytics.md (L, R, F, M and the others) as of the analysis date.

    monetary (M) is total_profit, or total_sales with var monetary_measure = 'sales'.
-#}

{#- L, R, F, M: the shared definition in macros/scoring/lrfm_measures.sql -#}
{%- set monetary_column = lrfm_monetary_column('order_totals.total_profit', 'order_totals.total_sales') %}

with

orders as (

    select * from {{ ref('int_orders_rolled_up') }}

),

customer_products as (

    select * from {{ ref('int_customer_products_summarized') }}

),

customer_descriptions as (

    select * from {{ ref('int_customers_described') }}

),

order_totals as (

    select
        customer_id,
        max(analysis_date) as analysis_date,
        min(order_date) as first_order_date,
        max(order_date) as last_order_date,
        -- one row per order: counting rows counts distinct orders
        count(*) as frequency,
        sum(total_sales) as total_sales,
        sum(total_profit) as total_profit,
        cast(sum(total_quantity) as {{ dbt.type_bigint() }}) as total_quantity,
        cast(sum(line_count) as {{ dbt.type_bigint() }}) as line_count,
        sum(total_line_discount) as total_line_discount

    from orders
    group by customer_id

),

order_date_gaps as (

    -- one gap per distinct order date (orders on the same day share it); reads
    -- the orders model itself, not the orders CTE: DuckDB stores a CTE that is
    -- read twice, and that would be every order
    select distinct
        customer_id,
        order_date,
        days_since_previous_order

    from {{ ref('int_orders_rolled_up') }}

),

average_gaps as (

    select
        customer_id,
        count(*) as order_date_count,
        cast(avg(days_since_previous_order) as {{ type_double() }}) as avg_days_between_orders

    from order_date_gaps
    group by customer_id

),

product_counts as (

    select
        customer_id,
        count(*) as product_count

    from customer_products
    group by customer_id

),

final as (

    select
        order_totals.customer_id,
        customer_descriptions.customer_name,
        customer_descriptions.industry,
        customer_descriptions.primary_region,
        customer_descriptions.primary_subregion,
        customer_descriptions.primary_sales_segment,
        order_totals.analysis_date,
        order_totals.first_order_date,
        order_totals.last_order_date,
        cast(extract(year from order_totals.first_order_date) as {{ dbt.type_int() }}) as first_order_year,
        {{ lrfm_measures(
            'order_totals.first_order_date',
            'order_totals.last_order_date',
            'order_totals.analysis_date',
            'order_totals.frequency',
            'order_totals.total_profit',
            'order_totals.total_sales',
        ) }},
        order_totals.total_sales,
        order_totals.total_profit,
        order_totals.total_quantity,
        order_totals.line_count,
        product_counts.product_count,
        average_gaps.order_date_count,
        cast(order_totals.total_line_discount as {{ type_double() }})
        / order_totals.line_count as avg_discount,
        average_gaps.avg_days_between_orders,
        cast(order_totals.total_sales as {{ type_double() }})
        / order_totals.frequency as avg_order_value,
        cast({{ monetary_column }} as {{ type_double() }})
        / order_totals.frequency as avg_order_profit

    from order_totals
    left join average_gaps
        on order_totals.customer_id = average_gaps.customer_id
    left join product_counts
        on order_totals.customer_id = product_counts.customer_id
    left join customer_descriptions
        on order_totals.customer_id = customer_descriptions.customer_id

)

select * from final
