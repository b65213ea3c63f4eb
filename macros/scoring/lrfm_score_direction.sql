{#-
    lrfm_score_direction(direction): the validated score direction, 'asc' (a
    larger value scores higher: L, F, M) or 'desc' (a smaller value scores
    higher: R, where a smaller recency_days is more recent); anything else is a
    compile error.
-#}
{% macro lrfm_score_direction(direction) %}
    {%- if direction not in ['asc', 'desc'] -%}
        {{ exceptions.raise_compiler_error("score direction must be 'asc' or 'desc', got '" ~ direction ~ "'") }}
    {%- endif -%}
    {{ return(direction) }}
{% endmacro %}
