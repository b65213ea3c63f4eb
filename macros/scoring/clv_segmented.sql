{#-
    clv_segmented(relation): a complete select of every column of `relation` (one
    row per customer, with monetary, length_days, frequency and recency_days) plus
    `clv_score` (0..100, clv_score()) and `clv_segment` (clv_segment() against
    the clv_score percentiles of all rows of `relation`). The one definition of
    the CLV score and segment, for customer lifetime value as of the analysis
    date and for the backtest as of its cutoff.

        clv_scored as (
            {{ clv_segmented('customers') }}
        ),
-#}
{% macro clv_segmented(relation) %}
    select
        clv_scored.*,
        {{ clv_segment(
            'clv_scored.clv_score',
            'cut_points.high_value_min_clv_score',
            'cut_points.moderate_value_min_clv_score',
            'cut_points.low_value_min_clv_score',
        ) }} as clv_segment
    from (
        select
            measured.*,
            {{ clv_score() }} as clv_score
        from {{ relation }} as measured
    ) as clv_scored
    cross join (
        select {{ clv_segment_cut_points('scores.clv_score') }}
        from (
            select {{ clv_score() }} as clv_score
            from {{ relation }}
        ) as scores
    ) as cut_points
{% endmacro %}
