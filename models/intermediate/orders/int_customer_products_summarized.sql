{#-
    One row per customer and product bought before the analysis date: what the
    customer bought of it. Feeds product_count, the product dimension of
    segment_profiles and the cross-sell / up-sell recommendations.
-#}

with

order_lines as (

    select * from {{ ref('stg_aws_saas__order_lines') }}

),

analysis_dates as (

    {{ resolve_analysis_date(ref('stg_aws_saas__order_lines')) }}

),

order_lines_in_scope as (

    -- the same scope as int_orders_rolled_up: lines dated before the analysis date
    select
        order_lines.customer_id,
        order_lines.order_date,
        order_lines.product,
        order_lines.quantity,
        order_lines.sales,
        order_lines.profit

    from order_lines
    cross join analysis_dates
    where order_lines.order_date < analysis_dates.analysis_date

),

customer_products as (

    select
        customer_id,
        product,
        count(*) as line_count,
        cast(sum(quantity) as {{ dbt.type_bigint() }}) as total_quantity,
        sum(sales) as total_sales,
        sum(profit) as total_profit,
        min(order_date) as first_purchase_date,
        max(order_date) as last_purchase_date

    from order_lines_in_scope
    group by
        customer_id,
        product

),

final as (

    select
        customer_id,
        product,
        case
            when product like '% - Gold' then replace(product, ' - Gold', '')
            else product
        end as base_product,
        coalesce(product like '% - Gold', false) as is_gold_tier,
        line_count,
        total_quantity,
        total_sales,
        total_profit,
        first_purchase_date,
        last_purchase_date

    from customer_products

)

select * from final
