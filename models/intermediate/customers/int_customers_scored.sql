{#-
    One row per customer: the metrics of int_customers_measured with the LRFM
    scores (1-4), lrfm_score, lrfm_code and value segment of docs/analytics.md, by var
    `score_method`.
-#}

with

customers as (

    select * from {{ ref('int_customers_measured') }}

),

lrfm_scored as (

    {{ lrfm_scored('customers') }}

),

final as (

    select
        customer_id,
        customer_name,
        industry,
        primary_region,
        primary_subregion,
        primary_sales_segment,
        analysis_date,
        first_order_date,
        last_order_date,
        first_order_year,
        length_days,
        recency_days,
        frequency,
        monetary,
        total_sales,
        total_profit,
        total_quantity,
        line_count,
        product_count,
        order_date_count,
        avg_discount,
        avg_days_between_orders,
        avg_order_value,
        avg_order_profit,
        l_score,
        r_score,
        f_score,
        m_score,
        lrfm_score,
        lrfm_code,
        value_segment,
        '{{ lrfm_score_method() }}' as score_method

    from lrfm_scored

)

select * from final
