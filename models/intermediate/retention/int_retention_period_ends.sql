{#-
    The period ends of the revenue retention marts: the analysis date, and each
    var `migration_grain` step (month, quarter or year) back from it, kept while
    two full years of history (730 days from the first order on) lie before the
    period end. A step of k periods is added at once (analysis date minus k
    quarters), not k times one period, so month ends do not drift.

    The candidate steps come from the period spine of segment_migrations
    (int_periods_enumerated: one row per period since the first order's, the
    same grain check), so there is one spine and one grain rule; the analysis
    date is the one every order carries (int_orders_rolled_up).

    A table (a few rows): the models that join it do not re-read the orders.
-#}

{%- set grain = var('migration_grain') | string | lower %}

with

periods as (

    select * from {{ ref('int_periods_enumerated') }}

),

orders as (

    select * from {{ ref('int_orders_rolled_up') }}

),

history as (

    select
        min(order_date) as first_order_date,
        max(analysis_date) as analysis_date

    from orders

),

steps_back as (

    -- period 1 is the oldest, but any k below the number of periods will do:
    -- k steps back from the analysis date never need more periods than there are
    select
        history.first_order_date,
        history.analysis_date,
        periods.period_number - 1 as periods_back

    from periods
    cross join history

),

period_ends as (

    select
        periods_back,
        first_order_date,
        analysis_date,
        cast(
            {{ dateadd_periods(grain, '-1 * periods_back', 'analysis_date') }} as date
        ) as period_end

    from steps_back

),

windows as (

    select
        periods_back,
        first_order_date,
        analysis_date,
        period_end,
        cast({{ dbt.dateadd('day', -365, 'period_end') }} as date) as window_start_date,
        cast({{ dbt.dateadd('day', -730, 'period_end') }} as date) as year_before_window_start_date

    from period_ends

),

final as (

    select
        period_end,
        window_start_date,
        year_before_window_start_date,
        cast(periods_back as {{ dbt.type_int() }}) as periods_back,
        periods_back = 0 as is_analysis_date,
        analysis_date

    from windows
    where year_before_window_start_date >= first_order_date

)

select * from final
