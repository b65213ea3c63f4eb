{#-
    array_element(array, position): the element at a 1-based position of an
    array built with dbt.array_construct (DuckDB and PostgreSQL index from 1
    with brackets; Spark and Databricks need element_at).
-#}
{% macro array_element(array, position) %}
    {{ return(adapter.dispatch('array_element', 'customer_value')(array, position)) }}
{% endmacro %}

{% macro default__array_element(array, position) -%}
    {{ array }}[{{ position }}]
{%- endmacro %}

{% macro spark__array_element(array, position) -%}
    element_at({{ array }}, {{ position }})
{%- endmacro %}

{% macro databricks__array_element(array, position) -%}
    element_at({{ array }}, {{ position }})
{%- endmacro %}
