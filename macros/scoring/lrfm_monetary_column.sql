{#-
    lrfm_monetary_column(total_profit, total_sales): the expression of monetary
    (M) by var `monetary_measure`: `total_profit` ('profit', the default) or
    `total_sales` ('sales'); any other value is a compile error.
-#}
{% macro lrfm_monetary_column(total_profit='total_profit', total_sales='total_sales') %}
    {%- set columns = {'profit': total_profit, 'sales': total_sales} -%}
    {%- if var('monetary_measure') not in columns -%}
        {{ exceptions.raise_compiler_error(
            "monetary_measure must be 'profit' or 'sales', got '" ~ var('monetary_measure') ~ "'"
        ) }}
    {%- endif -%}
    {{ return(columns[var('monetary_measure')]) }}
{% endmacro %}
