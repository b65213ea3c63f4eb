{#-
    One row per customer: the metrics of SPEC §4 as of the analysis date, the
    LRFM scores and value segment of §5, customer lifetime value of §6 and the
    churn flags of §7.
-#}

with

customers as (

    select * from {{ ref('int_customers_measured') }}

),

years_retained as (

    select * from {{ ref('int_years_retained') }}

),

retention as (

    select
        cast(sum(retained_customers) as {{ type_double() }})
        / nullif(sum(active_customers), 0) as measured_retention_rate

    from years_retained

),

lrfm_scored as (

    {{ lrfm_scored('customers') }}

),

clv_inputs as (

    select
        lrfm_scored.*,
        {%- if var('annual_retention_rate') is none %}
            retention.measured_retention_rate as annual_retention_rate,
        {%- else %}
            cast({{ var('annual_retention_rate') }} as {{ type_double() }}) as annual_retention_rate,
        {%- endif %}
        -- a double before the division: Spark divides an integer by a decimal in decimals (6 places)
        cast(greatest(
            {{ days_between('lrfm_scored.first_order_date', 'lrfm_scored.analysis_date') }},
            30
        ) as {{ type_double() }}) / 365.25 as tenure_years

    from lrfm_scored
    cross join retention

),

clv_scored as (

    select
        *,
        frequency / tenure_years as orders_per_year,
        avg_order_profit * (frequency / tenure_years) * annual_retention_rate
        / nullif(1 + cast({{ var('clv_discount_rate') }} as {{ type_double() }}) - annual_retention_rate, 0)
            as predicted_clv,
        {{ clv_score() }} as clv_score

    from clv_inputs

),

clv_cut_points as (

    select
        {{ clv_segment_cut_points('clv_score') }}

    from clv_scored

),

final as (

    select
        clv_scored.customer_id,
        clv_scored.customer_name,
        clv_scored.industry,
        clv_scored.primary_region,
        clv_scored.primary_subregion,
        clv_scored.primary_sales_segment,
        clv_scored.analysis_date,
        clv_scored.first_order_date,
        clv_scored.last_order_date,
        clv_scored.first_order_year,
        clv_scored.length_days,
        clv_scored.recency_days,
        clv_scored.frequency,
        clv_scored.monetary,
        clv_scored.total_sales,
        clv_scored.total_profit,
        clv_scored.total_quantity,
        clv_scored.line_count,
        clv_scored.product_count,
        clv_scored.avg_discount,
        clv_scored.avg_days_between_orders,
        clv_scored.avg_order_value,
        clv_scored.avg_order_profit,
        '{{ lrfm_score_method() }}' as score_method,
        clv_scored.l_score,
        clv_scored.r_score,
        clv_scored.f_score,
        clv_scored.m_score,
        clv_scored.lrfm_score,
        clv_scored.lrfm_code,
        clv_scored.value_segment,
        clv_scored.monetary as historical_clv,
        clv_scored.annual_retention_rate,
        cast(clv_scored.tenure_years as {{ type_double() }}) as tenure_years,
        cast(clv_scored.orders_per_year as {{ type_double() }}) as orders_per_year,
        cast(clv_scored.predicted_clv as {{ type_double() }}) as predicted_clv,
        cast(clv_scored.clv_score as {{ type_double() }}) as clv_score,
        {{ clv_segment(
            'clv_scored.clv_score',
            'clv_cut_points.high_value_min_clv_score',
            'clv_cut_points.moderate_value_min_clv_score',
            'clv_cut_points.low_value_min_clv_score',
        ) }} as clv_segment,
        coalesce(
            clv_scored.frequency >= 2
            and clv_scored.recency_days
            > {{ var('churn_recency_multiplier') }} * clv_scored.avg_days_between_orders,
            false
        ) as is_churn_risk,
        coalesce(
            clv_scored.value_segment = 'High-Value'
            and clv_scored.frequency >= 2
            and clv_scored.recency_days
            > {{ var('churn_recency_multiplier') }} * clv_scored.avg_days_between_orders,
            false
        ) as is_retention_priority

    from clv_scored
    cross join clv_cut_points

)

select * from final
