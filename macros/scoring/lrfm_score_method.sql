{#-
    lrfm_score_method(method=none): the validated scoring method, `method` or
    else var `score_method`: 'ntile' or 'quantile' (lower-cased); anything else is
    a compile error, so a typo in --vars stops the build instead of scoring by a
    default.
-#}
{% macro lrfm_score_method(method=none) %}
    {%- set resolved = (method or var('score_method')) | string | lower -%}
    {%- if resolved not in ['ntile', 'quantile'] -%}
        {{ exceptions.raise_compiler_error(
            "score_method must be 'ntile' or 'quantile', got '" ~ resolved ~ "'"
        ) }}
    {%- endif -%}
    {{ return(resolved) }}
{% endmacro %}
