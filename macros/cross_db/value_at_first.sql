{#-
    value_at_first(value, order_by): in an aggregate, the value of `value` on the
    row with the smallest `order_by` (which must be unique within the group).
    DuckDB arg_min, Spark/Databricks min_by, elsewhere the first element of an
    ordered array_agg (PostgreSQL).
-#}
{% macro value_at_first(value, order_by) %}
    {{ return(adapter.dispatch('value_at_first', 'customer_value')(value, order_by)) }}
{% endmacro %}

{% macro duckdb__value_at_first(value, order_by) -%}
    arg_min({{ value }}, {{ order_by }})
{%- endmacro %}

{% macro spark__value_at_first(value, order_by) -%}
    min_by({{ value }}, {{ order_by }})
{%- endmacro %}

{% macro databricks__value_at_first(value, order_by) -%}
    min_by({{ value }}, {{ order_by }})
{%- endmacro %}

{% macro default__value_at_first(value, order_by) -%}
    (array_agg({{ value }} order by {{ order_by }}))[1]
{%- endmacro %}
