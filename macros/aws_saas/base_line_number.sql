{#-
    base_line_number(relation): a raw line's position in the input (1 = the first
    order line), for a query that reads base_aws_saas__order_lines directly as
    `relation`.

    On DuckDB the source numbers nothing: numbering a stream of lines makes
    DuckDB read the file on one thread. base_aws_saas__order_lines is written in
    file order instead (DuckDB keeps insertion order, the default
    `preserve_insertion_order`), so a line's position is its row number in that
    table: `rowid + 1`. Elsewhere the loaded raw table carries a
    `source_line_number` column, which the base model passes through
    (base_line_number_column).
-#}
{% macro base_line_number(relation) %}
    {{ return(adapter.dispatch('base_line_number', 'customer_value')(relation)) }}
{% endmacro %}

{% macro default__base_line_number(relation) -%}
    {{ relation }}.source_line_number
{%- endmacro %}

{% macro duckdb__base_line_number(relation) -%}
    {{ relation }}.rowid + 1
{%- endmacro %}
