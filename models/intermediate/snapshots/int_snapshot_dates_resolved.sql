{#-
    One row: the two dates customers are measured at, resolved in one place for
    every domain that reads a snapshot (lifetime value, clustering, backtest):

    - `analysis_date`: the as-of date of every metric (int_analysis_dates_resolved);
    - `cutoff_date`: the backtest cutoff, var `backtest_cutoff_date` when set, else
      the analysis date minus var `backtest_horizon_days` (365) days. The backtest
      scores on orders before it and judges on orders from it to the analysis date.
-#}

with

analysis_dates as (

    select * from {{ ref('int_analysis_dates_resolved') }}

),

final as (

    select
        analysis_date,
        {%- if var('backtest_cutoff_date') is none %}
            cast(
                {{ dbt.dateadd('day', -1 * (var('backtest_horizon_days') | int), 'analysis_date') }} as date
            ) as cutoff_date
        {%- else %}
            cast('{{ var("backtest_cutoff_date") }}' as date) as cutoff_date
        {%- endif %}

    from analysis_dates

)

select * from final
