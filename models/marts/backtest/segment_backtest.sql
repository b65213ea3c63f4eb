{#-
    One row per scoring model x metric: how well each model, built only on
    orders before the cutoff (int_customers_measured_at_cutoff), picks the
    customers who turn out to be in the top profit quartile on or after it.

    Population: the customers with an order before the cutoff (the only ones a
    model can score). Truth: the top quartile (score 4, by var `score_method`,
    like m_score) of the profit of orders from the cutoff to the analysis date,
    among those of them who ordered in that window; customers with no order in
    it are not top.

    Models (each predicts "top" for):
      length_frequency_baseline  the top quartile of l_score + f_score (the
                                 two-dimension model the LRFM model replaces)
      lrfm                       value_segment = 'High-Value'
      clv_score                  clv_segment = 'High Value'
      kmeans_clusters            the cluster with the highest mean monetary
                                 (only where the Python models run)
    All scores come from the same macros as customer_segments.
-#}

{%- set is_quantile = lrfm_score_method() == 'quantile' %}

with

customers as (

    select * from {{ ref('int_customers_measured_at_cutoff') }}

),

{% if target.type == 'duckdb' %}
    customer_clusters as (

        -- K-Means clusters as of the cutoff: a Python model, so DuckDB only
        select * from {{ ref('int_customers_clustered') }}

    ),
{% endif %}

future_customers as (

    select
        customer_id,
        future_profit

    from customers
    where has_future_orders

),

future_scored as (

    -- the top quartile is score 4, the same rule as m_score (var score_method)
    select
        future_customers.customer_id,
        {{ lrfm_dimension_score('future_customers.future_profit', 'asc', tie_breaker='future_customers.customer_id') }}
            as future_profit_score

    from future_customers
    {%- if is_quantile %}
        cross join (
            select {{ quartile_cut_points('future_profit') }}
            from future_customers
        ) as cut_points
    {%- endif %}

),

outcomes as (

    select
        customers.customer_id,
        coalesce(future_scored.future_profit_score = 4, false) as is_actual_top

    from customers
    left join future_scored
        on customers.customer_id = future_scored.customer_id

),

lrfm_scored as (

    {{ lrfm_scored('customers') }}

),

baseline_sums as (

    select
        customer_id,
        l_score + f_score as length_frequency_score

    from lrfm_scored

),

baseline_scored as (

    select
        baseline_sums.customer_id,
        {{ lrfm_dimension_score(
            'baseline_sums.length_frequency_score', 'asc', tie_breaker='baseline_sums.customer_id'
        ) }} as length_frequency_quartile

    from baseline_sums
    {%- if is_quantile %}
        cross join (
            select {{ quartile_cut_points('length_frequency_score') }}
            from baseline_sums
        ) as cut_points
    {%- endif %}

),

clv_scored as (

    select
        customer_id,
        {{ clv_score() }} as clv_score

    from customers

),

clv_cut_points as (

    select
        {{ clv_segment_cut_points('clv_score') }}

    from clv_scored

),

clv_segmented as (

    select
        clv_scored.customer_id,
        {{ clv_segment(
            'clv_scored.clv_score',
            'clv_cut_points.high_value_min_clv_score',
            'clv_cut_points.moderate_value_min_clv_score',
            'clv_cut_points.low_value_min_clv_score',
        ) }} as clv_segment

    from clv_scored
    cross join clv_cut_points

),

predictions as (

    select
        'length_frequency_baseline' as model,  -- noqa: RF04
        'top quartile of l_score + f_score' as positive_rule,
        customer_id,
        length_frequency_quartile = 4 as is_predicted_top

    from baseline_scored

    union all

    select
        'lrfm' as model,  -- noqa: RF04
        'value_segment = High-Value' as positive_rule,
        customer_id,
        value_segment = 'High-Value' as is_predicted_top

    from lrfm_scored

    union all

    select
        'clv_score' as model,  -- noqa: RF04
        'clv_segment = High Value' as positive_rule,
        customer_id,
        clv_segment = 'High Value' as is_predicted_top

    from clv_segmented

    {%- if target.type == 'duckdb' %}

        union all

        select
            'kmeans_clusters' as model,  -- noqa: RF04
            'the cluster with the highest mean monetary' as positive_rule,
            customer_id,
            cluster_id = 1 as is_predicted_top

        from customer_clusters
        where snapshot_name = 'backtest_cutoff'
    {%- endif %}

),

confusion as (

    select
        predictions.model,
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
        predictions.model,
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
            model,
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
        metrics.model,
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
