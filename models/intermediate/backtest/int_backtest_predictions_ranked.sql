{#-
    One row per scoring model x customer with an order before the backtest
    cutoff: the model's prediction beside the truth, and where the customer
    stands in the model's ranking. What segment_backtest and backtest_gains
    measure.

      ranking_position            1 = called first: score descending, ties by
                                  customer_id ascending (null without a score)
      score_average_rank          ascending rank of the score, tied scores
                                  sharing the mean of their ranks (Spearman)
      future_profit_average_rank  the same for the profit after the cutoff
      cumulative_future_profit    future profit of positions 1..ranking_position
      perfect_position            the position by the future profit itself
                                  (descending, ties by customer_id): the best
                                  possible ranking, for the gains chart
      history_days                days from the first order (of any customer)
                                  to the cutoff: the history the models had,
                                  for the backtest's minimum data
-#}

with

predictions as (

    select * from {{ ref('int_backtest_predictions') }}

),

customers as (

    select * from {{ ref('int_customers_measured_at_cutoff') }}

),

outcomes as (

    select * from {{ ref('int_backtest_outcomes') }}

),

truth as (

    select
        customers.customer_id,
        customers.future_profit,
        customers.has_future_orders,
        customers.first_order_date,
        outcomes.is_actual_top,
        customers.cutoff_date,
        customers.analysis_date

    from customers
    inner join outcomes
        on customers.customer_id = outcomes.customer_id

),

-- The truth's ranks do not depend on the model (every model ranks every
-- customer, assert_backtest_models_score_every_customer), so they are taken
-- once per customer rather than once per model and customer.
truth_ranked as (

    select
        *,
        rank() over (order by future_profit asc)
        + cast(count(*) over (partition by future_profit) - 1 as {{ type_double() }}) / 2
            as future_profit_average_rank,
        row_number() over (order by future_profit desc, customer_id asc) as perfect_position,
        count(*) over () as evaluated_customers,
        count(case when is_actual_top then 1 end) over () as actual_top_customers,
        min(first_order_date) over () as first_history_date

    from truth

),

truth_accumulated as (

    select
        *,
        sum(future_profit) over (
            order by perfect_position asc
            rows between unbounded preceding and current row
        ) as perfect_cumulative_future_profit

    from truth_ranked

),

judged as (

    select
        predictions.scoring_model,
        predictions.model_order,
        predictions.positive_rule,
        predictions.ranked_by,
        predictions.predicted_value_rule,
        predictions.customer_id,
        predictions.score,
        predictions.is_predicted_top,
        predictions.predicted_value,
        truth_accumulated.future_profit,
        truth_accumulated.has_future_orders,
        truth_accumulated.is_actual_top,
        truth_accumulated.future_profit_average_rank,
        truth_accumulated.perfect_position,
        truth_accumulated.perfect_cumulative_future_profit,
        truth_accumulated.evaluated_customers,
        truth_accumulated.actual_top_customers,
        {{ days_between('truth_accumulated.first_history_date', 'truth_accumulated.cutoff_date') }}
            as history_days,
        truth_accumulated.cutoff_date,
        truth_accumulated.analysis_date

    from predictions
    inner join truth_accumulated
        on predictions.customer_id = truth_accumulated.customer_id

),

ranked as (

    select
        *,
        case
            when score is not null
                then row_number() over (
                    partition by scoring_model
                    order by score desc nulls last, customer_id asc
                )
        end as ranking_position,
        case
            when score is not null
                then
                    rank() over (partition by scoring_model order by score asc nulls last)
                    + cast(count(*) over (partition by scoring_model, score) - 1 as {{ type_double() }}) / 2
        end as score_average_rank

    from judged

),

accumulated as (

    select
        *,
        case
            when ranking_position is not null
                then sum(future_profit) over (
                    partition by scoring_model
                    order by ranking_position asc
                    rows between unbounded preceding and current row
                )
        end as cumulative_future_profit

    from ranked

),

final as (

    select
        scoring_model,
        model_order,
        positive_rule,
        ranked_by,
        predicted_value_rule,
        customer_id,
        score,
        is_predicted_top,
        predicted_value,
        cast(future_profit as {{ type_double() }}) as future_profit,
        has_future_orders,
        is_actual_top,
        cast(ranking_position as {{ dbt.type_bigint() }}) as ranking_position,
        cast(score_average_rank as {{ type_double() }}) as score_average_rank,
        cast(future_profit_average_rank as {{ type_double() }}) as future_profit_average_rank,
        cast(cumulative_future_profit as {{ type_double() }}) as cumulative_future_profit,
        cast(perfect_position as {{ dbt.type_bigint() }}) as perfect_position,
        cast(perfect_cumulative_future_profit as {{ type_double() }}) as perfect_cumulative_future_profit,
        cast(evaluated_customers as {{ dbt.type_bigint() }}) as evaluated_customers,
        cast(actual_top_customers as {{ dbt.type_bigint() }}) as actual_top_customers,
        cast(history_days as {{ dbt.type_bigint() }}) as history_days,
        cutoff_date,
        analysis_date

    from accumulated

)

select * from final
