{#-
    One row per period x from_segment x to_segment: how many customers moved
    from the segment they held at the end of the previous period to the one they
    hold at the end of this period (LRFM value segments scored as of every
    period end, var `migration_grain`). Customers enter from `New` in the period
    of their first order; customers with no order for more than var
    `lapsed_after_days` days are `Lapsed` (and leave it when they order again).
-#}

with

customer_periods as (

    select * from {{ ref('int_customer_periods_scored') }}

),

migrations as (

    select
        period_number,
        period_start_date,
        period_end_date,
        period_label,
        is_final_period,
        previous_migration_segment as from_segment,
        migration_segment as to_segment,
        count(*) as customers,
        sum(period_profit) as period_profit,
        sum(total_profit) as total_profit

    from customer_periods
    group by
        period_number,
        period_start_date,
        period_end_date,
        period_label,
        is_final_period,
        previous_migration_segment,
        migration_segment

),

final as (

    select
        period_number,
        period_label,
        '{{ var("migration_grain") | string | lower }}' as migration_grain,
        period_start_date,
        period_end_date,
        is_final_period,
        from_segment,
        to_segment,
        from_segment = to_segment as is_unchanged,
        customers,
        cast(customers as {{ type_double() }})
        / sum(customers) over (partition by period_number, from_segment) as share_of_from_segment,
        period_profit,
        total_profit

    from migrations

)

select * from final
