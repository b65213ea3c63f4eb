{#-
    Who are the top N customers by profit (var `top_customers_n`, default 10),
    and which value segment are they in: their metrics, scores and segments.
-#}

with

customers as (

    select * from {{ ref('customer_segments') }}

),

ranked as (

    select
        *,
        row_number() over (order by total_profit desc, customer_id asc) as profit_rank

    from customers

),

final as (

    select
        profit_rank,
        customer_id,
        customer_name,
        industry,
        primary_region,
        total_profit,
        total_sales,
        length_days,
        recency_days,
        frequency,
        monetary,
        l_score,
        r_score,
        f_score,
        m_score,
        lrfm_score,
        lrfm_code,
        value_segment,
        clv_score,
        clv_segment,
        is_churn_risk

    from ranked
    where profit_rank <= {{ var('top_customers_n', 10) }}

)

select * from final
order by profit_rank
