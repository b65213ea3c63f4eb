{#-
    One row per retention period end and customer known a year before it (an
    order before the window start, period_end - 365 days): L, R, F, M as of
    the window start from the orders before it (macros/scoring/lrfm_measures),
    scored among the customers known then with the scoring of
    customer_segments (lrfm_scored, partitioned by period end), and the value
    segment that gives. It is the `value_segment` dimension of
    net_revenue_retention: a customer's segment when the year-before revenue
    ends, before the year being judged.
-#}

with

customer_windows as (

    select * from {{ ref('int_customer_revenue_windows') }}

),

measured as (

    select
        customer_id,
        period_end,
        window_start_date,
        {{ lrfm_measures(
            'first_order_date',
            'last_order_date_before_window',
            'window_start_date',
            'orders_before_window',
            'profit_before_window',
            'sales_before_window',
        ) }}

    from customer_windows
    where orders_before_window > 0

),

scored as (

    {{ lrfm_scored('measured', partition_by='period_end') }}

),

final as (

    select
        customer_id,
        period_end,
        window_start_date,
        length_days,
        recency_days,
        frequency,
        monetary,
        lrfm_score,
        value_segment

    from scored

)

select * from final
