{#-
    One row per retention period end and customer with revenue in the 365 days
    before it or in the 365 days before those: the two revenues (Sales), the
    movement between them and its amount. Movement classes (docs/analytics.md):

        new          first order ever inside the current window
        expansion    revenue > revenue_year_before > 0
        flat         revenue = revenue_year_before > 0
        contraction  0 < revenue < revenue_year_before
        churned      revenue_year_before > 0, revenue = 0
        reactivated  revenue > 0, revenue_year_before = 0, first order before
                     the current window

    The customer's value segment a year before (at the window start) comes
    with it, `New` for a customer first seen inside the current window.
-#}

with

customer_windows as (

    select * from {{ ref('int_customer_revenue_windows') }}

),

segments_year_before as (

    select * from {{ ref('int_customers_segmented_year_before') }}

),

with_revenue as (

    select
        customer_id,
        period_end,
        window_start_date,
        first_order_date,
        revenue,
        revenue_year_before

    from customer_windows
    where revenue > 0 or revenue_year_before > 0

),

classified as (

    select
        customer_id,
        period_end,
        first_order_date,
        revenue,
        revenue_year_before,
        case
            when revenue_year_before > 0 and revenue > revenue_year_before then 'expansion'
            when revenue_year_before > 0 and revenue = revenue_year_before then 'flat'
            when revenue_year_before > 0 and revenue > 0 then 'contraction'
            when revenue_year_before > 0 then 'churned'
            when first_order_date >= window_start_date then 'new'
            else 'reactivated'
        end as movement

    from with_revenue

),

final as (

    select
        classified.period_end,
        classified.customer_id,
        classified.revenue,
        classified.revenue_year_before,
        classified.movement,
        classified.revenue - classified.revenue_year_before as movement_amount,
        coalesce(segments_year_before.value_segment, 'New') as value_segment_year_before,
        classified.first_order_date

    from classified
    left join segments_year_before
        on
            classified.customer_id = segments_year_before.customer_id
            and classified.period_end = segments_year_before.period_end

)

select * from final
