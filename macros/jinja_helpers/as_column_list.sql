{#-
    as_column_list(columns): the `partition_by` / `tie_breaker` arguments of the
    scoring macros as a list: none -> [], a column name -> [it], a list -> the
    list. Lets a caller pass one column or several the same way.
-#}
{% macro as_column_list(columns) %}
    {%- if columns is none -%}
        {{ return([]) }}
    {%- elif columns is string -%}
        {{ return([columns]) }}
    {%- else -%}
        {{ return(columns | list) }}
    {%- endif -%}
{% endmacro %}
