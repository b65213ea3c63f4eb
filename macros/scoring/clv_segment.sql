{#-
    clv_segment(clv_score, high_cut, moderate_cut, low_cut): 'High Value' above
    the high cut point, 'Moderate Value' above the moderate one, 'Low Value'
    above the low one, else 'Churn Risk' (strictly greater, docs/analytics.md).
-#}
{% macro clv_segment(
    clv_score='clv_score',
    high_cut='high_value_min_clv_score',
    moderate_cut='moderate_value_min_clv_score',
    low_cut='low_value_min_clv_score'
) -%}
    case
        when {{ clv_score }} > {{ high_cut }} then 'High Value'
        when {{ clv_score }} > {{ moderate_cut }} then 'Moderate Value'
        when {{ clv_score }} > {{ low_cut }} then 'Low Value'
        else 'Churn Risk'
    end
{%- endmacro %}
