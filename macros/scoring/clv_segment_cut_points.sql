{#-
    clv_segment_cut_points(clv_score): the three aggregate expressions, comma
    separated, of the clv_score percentiles that bound the CLV segments:
    high_value_min_clv_score (var clv_high_value_percentile, 0.85),
    moderate_value_min_clv_score (clv_moderate_value_percentile, 0.50) and
    low_value_min_clv_score (clv_low_value_percentile, 0.25). Use in a grouped
    select (group by the partition columns) and join back.
-#}
{% macro clv_segment_cut_points(clv_score='clv_score') -%}
    {{ percentile_cont(clv_score, var('clv_high_value_percentile')) }} as high_value_min_clv_score,
    {{ percentile_cont(clv_score, var('clv_moderate_value_percentile')) }} as moderate_value_min_clv_score,
    {{ percentile_cont(clv_score, var('clv_low_value_percentile')) }} as low_value_min_clv_score
{%- endmacro %}
