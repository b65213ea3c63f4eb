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
    {#- to_date and make_date raise on an impossible day such as 2/30/2022, so the
        month and day are checked against the calendar first (nested cases keep
        the order of the checks). -#}
    {%- set month = "cast(split_part(" ~ column ~ ", '/', 1) as integer)" -%}
    {%- set day = "cast(split_part(" ~ column ~ ", '/', 2) as integer)" -%}
    {%- set year = "cast(split_part(" ~ column ~ ", '/', 3) as integer)" -%}
    {%- set iso_year = "cast(split_part(" ~ column ~ ", '-', 1) as integer)" -%}
    {%- set iso_month = "cast(split_part(" ~ column ~ ", '-', 2) as integer)" -%}
    {%- set iso_day = "cast(split_part(" ~ column ~ ", '-', 3) as integer)" -%}
    case
        when {{ column }} ~ '^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}$' then {{ _postgres_calendar_date(year, month, day) }}
        when {{ column }} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' then {{ _postgres_calendar_date(iso_year, iso_month, iso_day) }}
    end
{% endmacro %}

{% macro _postgres_calendar_date(year, month, day) -%}
    case
        when {{ year }} >= 1 and {{ month }} between 1 and 12 then
            case
                when {{ day }} between 1 and extract(day from (
                    make_date({{ year }}, {{ month }}, 1) + interval '1 month' - interval '1 day'
                ))
                    then make_date({{ year }}, {{ month }}, {{ day }})
            end
    end
{%- endmacro %}

{% macro spark__parse_order_date(column) %}
    coalesce(
        try_to_timestamp({{ column }}, 'M/d/yyyy'),
        try_to_timestamp({{ column }}, 'yyyy-MM-dd')
    )::date
{% endmacro %}
