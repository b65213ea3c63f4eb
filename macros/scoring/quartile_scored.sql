{#-
    quartile_scored(relation, measure, score_name): a complete select of every
    column of `relation` (one row per customer) plus `score_name`, the 1..4
    score of `measure` by var `score_method`, the rule of the LRFM scores
    (NTILE(4) with customer_id as tie-breaker, or the quartile cut points of
    all rows of `relation`). Score 4 is the top quartile.

        future_scored as (
            {{ quartile_scored('future_customers', 'future_profit', 'future_profit_score') }}
        ),
-#}
{% macro quartile_scored(relation, measure, score_name) %}
    select
        measured.*,
        {{ lrfm_dimension_score('measured.' ~ measure, 'asc', tie_breaker='measured.customer_id') }}
            as {{ score_name }}
    from {{ relation }} as measured
    {%- if lrfm_score_method() == 'quantile' %}
        cross join (
            select {{ quartile_cut_points(measure) }}
            from {{ relation }}
        ) as cut_points
    {%- endif %}
{% endmacro %}
