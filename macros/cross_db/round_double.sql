{#-
    round_double(expression, digits): a double rounded to `digits` decimals, as a
    double. PostgreSQL rounds only numerics (`round(double precision, integer)`
    does not exist), so there the value goes through numeric and back.
-#}
{% macro round_double(expression, digits) %}
    {{ return(adapter.dispatch('round_double', 'customer_value')(expression, digits)) }}
{% endmacro %}

{% macro default__round_double(expression, digits) -%}
    round({{ expression }}, {{ digits }})
{%- endmacro %}

{% macro postgres__round_double(expression, digits) -%}
    cast(round(cast({{ expression }} as numeric), {{ digits }}) as {{ type_double() }})
{%- endmacro %}
