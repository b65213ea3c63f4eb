{#-
    One row per scoring model x customer with an order before the backtest
    cutoff: what each model, built only on orders before the cutoff, says about
    the customer. `score` ranks the customers (higher = call first; null only
    for nobody_is_top, which ranks no one), `is_predicted_top` is the yes/no
    call of the segment models (null for pure rankers), `predicted_value` the
    money the model predicts for the truth window (null when it predicts none).

      model                      score                         top (yes/no)            predicted money
      last_365_day_profit        profit of the 365 days        -                       that profit x window days / 365
                                 before the cutoff
      historical_monetary        monetary (M) to the cutoff    -                       -
      length_frequency_baseline  l_score + f_score             top quartile of it      -
      lrfm                       lrfm_score                    value_segment           -
                                                               = High-Value
      clv_score                  clv_score                     clv_segment             -
                                                               = High Value
      formula_clv                its predicted value           -                       avg_order_profit x
                                                                                       orders_per_year x window years
      kmeans_clusters            the cluster's mean monetary   cluster 1               -
      bgnbd_expected_orders      the chosen purchase model's   -                       -
                                 expected orders in the window
      bgnbd_gamma_gamma_value    its predicted value           -                       purchase model x Gamma-Gamma
                                                                                       predicted_value of the window
      nobody_is_top              -                             nobody                  -
      <fitter>_probability_alive that purchase model's         -                       -
                                 P(alive) at the cutoff (bg_nbd, mbg_nbd, pareto_nbd)

    kmeans_clusters and the forecast models (int_customer_snapshots_forecasted,
    snapshot backtest_cutoff, horizon = the cutoff to the analysis date) only
    where the Python models run; the two bgnbd_ models (named before the
    purchase model was chosen) use the snapshot's chosen purchase model. A
    forecast model that cannot score every customer (its fit did not converge)
    has no rows. All scores come from the
    same macros as customer_segments. Float scores are rounded to 6 decimals, so
    that equal scores tie on every engine and rankings agree across engines.
-#}

{%- set rules = {
    'last_365_day_profit': {
        'order': 1,
        'positive': none,
        'ranked_by': 'profit of the 365 days before the cutoff',
        'predicts': 'that profit x window days / 365',
    },
    'historical_monetary': {
        'order': 2,
        'positive': none,
        'ranked_by': 'monetary (M) before the cutoff',
        'predicts': none,
    },
    'length_frequency_baseline': {
        'order': 3,
        'positive': 'top quartile of l_score + f_score',
        'ranked_by': 'l_score + f_score',
        'predicts': none,
    },
    'lrfm': {
        'order': 4,
        'positive': 'value_segment = High-Value',
        'ranked_by': 'lrfm_score',
        'predicts': none,
    },
    'clv_score': {
        'order': 5,
        'positive': 'clv_segment = High Value',
        'ranked_by': 'clv_score',
        'predicts': none,
    },
    'formula_clv': {
        'order': 6,
        'positive': none,
        'ranked_by': 'its predicted value',
        'predicts': 'avg_order_profit x orders_per_year x window days / 365.25',
    },
    'kmeans_clusters': {
        'order': 7,
        'positive': 'the cluster with the highest mean monetary',
        'ranked_by': 'the mean monetary of its cluster',
        'predicts': none,
    },
    'bgnbd_expected_orders': {
        'order': 8,
        'positive': none,
        'ranked_by': 'expected orders in the window of the chosen purchase model',
        'predicts': none,
    },
    'bgnbd_gamma_gamma_value': {
        'order': 9,
        'positive': none,
        'ranked_by': 'its predicted value',
        'predicts': 'purchase model expected orders x Gamma-Gamma order value x profit margin',
    },
    'nobody_is_top': {
        'order': 10,
        'positive': 'nobody',
        'ranked_by': none,
        'predicts': none,
    },
    'bg_nbd_probability_alive': {
        'order': 11,
        'positive': none,
        'ranked_by': 'BG/NBD probability_alive at the cutoff',
        'predicts': none,
    },
    'mbg_nbd_probability_alive': {
        'order': 12,
        'positive': none,
        'ranked_by': 'MBG/NBD probability_alive at the cutoff',
        'predicts': none,
    },
    'pareto_nbd_probability_alive': {
        'order': 13,
        'positive': none,
        'ranked_by': 'Pareto/NBD probability_alive at the cutoff',
        'predicts': none,
    },
} -%}
{%- set forecast_models = [
    ('bgnbd_expected_orders', 'expected_orders', false),
    ('bgnbd_gamma_gamma_value', 'predicted_value', true),
    ('bg_nbd_probability_alive', 'bg_nbd_probability_alive', false),
    ('mbg_nbd_probability_alive', 'mbg_nbd_probability_alive', false),
    ('pareto_nbd_probability_alive', 'pareto_nbd_probability_alive', false),
] -%}

{#- the model's descriptive columns, the first five of every branch below -#}
{%- set model_columns = {} -%}
{%- set null_text = 'cast(null as ' ~ dbt.type_string() ~ ')' -%}
{%- for model, rule in rules.items() -%}
    {%- do model_columns.update({model: (
        "'" ~ model ~ "' as scoring_model,\n"
        ~ "        " ~ rule.order ~ " as model_order,\n"
        ~ "        " ~ ("'" ~ rule.positive ~ "'" if rule.positive else null_text) ~ " as positive_rule,\n"
        ~ "        " ~ ("'" ~ rule.ranked_by ~ "'" if rule.ranked_by else null_text) ~ " as ranked_by,\n"
        ~ "        " ~ ("'" ~ rule.predicts ~ "'" if rule.predicts else null_text) ~ " as predicted_value_rule,"
    )}) -%}
{%- endfor %}

with

customers as (

    select * from {{ ref('int_customers_measured_at_cutoff') }}

),

{% if python_models_enabled() %}
    customer_clusters as (

        -- K-Means clusters as of the cutoff: a Python model
        select * from {{ ref('int_customer_snapshots_clustered') }}

    ),

    customer_forecasts as (

        -- BG/NBD x Gamma-Gamma, fitted on the orders before the cutoff, forecast
        -- for the cutoff to the analysis date: a Python model
        select * from {{ ref('int_customer_snapshots_forecasted') }}

    ),
{% endif %}

{% if python_models_enabled() %}
    -- the forecast models, one row per model x customer of the cutoff snapshot
    forecast_scores as (
        {%- for model, column, is_money in forecast_models %}
            {%- if not loop.first %}

                union all
            {% endif %}

            select
                '{{ model }}' as scoring_model,
                customer_id,
                {{ round_double(column, 6) }} as score,
                {{ round_double(column, 6) if is_money else 'cast(null as ' ~ type_double() ~ ')' }}
                    as predicted_value

            from customer_forecasts
            where snapshot_name = 'backtest_cutoff'
        {%- endfor %}

    ),

    forecast_coverage as (

        select
            *,
            count(score) over (partition by scoring_model) as scored_customers,
            count(*) over (partition by scoring_model) as snapshot_customers

        from forecast_scores

    ),

    complete_forecast_scores as (

        -- only a model that scores every customer: one that cannot (its fit did
        -- not converge) would be judged on another population, so it has no rows
        select *

        from forecast_coverage
        where scored_customers = snapshot_customers

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

formula_inputs as (

    -- docs/analytics.md as of the cutoff: tenure from the first order to the cutoff, at least 30 days
    select
        customer_id,
        cast(total_profit as {{ type_double() }}) / frequency as avg_order_profit,
        cast(greatest({{ days_between('first_order_date', 'cutoff_date') }}, 30) as {{ type_double() }})
        / 365.25 as tenure_years,
        cast(window_days as {{ type_double() }}) / 365.25 as window_years,
        frequency

    from customers

),

formula_values as (

    -- the next window's value, not the lifetime value: predicted_clv is this
    -- times a positive constant (r / (1 + d - r)), so it ranks the same
    select
        customer_id,
        {{ round_double('avg_order_profit * (frequency / tenure_years) * window_years', 6) }} as predicted_value

    from formula_inputs

),

final as (

    select
        {{ model_columns['last_365_day_profit'] }}
        customer_id,
        cast(last_365_day_profit as {{ type_double() }}) as score,
        cast(null as {{ dbt.type_boolean() }}) as is_predicted_top,
        {{ round_double('cast(last_365_day_profit as ' ~ type_double() ~ ') * window_days / 365', 6) }}
            as predicted_value

    from customers

    union all

    select
        {{ model_columns['historical_monetary'] }}
        customer_id,
        cast(monetary as {{ type_double() }}) as score,
        cast(null as {{ dbt.type_boolean() }}) as is_predicted_top,
        cast(null as {{ type_double() }}) as predicted_value

    from customers

    union all

    select
        {{ model_columns['length_frequency_baseline'] }}
        customer_id,
        cast(length_frequency_score as {{ type_double() }}) as score,
        length_frequency_quartile = 4 as is_predicted_top,
        cast(null as {{ type_double() }}) as predicted_value

    from baseline_scored

    union all

    select
        {{ model_columns['lrfm'] }}
        customer_id,
        cast(lrfm_score as {{ type_double() }}) as score,
        value_segment = 'High-Value' as is_predicted_top,
        cast(null as {{ type_double() }}) as predicted_value

    from lrfm_scored

    union all

    select
        {{ model_columns['clv_score'] }}
        customer_id,
        cast(clv_score as {{ type_double() }}) as score,
        clv_segment = 'High Value' as is_predicted_top,
        cast(null as {{ type_double() }}) as predicted_value

    from clv_segmented

    union all

    select
        {{ model_columns['formula_clv'] }}
        customer_id,
        predicted_value as score,
        cast(null as {{ dbt.type_boolean() }}) as is_predicted_top,
        predicted_value

    from formula_values

    union all

    select
        {{ model_columns['nobody_is_top'] }}
        customer_id,
        cast(null as {{ type_double() }}) as score,
        false as is_predicted_top,
        cast(null as {{ type_double() }}) as predicted_value

    from customers

    {%- if python_models_enabled() %}

        union all

        select
            {{ model_columns['kmeans_clusters'] }}
            customer_id,
            {{ round_double('cast(cluster_mean_monetary as ' ~ type_double() ~ ')', 6) }} as score,
            cluster_id = 1 as is_predicted_top,
            cast(null as {{ type_double() }}) as predicted_value

        from customer_clusters
        where snapshot_name = 'backtest_cutoff'

        {%- for model, column, is_money in forecast_models %}

            union all

            select
                {{ model_columns[model] }}
                customer_id,
                score,
                cast(null as {{ dbt.type_boolean() }}) as is_predicted_top,
                predicted_value

            from complete_forecast_scores
            where scoring_model = '{{ model }}'
        {%- endfor %}
    {%- endif %}

)

select * from final
