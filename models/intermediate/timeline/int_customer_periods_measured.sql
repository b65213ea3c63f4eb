{#-
    One row per customer and period from the customer's first period on: the
    L, R, F, M measures as of the period's end (`period_end_date`), counting only
    orders dated before it, by running totals (window functions) over the
    customer's periods instead of re-reading every earlier order for every
    period. A customer keeps a row in every later period, ordering or not, so
    recency grows while the customer is away.

    Rows: customers x periods since their first order (about 100 x 16 on the
    sample at quarter grain); orders are read once.
-#}

{%- set grain = var('migration_grain') | string | lower %}

with

orders as (

    select * from {{ ref('int_orders_rolled_up') }}

),

periods as (

    select * from {{ ref('int_periods_enumerated') }}

),

order_periods as (

    select
        customer_id,
        order_id,
        order_date,
        total_sales,
        total_profit,
        cast({{ dbt.date_trunc(grain, 'order_date') }} as date) as period_start_date

    from orders

),

customer_period_orders as (

    -- order_id is unique, so counting rows counts distinct orders
    select
        customer_id,
        period_start_date,
        min(order_date) as period_first_order_date,
        max(order_date) as period_last_order_date,
        count(*) as period_orders,
        sum(total_sales) as period_sales,
        sum(total_profit) as period_profit

    from order_periods
    group by
        customer_id,
        period_start_date

),

customer_first_periods as (

    select
        customer_id,
        min(period_start_date) as first_period_start_date

    from customer_period_orders
    group by customer_id

),

customer_periods as (

    select
        customer_first_periods.customer_id,
        periods.period_number,
        periods.period_start_date,
        periods.period_end_date,
        periods.period_label,
        periods.is_final_period

    from customer_first_periods
    inner join periods
        on customer_first_periods.first_period_start_date <= periods.period_start_date

),

customer_periods_with_orders as (

    select
        customer_periods.*,
        coalesce(customer_period_orders.period_orders, 0) as period_orders,
        customer_period_orders.period_first_order_date,
        customer_period_orders.period_last_order_date,
        customer_period_orders.period_sales,
        customer_period_orders.period_profit

    from customer_periods
    left join customer_period_orders
        on
            customer_periods.customer_id = customer_period_orders.customer_id
            and customer_periods.period_start_date = customer_period_orders.period_start_date

),

running_totals as (

    select
        customer_id,
        period_number,
        period_start_date,
        period_end_date,
        period_label,
        is_final_period,
        period_orders,
        coalesce(period_sales, 0) as period_sales,
        coalesce(period_profit, 0) as period_profit,
        min(period_first_order_date) over customer_to_date as first_order_date,
        max(period_last_order_date) over customer_to_date as last_order_date,
        sum(period_orders) over customer_to_date as order_count,
        sum(period_sales) over customer_to_date as total_sales,
        sum(period_profit) over customer_to_date as total_profit

    from customer_periods_with_orders
    window customer_to_date as (
        partition by customer_id
        order by period_start_date
        rows between unbounded preceding and current row
    )

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
        {{ lrfm_measures(
            'first_order_date',
            'last_order_date',
            'period_end_date',
            'cast(order_count as ' ~ dbt.type_bigint() ~ ')',
            'total_profit',
            'total_sales',
        ) }},
        total_sales,
        total_profit,
        cast(period_orders as {{ dbt.type_bigint() }}) as period_orders,
        period_sales,
        period_profit

    from running_totals

)

select * from final
