{#-
    The period spine of segment_migrations: one row per period (var
    `migration_grain`: month, quarter or year) from the period of the first
    order to the period of the day before the analysis date, with no gaps. A
    period's as-of date, `period_end_date`, is the first day of the next
    period, or the analysis date for the last period, so the last period sees
    exactly the orders customer_segments sees.

    A table (a few rows): its tests and the models that join it do not re-read
    the orders.
-#}


{%- set grain = var('migration_grain') | string | lower -%}
{%- if grain not in ['month', 'quarter', 'year'] -%}
    {{ exceptions.raise_compiler_error(
        "migration_grain must be 'month', 'quarter' or 'year', got '" ~ grain ~ "'"
    ) }}
{%- endif %}

with

orders as (

    select * from {{ ref('int_orders_rolled_up') }}

),

bounds as (

    select
        cast({{ dbt.date_trunc(grain, 'min(order_date)') }} as date) as first_period_start_date,
        -- the period of the last day before the analysis date
        cast(
            {{ dbt.date_trunc(grain, dbt.dateadd('day', -1, 'max(analysis_date)')) }} as date
        ) as last_period_start_date,
        max(analysis_date) as analysis_date

    from orders

),

digits as (

    select digit_values.digit
    from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as digit_values (digit)

),

period_numbers as (

    -- 0..9999: enough for 833 years of months
    select thousands.digit * 1000 + hundreds.digit * 100 + tens.digit * 10 + units.digit as period_offset

    from digits as thousands
    cross join digits as hundreds
    cross join digits as tens
    cross join digits as units

),

periods as (

    select
        period_numbers.period_offset,
        bounds.analysis_date,
        cast(
            {{ dateadd_periods(grain, 'period_numbers.period_offset', 'bounds.first_period_start_date') }} as date
        ) as period_start_date

    from bounds
    inner join period_numbers
        on
            period_numbers.period_offset
            <= {{ periods_between('bounds.first_period_start_date', 'bounds.last_period_start_date', grain) }}

),

period_ends as (

    select
        period_offset,
        period_start_date,
        analysis_date,
        cast({{ dateadd_periods(grain, 1, 'period_start_date') }} as date) as next_period_start_date

    from periods

),

final as (

    select
        period_offset + 1 as period_number,
        period_start_date,
        case
            when next_period_start_date < analysis_date then next_period_start_date
            else analysis_date
        end as period_end_date,
        {%- if grain == 'month' %}
            {{ dbt.concat([
                "cast(extract(year from period_start_date) as " ~ dbt.type_string() ~ ")",
                "'-'",
                "lpad(cast(extract(month from period_start_date) as " ~ dbt.type_string() ~ "), 2, '0')",
            ]) }} as period_label,
        {%- elif grain == 'quarter' %}
            {{ dbt.concat([
                "cast(extract(year from period_start_date) as " ~ dbt.type_string() ~ ")",
                "'-Q'",
                "cast(extract(quarter from period_start_date) as " ~ dbt.type_string() ~ ")",
            ]) }} as period_label,
        {%- else %}
            cast(extract(year from period_start_date) as {{ dbt.type_string() }}) as period_label,
        {%- endif %}
        '{{ grain }}' as migration_grain,
        next_period_start_date >= analysis_date as is_final_period

    from period_ends

)

select * from final
