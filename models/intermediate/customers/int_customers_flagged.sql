{#-
    One row per customer: the churn flags of docs/analytics.md. A customer is a churn risk
    with at least 2 orders and a recency above var `churn_recency_multiplier`
    times their mean gap between orders; a High-Value customer at risk is a
    retention priority.
-#}

with

customers as (

    select * from {{ ref('int_customers_scored') }}

),

churn_flagged as (

    select
        customer_id,
        value_segment,
        coalesce(
            frequency >= 2
            and recency_days > {{ var('churn_recency_multiplier') }} * avg_days_between_orders,
            false
        ) as is_churn_risk

    from customers

),

final as (

    select
        customer_id,
        is_churn_risk,
        is_churn_risk and value_segment = 'High-Value' as is_retention_priority

    from churn_flagged

)

select * from final
