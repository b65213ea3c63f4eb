{#-
    One row per customer and product bought before the analysis date: what the
    customer bought of it. Feeds product_count, the product dimension of
    segment_profiles and the cross-sell / up-sell recommendations.
-#}

with

order_lines_in_scope as (

    select
        customer_id,
        order_date,
        product,
        quantity,
        sales,
        profit

    from {{ ref('int_order_lines_scoped') }}

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
