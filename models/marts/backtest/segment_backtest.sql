{#-
    One row per scoring model x metric: how well each model, built only on
    orders before the cutoff, ranks the customers by what they bring after it,
    and, for the yes/no segment models, how well its "top" call matches the
    customers who turn out to be in the top profit quartile. The rows per
    customer are int_backtest_predictions_ranked.

    Population: the customers with an order before the cutoff (the only ones a
    model can score). k = the number of truly top customers.

      ranking metrics (every model with a score)
        precision_at_k               truly top among the model's first k / k
        recall_at_k                  truly top among its first k / all truly top
                                     (equal to precision_at_k, as k is their number)
        lift_at_k                    precision_at_k / the share of truly top customers
        spearman_correlation         Pearson correlation of the average ranks of
                                     score and future profit (ties share their mean rank)
        top_10/25_percent_profit_share  future profit of the first ceil(p x n / 100)
                                     customers / all future profit
      money metrics (models with a predicted value)
        mean_absolute_error          mean |predicted - actual future profit|
        total_error                  sum of predicted - sum of actual (over = positive)
      yes/no metrics (segment models and nobody_is_top)
        accuracy, precision, recall, f1 and the four confusion counts
      probability metric (each purchase model's probability_alive)
        probability_alive_auc        the AUC of "orders again within the window":
                                     the chance that a customer who did scores
                                     above one who did not (ties count half)

    A correlation with a constant score (or truth) and a share of a total
    future profit that is not positive are undefined: null. Below the minimum
    data (macro backtest_status: customers, days of history before the cutoff)
    every value is null and `status` says why.
-#}

{%- set metrics = [
    ('precision_at_k', 'precision_at_k', 'has_score'),
    ('recall_at_k', 'recall_at_k', 'has_score'),
    ('lift_at_k', 'lift_at_k', 'has_score'),
    ('spearman_correlation', 'spearman_correlation', 'has_score'),
    ('top_10_percent_profit_share', 'top_10_percent_profit_share', 'has_score'),
    ('top_25_percent_profit_share', 'top_25_percent_profit_share', 'has_score'),
    ('mean_absolute_error', 'mean_absolute_error', 'has_predicted_value'),
    ('total_error', 'total_error', 'has_predicted_value'),
    ('accuracy', 'accuracy', 'has_top_call'),
    ('precision', 'precision_rate', 'has_top_call'),
    ('recall', 'recall_rate', 'has_top_call'),
    ('f1', 'f1', 'has_top_call'),
    ('true_positives', 'true_positives', 'has_top_call'),
    ('false_positives', 'false_positives', 'has_top_call'),
    ('false_negatives', 'false_negatives', 'has_top_call'),
    ('true_negatives', 'true_negatives', 'has_top_call'),
    ('probability_alive_auc', 'probability_alive_auc', 'is_probability_model'),
] -%}
{%- set probability_models = [
    'bg_nbd_probability_alive', 'mbg_nbd_probability_alive', 'pareto_nbd_probability_alive',
] -%}

with

ranked as (

    select * from {{ ref('int_backtest_predictions_ranked') }}

),

model_totals as (

    select
        scoring_model,
        max(model_order) as model_order,
        max(positive_rule) as positive_rule,
        max(ranked_by) as ranked_by,
        max(predicted_value_rule) as predicted_value_rule,
        max(cutoff_date) as cutoff_date,
        max(analysis_date) as analysis_date,
        max(evaluated_customers) as evaluated_customers,
        max(actual_top_customers) as actual_top_customers,
        max(history_days) as history_days,
        count(score) as scored_customers,
        count(distinct score) as distinct_scores,
        count(distinct future_profit) as distinct_future_profits,
        count(case when score is not null and has_future_orders then 1 end) as reordering_customers,
        sum(case when has_future_orders then score_average_rank end) as reordering_rank_sum,
        count(predicted_value) as valued_customers,
        count(is_predicted_top) as called_customers,
        count(case when ranking_position <= actual_top_customers and is_actual_top then 1 end) as hits_at_k,
        -- undefined (null, not NaN) when the score or the truth is constant
        case
            when count(distinct score) > 1 and count(distinct future_profit) > 1
                then corr(score_average_rank, future_profit_average_rank)
        end as spearman_correlation,
        -- Money is summed exactly ({{ dbt.type_numeric() }}) and turned into a double once,
        -- at the end: a sum of doubles depends on the order rows arrive in, and a
        -- nightly run must export the same bytes as a full build.
        sum(
            case
                when ranking_position <= {{ backtest_contacted_customers(10, 'evaluated_customers') }}
                    then cast(future_profit as {{ dbt.type_numeric() }})
            end
        ) as top_10_percent_future_profit,
        sum(
            case
                when ranking_position <= {{ backtest_contacted_customers(25, 'evaluated_customers') }}
                    then cast(future_profit as {{ dbt.type_numeric() }})
            end
        ) as top_25_percent_future_profit,
        sum(cast(future_profit as {{ dbt.type_numeric() }})) as total_future_profit,
        sum(cast(abs(predicted_value - future_profit) as {{ dbt.type_numeric() }}))
        / nullif(count(predicted_value), 0) as mean_absolute_error,
        sum(cast(predicted_value as {{ dbt.type_numeric() }}))
        - sum(case when predicted_value is not null then cast(future_profit as {{ dbt.type_numeric() }}) end)
            as total_error,
        count(case when is_predicted_top and is_actual_top then 1 end) as true_positives,
        count(case when is_predicted_top and not is_actual_top then 1 end) as false_positives,
        count(case when not is_predicted_top and is_actual_top then 1 end) as false_negatives,
        count(case when not is_predicted_top and not is_actual_top then 1 end) as true_negatives

    from ranked
    group by scoring_model

),

rates as (

    select
        *,
        scoring_model in (
            {%- for model in probability_models %}
                '{{ model }}'{{ ',' if not loop.last }}
            {%- endfor %}
        ) as is_probability_model,
        {{ backtest_status('evaluated_customers', 'history_days') }} as status,
        scored_customers > 0 as has_score,
        valued_customers > 0 as has_predicted_value,
        called_customers > 0 as has_top_call,
        cast(hits_at_k as {{ type_double() }}) / nullif(actual_top_customers, 0) as precision_at_k,
        cast(hits_at_k as {{ type_double() }}) / nullif(actual_top_customers, 0) as recall_at_k,
        cast(hits_at_k as {{ type_double() }}) * evaluated_customers
        / nullif(actual_top_customers * actual_top_customers, 0) as lift_at_k,
        -- a share of a loss (or of nothing) is undefined
        case
            when total_future_profit > 0
                then cast(top_10_percent_future_profit as {{ type_double() }}) / total_future_profit
        end as top_10_percent_profit_share,
        case
            when total_future_profit > 0
                then cast(top_25_percent_future_profit as {{ type_double() }}) / total_future_profit
        end as top_25_percent_profit_share,
        -- Mann-Whitney: (rank sum of the reordering - P (P + 1) / 2) / (P x N)
        (
            reordering_rank_sum
            - cast(reordering_customers as {{ type_double() }}) * (reordering_customers + 1) / 2
        )
        / nullif(cast(reordering_customers as {{ type_double() }}) * (scored_customers - reordering_customers), 0)
            as probability_alive_auc,
        cast(true_positives + true_negatives as {{ type_double() }})
        / nullif(called_customers, 0) as accuracy,
        cast(true_positives as {{ type_double() }})
        / nullif(true_positives + false_positives, 0) as precision_rate,
        cast(true_positives as {{ type_double() }})
        / nullif(true_positives + false_negatives, 0) as recall_rate,
        cast(2 * true_positives as {{ type_double() }})
        / nullif(2 * true_positives + false_positives + false_negatives, 0) as f1

    from model_totals

),

metrics as (

    {%- for metric, column, applies in metrics %}
        {%- if not loop.first %}

            union all
        {% endif %}

        select
            scoring_model,
            model_order,
            positive_rule,
            ranked_by,
            predicted_value_rule,
            cutoff_date,
            analysis_date,
            evaluated_customers,
            actual_top_customers,
            status,
            {{ loop.index }} as metric_order,
            '{{ metric }}' as metric,
            case when status = 'evaluated' then cast({{ column }} as {{ type_double() }}) end as metric_value

        from rates
        where {{ applies }}
    {%- endfor %}

),

final as (

    select
        scoring_model as model,  -- noqa: RF04
        metric,
        -- 6 decimals: what a reader needs, and the same figure on every engine
        {{ round_double('metric_value', 6) }} as value,  -- noqa: RF04
        cast(metric_order as {{ dbt.type_int() }}) as metric_order,
        status,
        positive_rule,
        '{{ lrfm_score_method() }}' as score_method,
        cutoff_date,
        analysis_date,
        cast(evaluated_customers as {{ dbt.type_bigint() }}) as evaluated_customers,
        cast(actual_top_customers as {{ dbt.type_bigint() }}) as actual_top_customers,
        cast(model_order as {{ dbt.type_int() }}) as model_order,
        ranked_by,
        predicted_value_rule

    from metrics

)

select * from final
