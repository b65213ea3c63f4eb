{#-
    Spark implementation of dbt's cross-database `dbt.listagg` that keeps the
    order: dbt-spark's ignores `order_by_clause` (with a warning), so a list such
    as mid_value_opportunities.weak_dimensions would come out in any order. Here
    the values are collected with their sort key, sorted, then joined.
    `order_by_clause` is `order by <expression>` (ascending, one expression).
    dbt dispatch finds this root-project macro before dbt-spark's default.
-#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if limit_num -%}
        {{ exceptions.raise_compiler_error("spark__listagg: limit_num is not supported") }}
    {%- endif -%}
    {%- if order_by_clause -%}
        {%- set order_by = order_by_clause | trim -%}
        {%- if not order_by.lower().startswith('order by ') or order_by.lower().endswith(' desc') or ',' in order_by -%}
            {{ exceptions.raise_compiler_error(
                "spark__listagg: order_by_clause must be 'order by <expression>' (one, ascending), got '"
                ~ order_by_clause ~ "'"
            ) }}
        {%- endif -%}
        {%- set sort_key = order_by[9:] | replace(' asc', '') | trim -%}
        array_join(transform(
            array_sort(collect_list(named_struct('sort_key', {{ sort_key }}, 'value', {{ measure }}))),
            entry -> entry.value
        ), {{ delimiter_text }})
    {%- else -%}
        array_join(collect_list({{ measure }}), {{ delimiter_text }})
    {%- endif -%}
{%- endmacro %}
