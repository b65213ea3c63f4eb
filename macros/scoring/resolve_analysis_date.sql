{#-
    resolve_analysis_date(order_lines, order_date_column='order_date'):
    a one-row select of `analysis_date`, the as-of date of every metric (docs/analytics.md).
    The `analysis_date` var when set (YYYY-MM-DD), else the day after the last
    order date in `order_lines` (a CTE name or relation), computed in SQL at run
    time, not at compile time. Only orders dated before it count.
-#}
{% macro resolve_analysis_date(order_lines, order_date_column='order_date') %}
    {%- if var('analysis_date') is none %}
        select
            cast({{ dbt.dateadd('day', 1, 'max(' ~ order_date_column ~ ')') }} as date) as analysis_date
        from {{ order_lines }}
    {%- else %}
        select cast('{{ var("analysis_date") }}' as date) as analysis_date
    {%- endif %}
{% endmacro %}
