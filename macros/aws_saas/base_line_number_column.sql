{#-
    base_line_number_column(): the base model's pass-through of the raw table's
    `source_line_number` column (with its trailing comma), or nothing on DuckDB,
    where the source has no such column and the position is the row's place in
    the base table (see base_line_number).
-#}
{% macro base_line_number_column() %}
    {{ return(adapter.dispatch('base_line_number_column', 'customer_value')()) }}
{% endmacro %}

{% macro default__base_line_number_column() -%}
    source_line_number,
{%- endmacro %}

{% macro duckdb__base_line_number_column() -%}
{%- endmacro %}
