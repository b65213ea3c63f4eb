{#-
    quartile_score(value, q25, q50, q75, direction): the 'quantile' score method
    of docs/analytics.md, 1 + (v > q25) + (v > q50) + (v > q75), or 5 minus that for
    'desc'; equal values get equal scores. q25/q50/q75 are the cut point
    expressions (from quartile_cut_points, joined back per partition).
-#}
{% macro quartile_score(value, q25, q50, q75, direction='asc') -%}
    {%- set direction = lrfm_score_direction(direction) -%}
    {%- set as_double = 'cast(' ~ value ~ ' as ' ~ type_double() ~ ')' -%}
    cast({{ '5 - (' if direction == 'desc' else '(' }}1
        + case when {{ as_double }} > {{ q25 }} then 1 else 0 end
        + case when {{ as_double }} > {{ q50 }} then 1 else 0 end
        + case when {{ as_double }} > {{ q75 }} then 1 else 0 end
    ) as {{ dbt.type_int() }})
{%- endmacro %}
