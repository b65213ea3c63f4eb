{#-
    line_fingerprint(columns): one value that differs between two lines whose
    raw values differ (a hash of all of them), to spot exact duplicate lines
    without comparing 19 columns one by one. Nulls and the column boundaries
    count: ('a', 'bc') and ('ab', 'c') differ.
-#}
{% macro line_fingerprint(columns) %}
    {{ return(adapter.dispatch('line_fingerprint', 'customer_value')(columns)) }}
{% endmacro %}

{% macro duckdb__line_fingerprint(columns) %}
    hash({{ columns | join(', ') }})
{% endmacro %}

{% macro default__line_fingerprint(columns) %}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce('<' || " ~ column ~ " || '>', '~')") -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{% endmacro %}
