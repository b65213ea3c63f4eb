{#-
    quartile_cut_points(value, alias=none): the three aggregate expressions q25,
    q50, q75 of `value` (as double), comma-separated, named `<alias>_q25`,
    `<alias>_q50`, `<alias>_q75`; `alias` defaults to the column name of `value`.
    The cut points of the 'quantile' score method (quartile_score).
-#}
{% macro quartile_cut_points(value, alias=none) %}
    {%- set name = alias or (value | string).split('.')[-1] -%}
    {%- set as_double = 'cast(' ~ value ~ ' as ' ~ type_double() ~ ')' -%}
    {{ percentile_cont(as_double, 0.25) }} as {{ name }}_q25,
    {{ percentile_cont(as_double, 0.5) }} as {{ name }}_q50,
    {{ percentile_cont(as_double, 0.75) }} as {{ name }}_q75
{%- endmacro %}
