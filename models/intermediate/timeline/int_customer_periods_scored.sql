{#-
    One row per customer and period: the LRFM scores and value segment as of
    the period's end, scored among all customers known at that date with the
    same macro as customer_segments (lrfm_scored, partitioned by period), so
    the final period reproduces customer_segments exactly. Then the migration
    segment: `Lapsed` when the customer has not ordered for more than var
    `lapsed_after_days` days, else the value segment; and the segment the
    customer came from (`New` in its first period).

    A table: customers x periods rows (1.6 M at 100,000 customers and 16
    quarters), read by segment_migrations and its tests; scoring every period
    is one sort per dimension over all rows.
-#}


with

customer_periods as (

    select * from {{ ref('int_customer_periods_measured') }}

),

lrfm_scored as (

    {{ lrfm_scored('customer_periods', partition_by='period_end_date') }}

),

segmented as (

    select
        *,
        recency_days > {{ var('lapsed_after_days') }} as is_lapsed,
        case
            when recency_days > {{ var('lapsed_after_days') }} then 'Lapsed'
            else value_segment
        end as migration_segment

    from lrfm_scored

),

final as (

    select
        customer_id,
        period_number,
        period_start_date,
        period_end_date,
        period_label,
        is_final_period,
        first_order_date,
        last_order_date,
        length_days,
        recency_days,
        frequency,
        monetary,
        total_sales,
        total_profit,
        period_orders,
        period_sales,
        period_profit,
        l_score,
        r_score,
        f_score,
        m_score,
        lrfm_score,
        lrfm_code,
        value_segment,
        is_lapsed,
        migration_segment,
        coalesce(
            lag(migration_segment) over (
                partition by customer_id
                order by period_start_date
            ),
            'New'
        ) as previous_migration_segment

    from segmented

)

select * from final
