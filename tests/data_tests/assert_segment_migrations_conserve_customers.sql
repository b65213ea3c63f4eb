-- Customers are conserved between periods in segment_migrations: the customers
-- who arrive in a segment in one period (to_segment) are exactly the customers
-- who leave that segment in the next period (from_segment). Nobody vanishes
-- (lapsed customers stay, as Lapsed) and nobody appears except from New.
-- Fails with every period x segment whose counts differ. Reads the small mart only.

with

migrations as (

    select * from {{ ref('segment_migrations') }}

),

periods as (

    select distinct period_number from migrations

),

next_periods as (

    select
        period_number,
        lead(period_number) over (order by period_number) as next_period_number

    from periods

),

arrivals as (

    select
        next_periods.next_period_number as period_number,
        migrations.to_segment as segment,
        sum(migrations.customers) as arriving_customers

    from migrations
    inner join next_periods
        on migrations.period_number = next_periods.period_number
    where next_periods.next_period_number is not null
    group by
        next_periods.next_period_number,
        migrations.to_segment

),

departures as (

    select
        period_number,
        from_segment as segment,
        sum(customers) as leaving_customers

    from migrations
    where from_segment != 'New' and period_number > 1
    group by
        period_number,
        from_segment

),

final as (

    select
        coalesce(arrivals.period_number, departures.period_number) as period_number,
        coalesce(arrivals.segment, departures.segment) as segment,
        coalesce(arrivals.arriving_customers, 0) as customers_in_previous_period,
        coalesce(departures.leaving_customers, 0) as customers_leaving_in_period

    from arrivals
    full outer join departures
        on
            arrivals.period_number = departures.period_number
            and arrivals.segment = departures.segment

)

select * from final
where customers_in_previous_period != customers_leaving_in_period
