{#-
    percentile_cont(value, fraction): the linearly interpolated percentile of
    `value` as an ordered-set aggregate (use in a grouped select, then join the
    result back). Adapter-dispatched for engines without `within group`.
-#}
{% macro percentile_cont(value, fraction) %}
    {{ return(adapter.dispatch('percentile_cont', 'customer_value')(value, fraction)) }}
{% endmacro %}

{% macro default__percentile_cont(value, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ value }})
{%- endmacro %}

{% macro trino__percentile_cont(value, fraction) -%}
    approx_percentile({{ value }}, {{ fraction }})
{%- endmacro %}
