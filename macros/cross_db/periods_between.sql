{#-
    periods_between(start_date, end_date, grain): how many calendar periods of
    `grain` (month, quarter or year) lie between two period start dates, as an
    integer, from their years and months. dbt.datediff is not used: dbt-spark's
    datediff('quarter') counts 2023-01-01 to 2023-07-01 as 3 quarters.
-#}
{% macro periods_between(start_date, end_date, grain) %}
    {%- set months_per_period = {'month': 1, 'quarter': 3, 'year': 12} -%}
    {%- if grain not in months_per_period -%}
        {{ exceptions.raise_compiler_error("grain must be month, quarter or year, got '" ~ grain ~ "'") }}
    {%- endif -%}
    cast((
        (extract(year from {{ end_date }}) - extract(year from {{ start_date }})) * 12
        + extract(month from {{ end_date }}) - extract(month from {{ start_date }})
    ) / {{ months_per_period[grain] }} as {{ dbt.type_int() }})
{%- endmacro %}
