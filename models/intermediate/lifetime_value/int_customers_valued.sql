{#-
    One row per customer: customer lifetime value of docs/analytics.md as of the analysis
    date. Historical CLV is monetary; the predicted CLV is average order profit x
    orders per year x r / (1 + d - r), r the annual retention rate (pooled over
    int_retention_years_measured, or var `annual_retention_rate`), d var
    `clv_discount_rate`; the CLV score and segment come from clv_segmented().
-#}

with

customers as (

    select * from {{ ref('int_customers_measured') }}

),

years_retained as (

    select * from {{ ref('int_retention_years_measured') }}

),

retention as (

    select
        cast(sum(retained_customers) as {{ type_double() }})
        / nullif(sum(active_customers), 0) as measured_retention_rate

    from years_retained

),

clv_inputs as (

    select
        customers.customer_id,
        customers.length_days,
        customers.recency_days,
        customers.frequency,
        customers.monetary,
        customers.avg_order_profit,
        {%- if var('annual_retention_rate') is none %}
            retention.measured_retention_rate as annual_retention_rate,
        {%- else %}
            cast({{ var('annual_retention_rate') }} as {{ type_double() }}) as annual_retention_rate,
        {%- endif %}
        -- a double before the division: Spark divides an integer by a decimal in decimals (6 places)
        cast(greatest(
            {{ days_between('customers.first_order_date', 'customers.analysis_date') }},
            30
        ) as {{ type_double() }}) / 365.25 as tenure_years

    from customers
    cross join retention

),

predicted as (

    select
        *,
        frequency / tenure_years as orders_per_year,
        avg_order_profit * (frequency / tenure_years) * annual_retention_rate
        / nullif(1 + cast({{ var('clv_discount_rate') }} as {{ type_double() }}) - annual_retention_rate, 0)
            as predicted_clv

    from clv_inputs

),

clv_segmented as (

    {{ clv_segmented('predicted') }}

),

final as (

    select
        customer_id,
        monetary as historical_clv,
        annual_retention_rate,
        cast(tenure_years as {{ type_double() }}) as tenure_years,
        cast(orders_per_year as {{ type_double() }}) as orders_per_year,
        cast(predicted_clv as {{ type_double() }}) as predicted_clv,
        cast(clv_score as {{ type_double() }}) as clv_score,
        clv_segment

    from clv_segmented

)

select * from final
