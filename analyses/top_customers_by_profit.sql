{#-
    Who are the top N customers by profit (var `top_customers_n`, default 10),
    and which value segment are they in: their metrics, scores and segments.
-#}

with

customers as (

    select * from {{ ref('customer_segments') }}

),

top_customers as (

    {{ top_customers_by_profit('customers') }}

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

    from top_customers

)

select * from final
order by profit_rank
