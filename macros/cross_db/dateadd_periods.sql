{#-
    dateadd_periods(grain, count, date): `date` plus `count` calendar periods of
    `grain` (month, quarter or year), through dbt.dateadd. A quarter is added as
    three months: PostgreSQL has no `interval '1 quarter'`.
-#}
{% macro dateadd_periods(grain, count, date) %}
    {%- if grain == 'quarter' -%}
        {{ return(dbt.dateadd('month', '3 * (' ~ count ~ ')', date)) }}
    {%- else -%}
        {{ return(dbt.dateadd(grain, count, date)) }}
    {%- endif -%}
{% endmacro %}
