{#-
    One row per Mid-Value customer in the top profit quartile (m_score = 4):
    the LRFM dimensions holding the customer back (score below 4) and the
    playbook's recommended action for each.
-#}

with

customers as (

    select * from {{ ref('customer_segments') }}

),

playbook as (

    select * from {{ ref('lrfm_action_playbook') }}

),

ranked_customers as (

    select
        *,
        -- a bigint on every engine (Spark's rank() is an int)
        cast(rank() over (order by monetary desc) as {{ dbt.type_bigint() }}) as profit_rank

    from customers

),

opportunities as (

    select * from ranked_customers
    where
        value_segment = 'Mid-Value'
        and m_score = 4

),

weak_dimensions as (

    select
        customer_id,
        'L' as dimension,
        1 as dimension_order
    from opportunities
    where l_score < 4

    union all

    select
        customer_id,
        'R' as dimension,
        2 as dimension_order
    from opportunities
    where r_score < 4

    union all

    select
        customer_id,
        'F' as dimension,
        3 as dimension_order
    from opportunities
    where f_score < 4

),

recommendations as (

    select
        weak_dimensions.customer_id,
        count(*) as weak_dimension_count,
        {{ dbt.listagg(
            'weak_dimensions.dimension',
            "','",
            'order by weak_dimensions.dimension_order',
        ) }} as weak_dimensions,
        {{ dbt.listagg(
            'playbook.recommended_action',
            "'; '",
            'order by weak_dimensions.dimension_order',
        ) }} as recommended_actions

    from weak_dimensions
    left join playbook
        on weak_dimensions.dimension = playbook.dimension
    group by weak_dimensions.customer_id

),

final as (

    select
        opportunities.customer_id,
        opportunities.customer_name,
        opportunities.industry,
        opportunities.value_segment,
        opportunities.profit_rank,
        opportunities.monetary,
        opportunities.lrfm_score,
        opportunities.lrfm_code,
        opportunities.l_score,
        opportunities.r_score,
        opportunities.f_score,
        opportunities.m_score,
        opportunities.length_days,
        opportunities.recency_days,
        opportunities.frequency,
        opportunities.l_score < 4 as has_weak_length,
        opportunities.r_score < 4 as has_weak_recency,
        opportunities.f_score < 4 as has_weak_frequency,
        coalesce(recommendations.weak_dimension_count, 0) as weak_dimension_count,
        recommendations.weak_dimensions,
        recommendations.recommended_actions

    from opportunities
    left join recommendations
        on opportunities.customer_id = recommendations.customer_id

)

select * from final
