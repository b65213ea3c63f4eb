{#-
    type_double(): the engine's 8-byte floating point type, for averages, ratios,
    percent ranks and quantile cut points. dbt.type_float() is a 4-byte REAL on
    DuckDB, too coarse to compare against quantiles exactly.
-#}
{% macro type_double() %}
    {{ return(adapter.dispatch('type_double', 'customer_value')()) }}
{% endmacro %}

{% macro default__type_double() %}
    {{ return('double') }}
{% endmacro %}

{% macro postgres__type_double() %}
    {{ return('double precision') }}
{% endmacro %}
