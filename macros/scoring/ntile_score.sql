{#-
    ntile_score(value, direction, partition_by, tie_breaker): NTILE(4) of `value`
    within each partition, 1..4, as an integer: the 'ntile' score method. Rows are
    ordered by `value` (ascending for 'asc', descending for 'desc') then by
    `tie_breaker` ascending, so equal values get deterministic, possibly
    different, scores.
-#}
{% macro ntile_score(value, direction='asc', partition_by=none, tie_breaker='customer_id') -%}
    {%- set direction = lrfm_score_direction(direction) -%}
    {%- set partitions = as_column_list(partition_by) -%}
    {%- set tie_breakers = as_column_list(tie_breaker) -%}
    cast(ntile(4) over (
        {%- if partitions %} partition by {{ partitions | join(', ') }}{% endif %}
        order by {{ value }} {{ direction }}
        {%- for column in tie_breakers %}, {{ column }} asc{% endfor -%}
    ) as {{ dbt.type_int() }})
{%- endmacro %}
