{#-
    The gains curve of the backtest: one row per ranking model x contacted
    percent (0, 1, ..., 100; the step is var `backtest_gains_step_percent`).
    "Call the first p % of the model's ranking": the first
    ceil(p x customers / 100) customers (backtest_contacted_customers), and the
    share of all the profit after the cutoff that they brought. A random order
    captures p % on average (the diagonal, `contacted_share`); the best possible
    order, by the future profit itself, is `perfect_profit_share`.

    Rankings are those of int_backtest_predictions_ranked (score descending,
    ties by customer_id), the ones segment_backtest measures. The shares are
    null when the total future profit is not positive (a share of a loss is
    undefined) and below the backtest's minimum data (`status`, macro
    backtest_status).
-#}

{%- set step = var('backtest_gains_step_percent') | int -%}
{%- if step < 1 or step > 100 or 100 % step != 0 -%}
    {{ exceptions.raise_compiler_error(
        "backtest_gains_step_percent must divide 100 (1, 2, 4, 5, 10, 20, 25, 50 or 100), got '"
        ~ var('backtest_gains_step_percent') ~ "'"
    ) }}
{%- endif %}

with

ranked as (

    select * from {{ ref('int_backtest_predictions_ranked') }}

),

digits as (

    select digit_values.digit
    from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as digit_values (digit)

),

steps as (

    -- 0 .. 100 / step
    select hundreds.digit * 100 + tens.digit * 10 + units.digit as step_number

    from digits as hundreds
    cross join digits as tens
    cross join digits as units
    where hundreds.digit * 100 + tens.digit * 10 + units.digit <= {{ 100 // step }}

),

ranking_models as (

    select
        scoring_model,
        max(model_order) as model_order,
        max(evaluated_customers) as evaluated_customers,
        max(history_days) as history_days,
        -- summed exactly, then a double once (the same bytes whatever the row order)
        sum(cast(future_profit as {{ dbt.type_numeric() }})) as total_future_profit,
        max(cutoff_date) as cutoff_date,
        max(analysis_date) as analysis_date

    from ranked
    where ranking_position is not null
    group by scoring_model

),

contacted as (

    select
        ranking_models.*,
        steps.step_number * {{ step }} as contacted_percent,
        {{ backtest_contacted_customers('steps.step_number * ' ~ step, 'ranking_models.evaluated_customers') }}
            as contacted_customers

    from ranking_models
    cross join steps

),

captured as (

    select
        contacted.*,
        coalesce(model_rows.cumulative_future_profit, 0) as captured_future_profit

    from contacted
    left join ranked as model_rows
        on
            contacted.scoring_model = model_rows.scoring_model
            and contacted.contacted_customers = model_rows.ranking_position

),

perfect as (

    select
        captured.*,
        coalesce(perfect_rows.perfect_cumulative_future_profit, 0) as perfect_future_profit

    from captured
    left join ranked as perfect_rows
        on
            captured.scoring_model = perfect_rows.scoring_model
            and captured.contacted_customers = perfect_rows.perfect_position

),

shares as (

    select
        *,
        {{ backtest_status('evaluated_customers', 'history_days') }} as status,
        case when total_future_profit > 0 then total_future_profit end as share_denominator

    from perfect

),

final as (

    select
        scoring_model as model,  -- noqa: RF04
        cast(contacted_percent as {{ dbt.type_int() }}) as contacted_percent,
        cast(contacted_customers as {{ dbt.type_bigint() }}) as contacted_customers,
        -- shares to 6 decimals: what a chart needs, and the same figure on every engine
        {{ round_double(
            'cast(contacted_customers as ' ~ type_double() ~ ') / nullif(evaluated_customers, 0)', 6
        ) }} as contacted_share,
        cast(captured_future_profit as {{ type_double() }}) as captured_future_profit,
        case
            when status = 'evaluated'
                then {{ round_double('cast(captured_future_profit as ' ~ type_double() ~ ') / share_denominator', 6) }}
        end as captured_profit_share,
        case
            when status = 'evaluated'
                then {{ round_double('cast(perfect_future_profit as ' ~ type_double() ~ ') / share_denominator', 6) }}
        end as perfect_profit_share,
        cast(model_order as {{ dbt.type_int() }}) as model_order,
        cast(evaluated_customers as {{ dbt.type_bigint() }}) as evaluated_customers,
        cast(total_future_profit as {{ type_double() }}) as total_future_profit,
        status,
        cutoff_date,
        analysis_date

    from shares

)

select * from final
