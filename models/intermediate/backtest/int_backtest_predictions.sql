{#-
    One row per scoring model x customer with an order before the backtest
    cutoff: whether the model, built only on orders before the cutoff, predicts
    the customer to be top. Models (each predicts "top" for):
      length_frequency_baseline  the top quartile of l_score + f_score (the
                                 two-dimension model the LRFM model replaces)
      lrfm                       value_segment = 'High-Value'
      clv_score                  clv_segment = 'High Value'
      kmeans_clusters            the cluster with the highest mean monetary
                                 (only where the Python models run)
    All scores come from the same macros as customer_segments.
-#}

with

customers as (

    select * from {{ ref('int_customers_measured_at_cutoff') }}

),

{% if python_models_enabled() %}
    customer_clusters as (

        -- K-Means clusters as of the cutoff: a Python model
        select * from {{ ref('int_customer_snapshots_clustered') }}

    ),
{% endif %}

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

    {{ quartile_scored('baseline_sums', 'length_frequency_score', 'length_frequency_quartile') }}

),

clv_segmented as (

    {{ clv_segmented('customers') }}

),

final as (

    select
        'length_frequency_baseline' as scoring_model,
        'top quartile of l_score + f_score' as positive_rule,
        customer_id,
        length_frequency_quartile = 4 as is_predicted_top

    from baseline_scored

    union all

    select
        'lrfm' as scoring_model,
        'value_segment = High-Value' as positive_rule,
        customer_id,
        value_segment = 'High-Value' as is_predicted_top

    from lrfm_scored

    union all

    select
        'clv_score' as scoring_model,
        'clv_segment = High Value' as positive_rule,
        customer_id,
        clv_segment = 'High Value' as is_predicted_top

    from clv_segmented

    {%- if python_models_enabled() %}

        union all

        select
            'kmeans_clusters' as scoring_model,
            'the cluster with the highest mean monetary' as positive_rule,
            customer_id,
            cluster_id = 1 as is_predicted_top

        from customer_clusters
        where snapshot_name = 'backtest_cutoff'
    {%- endif %}

)

select * from final
