-- metricflow_time_spine has no gaps and covers every order date and the
-- analysis date: MetricFlow's joins to it must never drop a day. Fails with
-- one row of the spine's bounds and size when not.

with

spine as (

    select * from {{ ref('metricflow_time_spine') }}

),

orders as (

    select * from {{ ref('int_orders_rolled_up') }}

),

spine_bounds as (

    select
        min(date_day) as first_day,
        max(date_day) as last_day,
        count(*) as day_count

    from spine

),

order_bounds as (

    select
        min(order_date) as first_order_date,
        max(analysis_date) as analysis_date

    from orders

),

final as (

    select
        spine_bounds.first_day,
        spine_bounds.last_day,
        spine_bounds.day_count,
        order_bounds.first_order_date,
        order_bounds.analysis_date

    from spine_bounds
    cross join order_bounds
    where
        spine_bounds.day_count != {{ days_between('spine_bounds.first_day', 'spine_bounds.last_day') }} + 1
        or spine_bounds.first_day > order_bounds.first_order_date
        or spine_bounds.last_day < order_bounds.analysis_date

)

select * from final
