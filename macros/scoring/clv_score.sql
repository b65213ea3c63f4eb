{#-
    clv_score(monetary, length, frequency, recency, partition_by): the customer
    lifetime value score of docs/analytics.md, one definition for every model that values
    customers; `partition_by` (a column or a list) scores many periods at once.

    0..100: the weighted sum of the percent ranks (percent_rank(), 0 = lowest) of
    monetary, length and frequency (ascending) and recency (descending: the most
    recent ranks highest), times 100, rounded to 4 decimals. Weights: vars
    clv_weight_monetary (0.4), clv_weight_length (0.3), clv_weight_frequency
    (0.2), clv_weight_recency (0.1).
-#}
{% macro clv_score(
    monetary='monetary',
    length='length_days',
    frequency='frequency',
    recency='recency_days',
    partition_by=none
) -%}
    {%- set partitions = as_column_list(partition_by) -%}
    {%- set over_partition = ('partition by ' ~ (partitions | join(', ')) ~ ' ') if partitions else '' -%}
    {%- set double = type_double() -%}
    {%- set weighted -%}
    100 * (
        cast({{ var('clv_weight_monetary') }} as {{ double }})
        * percent_rank() over ({{ over_partition }}order by {{ monetary }} asc)
        + cast({{ var('clv_weight_length') }} as {{ double }})
        * percent_rank() over ({{ over_partition }}order by {{ length }} asc)
        + cast({{ var('clv_weight_frequency') }} as {{ double }})
        * percent_rank() over ({{ over_partition }}order by {{ frequency }} asc)
        + cast({{ var('clv_weight_recency') }} as {{ double }})
        * percent_rank() over ({{ over_partition }}order by {{ recency }} desc)
    )
    {%- endset %}
    {{ round_double(weighted, 4) }}
{%- endmacro %}
