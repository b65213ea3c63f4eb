{#-
    One row per scoring model x metric: how well each model, built only on
    orders before the cutoff, picks the customers who turn out to be in the top
    profit quartile on or after it. The models' predictions are
    int_backtest_predictions, the truth int_backtest_outcomes; here they meet in
    a confusion matrix and its rates.

    Population: the customers with an order before the cutoff (the only ones a
    model can score).
-#}

with

customers as (

    select * from {{ ref('int_customers_measured_at_cutoff') }}

),

predictions as (

    select * from {{ ref('int_backtest_predictions') }}

),

outcomes as (

    select * from {{ ref('int_backtest_outcomes') }}

),

confusion as (

    select
        predictions.scoring_model,
        predictions.positive_rule,
        count(*) as evaluated_customers,
        count(case when predictions.is_predicted_top and outcomes.is_actual_top then 1 end) as true_positives,
        count(case when predictions.is_predicted_top and not outcomes.is_actual_top then 1 end)
            as false_positives,
        count(case when not predictions.is_predicted_top and outcomes.is_actual_top then 1 end)
            as false_negatives,
        count(case when not predictions.is_predicted_top and not outcomes.is_actual_top then 1 end)
            as true_negatives

    from predictions
    inner join outcomes
        on predictions.customer_id = outcomes.customer_id
    group by
        predictions.scoring_model,
        predictions.positive_rule

),

rates as (

    select
        *,
        cast(true_positives + true_negatives as {{ type_double() }})
        / nullif(evaluated_customers, 0) as accuracy,
        cast(true_positives as {{ type_double() }})
        / nullif(true_positives + false_positives, 0) as precision_rate,
        cast(true_positives as {{ type_double() }})
        / nullif(true_positives + false_negatives, 0) as recall_rate,
        cast(2 * true_positives as {{ type_double() }})
        / nullif(2 * true_positives + false_positives + false_negatives, 0) as f1

    from confusion

),

metrics as (

    {%- set metrics = [
        ('accuracy', 'accuracy'),
        ('precision', 'precision_rate'),
        ('recall', 'recall_rate'),
        ('f1', 'f1'),
        ('true_positives', 'true_positives'),
        ('false_positives', 'false_positives'),
        ('false_negatives', 'false_negatives'),
        ('true_negatives', 'true_negatives'),
    ] %}
    {%- for metric, column in metrics %}
        {%- if not loop.first %}

            union all
        {% endif %}

        select
            scoring_model,
            positive_rule,
            evaluated_customers,
            true_positives + false_negatives as actual_top_customers,
            {{ loop.index }} as metric_order,
            '{{ metric }}' as metric,
            cast({{ column }} as {{ type_double() }}) as metric_value

        from rates
    {%- endfor %}

),

cutoffs as (

    select
        max(cutoff_date) as cutoff_date,
        max(analysis_date) as analysis_date

    from customers

),

final as (

    select
        metrics.scoring_model as model,  -- noqa: RF04
        metrics.metric,
        metrics.metric_value as value,  -- noqa: RF04
        metrics.metric_order,
        metrics.positive_rule,
        '{{ lrfm_score_method() }}' as score_method,
        cutoffs.cutoff_date,
        cutoffs.analysis_date,
        cast(metrics.evaluated_customers as {{ dbt.type_bigint() }}) as evaluated_customers,
        cast(metrics.actual_top_customers as {{ dbt.type_bigint() }}) as actual_top_customers

    from metrics
    cross join cutoffs

)

select * from final
