{#-
    lrfm_value_segment(lrfm_score, high_min, mid_min): 'High-Value' when the
    score reaches `high_min` (default var `high_value_min_lrfm_score`, 13),
    'Mid-Value' when it reaches `mid_min` (default var
    `mid_value_min_lrfm_score`, 9), else 'Low-Value'.
-#}
{% macro lrfm_value_segment(lrfm_score, high_min=none, mid_min=none) -%}
    {%- set high = high_min if high_min is not none else var('high_value_min_lrfm_score') -%}
    {%- set mid = mid_min if mid_min is not none else var('mid_value_min_lrfm_score') -%}
    case
        when {{ lrfm_score }} >= {{ high }} then 'High-Value'
        when {{ lrfm_score }} >= {{ mid }} then 'Mid-Value'
        else 'Low-Value'
    end
{%- endmacro %}
