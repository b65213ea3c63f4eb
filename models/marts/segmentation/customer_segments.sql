{#-
    One row per customer: the metrics of docs/analytics.md as of the analysis date, the
    LRFM scores and value segment of §5 (int_customers_scored), customer
    lifetime value of §6 (int_customers_valued) and the churn flags of §7
    (int_customers_flagged).
-#}

with

scored_customers as (

    select * from {{ ref('int_customers_scored') }}

),

valued_customers as (

    select * from {{ ref('int_customers_valued') }}

),

flagged_customers as (

    select * from {{ ref('int_customers_flagged') }}

),

final as (

    select
        scored.customer_id,
        scored.customer_name,
        scored.industry,
        scored.primary_region,
        scored.primary_subregion,
        scored.primary_sales_segment,
        scored.analysis_date,
        scored.first_order_date,
        scored.last_order_date,
        scored.first_order_year,
        scored.length_days,
        scored.recency_days,
        scored.frequency,
        scored.monetary,
        scored.total_sales,
        scored.total_profit,
        scored.total_quantity,
        scored.line_count,
        scored.product_count,
        scored.avg_discount,
        scored.avg_days_between_orders,
        scored.avg_order_value,
        scored.avg_order_profit,
        scored.score_method,
        scored.l_score,
        scored.r_score,
        scored.f_score,
        scored.m_score,
        scored.lrfm_score,
        scored.lrfm_code,
        scored.value_segment,
        valued.historical_clv,
        valued.annual_retention_rate,
        valued.tenure_years,
        valued.orders_per_year,
        valued.predicted_clv,
        valued.clv_score,
        valued.clv_segment,
        flagged.is_churn_risk,
        flagged.is_retention_priority

    from scored_customers as scored
    inner join valued_customers as valued
        on scored.customer_id = valued.customer_id
    inner join flagged_customers as flagged
        on scored.customer_id = flagged.customer_id

)

select * from final
