{#-
    Long format profile of each value segment: one row per value_segment,
    dimension and dimension_value. A customer counts once per dimension, under
    its own industry, its primary region / subregion / sales segment and its
    first order year; under `product` it counts once for every product it
    bought, with the sales and profit of that product's lines only.
-#}

{#- (dimension name, the customer_segments column that holds its value) -#}
{%- set customer_dimensions = [
    ('industry', 'industry'),
    ('region', 'primary_region'),
    ('subregion', 'primary_subregion'),
    ('sales_segment', 'primary_sales_segment'),
    ('first_order_year', 'first_order_year'),
] %}

with

customers as (

    select * from {{ ref('customer_segments') }}

),

customer_products as (

    select * from {{ ref('int_customer_products_summarized') }}

),

customer_dimensions as (
    {% for dimension, column in customer_dimensions %}
        select
            customer_id,
            value_segment,
            '{{ dimension }}' as dimension,
            coalesce(cast({{ column }} as {{ dbt.type_string() }}), 'Unknown') as dimension_value,
            total_profit,
            total_sales,
            length_days,
            recency_days,
            frequency,
            monetary
        from customers

        union all
    {% endfor %}

    select
        customers.customer_id,
        customers.value_segment,
        'product' as dimension,
        coalesce(customer_products.product, 'Unknown') as dimension_value,
        customer_products.total_profit,
        customer_products.total_sales,
        customers.length_days,
        customers.recency_days,
        customers.frequency,
        customers.monetary
    from customers
    inner join customer_products
        on customers.customer_id = customer_products.customer_id

),

segment_totals as (

    select
        value_segment,
        count(*) as segment_customers,
        sum(total_profit) as segment_profit

    from customers
    group by value_segment

),

profiles as (

    select
        value_segment,
        dimension,
        dimension_value,
        count(distinct customer_id) as customers,
        sum(total_profit) as total_profit,
        sum(total_sales) as total_sales,
        cast(avg(length_days) as {{ type_double() }}) as avg_length_days,
        cast(avg(recency_days) as {{ type_double() }}) as avg_recency_days,
        cast(avg(frequency) as {{ type_double() }}) as avg_frequency,
        cast(avg(monetary) as {{ type_double() }}) as avg_monetary

    from customer_dimensions
    group by
        value_segment,
        dimension,
        dimension_value

),

final as (

    select
        profiles.value_segment,
        profiles.dimension,
        profiles.dimension_value,
        profiles.customers,
        cast(profiles.customers as {{ type_double() }})
        / segment_totals.segment_customers as share_of_customers,
        profiles.total_profit,
        cast(profiles.total_profit as {{ type_double() }})
        / nullif(cast(segment_totals.segment_profit as {{ type_double() }}), 0) as share_of_profit,
        profiles.total_sales,
        profiles.avg_length_days,
        profiles.avg_recency_days,
        profiles.avg_frequency,
        profiles.avg_monetary

    from profiles
    inner join segment_totals
        on profiles.value_segment = segment_totals.value_segment

)

select * from final
