{#-
    lrfm_dimension_score(value, direction, partition_by, tie_breaker, method,
    cut_points): one LRFM dimension score 1..4 by `method` (default var
    `score_method`). `cut_points` = [q25, q50, q75] expressions, needed for
    'quantile' (default: `cut_points.<column>_q25` etc., the names
    quartile_cut_points gives under a join alias `cut_points`).
-#}
{% macro lrfm_dimension_score(
    value,
    direction='asc',
    partition_by=none,
    tie_breaker='customer_id',
    method=none,
    cut_points=none
) -%}
    {%- if lrfm_score_method(method) == 'ntile' -%}
        {{ ntile_score(value, direction, partition_by, tie_breaker) }}
    {%- else -%}
        {%- set name = (value | string).split('.')[-1] -%}
        {%- set cuts = cut_points or [
            'cut_points.' ~ name ~ '_q25',
            'cut_points.' ~ name ~ '_q50',
            'cut_points.' ~ name ~ '_q75',
        ] -%}
        {{ quartile_score(value, cuts[0], cuts[1], cuts[2], direction) }}
    {%- endif -%}
{%- endmacro %}
