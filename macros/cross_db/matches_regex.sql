{#-
    matches_regex(expression, pattern): true when the text matches the regular
    expression `pattern` (anchor it with ^ and $ for a whole-text match), null for
    null text. Write patterns without backslashes (`[0-9]`, `[.]`): Spark reads a
    backslash in a string literal as an escape.
-#}
{% macro matches_regex(expression, pattern) %}
    {{ return(adapter.dispatch('matches_regex', 'customer_value')(expression, pattern)) }}
{% endmacro %}

{% macro default__matches_regex(expression, pattern) -%}
    regexp_matches({{ expression }}, '{{ pattern }}')
{%- endmacro %}

{% macro postgres__matches_regex(expression, pattern) -%}
    ({{ expression }} ~ '{{ pattern }}')
{%- endmacro %}

{% macro spark__matches_regex(expression, pattern) -%}
    ({{ expression }} rlike '{{ pattern }}')
{%- endmacro %}
