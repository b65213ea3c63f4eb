{#-
    parse_order_date(column): the export's Order Date text as a date, or null when
    it is not a real date. Accepts `M/D/YYYY` (no zero padding needed, as in the
    AWS export) and ISO `YYYY-MM-DD`. Adapter-dispatched: the SQL to parse a date
    leniently differs per engine.
-#}
{% macro parse_order_date(column) %}
    {{ return(adapter.dispatch('parse_order_date', 'customer_value')(column)) }}
{% endmacro %}

{% macro duckdb__parse_order_date(column) %}
    cast(coalesce(
        try_strptime({{ column }}, '%m/%d/%Y'),
        try_strptime({{ column }}, '%Y-%m-%d')
    ) as date)
{% endmacro %}

{% macro postgres__parse_order_date(column) %}
    {#- to_date raises on an impossible day such as 2/30/2022; the shape checks keep other text out. -#}
    case
        when {{ column }} ~ '^\d{1,2}/\d{1,2}/\d{4}$' then to_date({{ column }}, 'MM/DD/YYYY')
        when {{ column }} ~ '^\d{4}-\d{2}-\d{2}$' then to_date({{ column }}, 'YYYY-MM-DD')
    end
{% endmacro %}

{% macro spark__parse_order_date(column) %}
    coalesce(
        try_to_timestamp({{ column }}, 'M/d/yyyy'),
        try_to_timestamp({{ column }}, 'yyyy-MM-dd')
    )::date
{% endmacro %}
