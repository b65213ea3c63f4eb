{#-
    One row per calendar year y whose next year y + 1 is complete: customers
    active in y, how many of them are active again in y + 1, and the share.
    customer_segments pools these into the annual retention rate.
-#}

with

customer_years as (

    select * from {{ ref('int_customer_years_active') }}

),

final as (

    select
        activity_year,
        count(*) as active_customers,
        count(case when is_active_next_year then 1 end) as retained_customers,
        cast(count(case when is_active_next_year then 1 end) as {{ type_double() }})
        / count(*) as retention_rate

    from customer_years
    where is_next_year_complete
    group by activity_year

)

select * from final
