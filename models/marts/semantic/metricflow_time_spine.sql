{#-
    The day spine MetricFlow joins time dimensions to: one row per day from
    January 1 of the first order's year to December 31 of the analysis date's
    year, so every day, month, quarter and year of the orders is whole.

    Built from a cross join of digits (portable: no generate_series or range()).
-#}

with

orders as (

    select * from {{ ref('int_orders_rolled_up') }}

),

bounds as (

    select
        cast({{ dbt.date_trunc('year', 'min(order_date)') }} as date) as first_date,
        cast(
            {{ dbt.dateadd('day', -1, dbt.dateadd('year', 1, dbt.date_trunc('year', 'max(analysis_date)'))) }} as date
        ) as last_date

    from orders

),

digits as (

    select digit_values.digit
    from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as digit_values (digit)

),

day_numbers as (

    -- 0..99999: enough for 273 years of days
    select
        ten_thousands.digit * 10000
        + thousands.digit * 1000
        + hundreds.digit * 100
        + tens.digit * 10
        + units.digit as day_offset

    from digits as ten_thousands
    cross join digits as thousands
    cross join digits as hundreds
    cross join digits as tens
    cross join digits as units

),

final as (

    select cast({{ dbt.dateadd('day', 'day_numbers.day_offset', 'bounds.first_date') }} as date) as date_day

    from bounds
    inner join day_numbers
        on day_numbers.day_offset <= {{ days_between('bounds.first_date', 'bounds.last_date') }}

)

select * from final
