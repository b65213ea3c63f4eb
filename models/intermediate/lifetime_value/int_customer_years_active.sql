{#-
    One row per customer and calendar year with at least one order before the
    analysis date, and whether the customer orders again the next year (LEAD).
    The base of the annual retention rate (docs/analytics.md).
-#}

with

orders as (

    select * from {{ ref('int_orders_rolled_up') }}

),

customer_years as (

    select distinct
        customer_id,
        cast(extract(year from order_date) as {{ dbt.type_int() }}) as activity_year,
        cast(extract(year from analysis_date) as {{ dbt.type_int() }}) as analysis_year

    from orders

),

next_years as (

    select
        customer_id,
        activity_year,
        analysis_year,
        lead(activity_year) over (
            partition by customer_id
            order by activity_year
        ) as next_activity_year

    from customer_years

),

final as (

    select
        customer_id,
        activity_year,
        next_activity_year,
        coalesce(next_activity_year = activity_year + 1, false) as is_active_next_year,
        -- the next year is complete when the analysis date is on or after the
        -- first day of the year after it (only orders before it count)
        analysis_year >= activity_year + 2 as is_next_year_complete

    from next_years

)

select * from final
