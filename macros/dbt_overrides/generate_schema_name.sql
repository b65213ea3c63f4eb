{#-
    Use a folder's custom schema (staging, intermediate, marts, seeds) as the
    schema name itself, so BI tools find the public tables in `marts` rather
    than `main_marts`. Models without a custom schema go to the target schema.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
