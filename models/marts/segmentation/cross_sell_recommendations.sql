{#-
    Up to `cross_sell_top_n` (3) product recommendations per customer, as of the
    analysis date.
    - up_sell: the `- Gold` tier of a base product the customer buys but whose
      Gold tier it never bought.
    - cross_sell: a product the customer never bought (neither it, nor, for a
      base product, its Gold tier) that at least one industry peer bought.
    Peers are the other customers of the same industry. Up-sells rank first,
    then by peer adoption rate, then by average profit per adopting peer, then
    by product name.
-#}

with

customers as (

    select * from {{ ref('int_customers_measured') }}

),

customer_products as (

    select * from {{ ref('int_customer_products_summarized') }}

),

product_catalog as (

    select distinct
        product,
        base_product,
        is_gold_tier

    from customer_products

),

industry_sizes as (

    select
        industry,
        count(*) as industry_customers

    from customers
    group by industry

),

industry_adoption as (

    select
        customers.industry,
        customer_products.product,
        count(*) as adopters,
        sum(customer_products.total_profit) as adopter_profit

    from customer_products
    inner join customers
        on customer_products.customer_id = customers.customer_id
    group by
        customers.industry,
        customer_products.product

),

customer_catalog as (

    select
        customers.customer_id,
        customers.customer_name,
        customers.industry,
        product_catalog.product,
        product_catalog.base_product,
        product_catalog.is_gold_tier

    from customers
    cross join product_catalog

),

candidates as (

    select
        customer_catalog.customer_id,
        customer_catalog.customer_name,
        customer_catalog.industry,
        customer_catalog.product,
        customer_catalog.base_product,
        -- a Gold tier whose base product the customer buys
        coalesce(customer_catalog.is_gold_tier and owned_base.product is not null, false) as is_up_sell,
        -- a base product whose Gold tier the customer already has
        owned_gold.product is not null as owns_gold_tier

    from customer_catalog
    left join customer_products as owned_product
        on
            customer_catalog.customer_id = owned_product.customer_id
            and customer_catalog.product = owned_product.product
    left join customer_products as owned_base
        on
            customer_catalog.customer_id = owned_base.customer_id
            and customer_catalog.base_product = owned_base.product
            and customer_catalog.is_gold_tier
    left join customer_products as owned_gold
        on
            customer_catalog.customer_id = owned_gold.customer_id
            and customer_catalog.product = owned_gold.base_product
            and owned_gold.is_gold_tier
            and not customer_catalog.is_gold_tier
    where owned_product.product is null

),

peer_adoption as (

    -- the customer never bought the product, so every adopter is a peer
    select
        candidates.customer_id,
        candidates.customer_name,
        candidates.industry,
        candidates.product,
        candidates.base_product,
        candidates.is_up_sell,
        candidates.owns_gold_tier,
        industry_sizes.industry_customers - 1 as peer_customers,
        coalesce(industry_adoption.adopters, 0) as peer_adopters,
        cast(coalesce(industry_adoption.adopters, 0) as {{ type_double() }})
        / nullif(industry_sizes.industry_customers - 1, 0) as peer_adoption_rate,
        cast(industry_adoption.adopter_profit as {{ type_double() }})
        / industry_adoption.adopters as avg_profit_per_adopter

    from candidates
    left join industry_sizes
        on candidates.industry = industry_sizes.industry
    left join industry_adoption
        on
            candidates.industry = industry_adoption.industry
            and candidates.product = industry_adoption.product

),

eligible as (

    select * from peer_adoption
    where
        is_up_sell
        or (not owns_gold_tier and peer_adopters > 0)

),

ranked as (

    select
        *,
        -- a bigint on every engine (Spark's row_number() is an int)
        cast(row_number() over (
            partition by customer_id
            order by
                case when is_up_sell then 0 else 1 end,
                peer_adoption_rate desc nulls last,
                avg_profit_per_adopter desc nulls last,
                product asc
        ) as {{ dbt.type_bigint() }}) as recommendation_rank

    from eligible

),

final as (

    select
        customer_id,
        customer_name,
        industry,
        recommendation_rank,
        product,
        case when is_up_sell then 'up_sell' else 'cross_sell' end as recommendation_type,
        case
            when is_up_sell
                then {{ dbt.concat([
                    "'Buys '",
                    'base_product',
                    "' but never its Gold tier; '",
                    'cast(peer_adopters as ' ~ dbt.type_string() ~ ')',
                    "' of '",
                    'cast(peer_customers as ' ~ dbt.type_string() ~ ')',
                    "' '",
                    'industry',
                    "' peers buy it'",
                ]) }}
            {#- the average goes through a 2-decimal number: a double's text form differs per engine #}
            else {{ dbt.concat([
                "'Bought by '",
                'cast(peer_adopters as ' ~ dbt.type_string() ~ ')',
                "' of '",
                'cast(peer_customers as ' ~ dbt.type_string() ~ ')',
                "' '",
                'industry',
                "' peers, avg profit '",
                'cast(cast(avg_profit_per_adopter as decimal(18, 2)) as ' ~ dbt.type_string() ~ ')',
                "' per adopter'",
            ]) }}
        end as reason,
        base_product,
        peer_customers,
        peer_adopters,
        peer_adoption_rate,
        avg_profit_per_adopter

    from ranked
    where recommendation_rank <= {{ var('cross_sell_top_n') }}

)

select * from final
