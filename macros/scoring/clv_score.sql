{#-
    Customer lifetime value scoring (SPEC §6), as macros so that snapshots and
    backtests score CLV like customer_segments. `partition_by` (a column or a
    list) scores many periods at once.
-#}

{#-
    clv_score(monetary, length, frequency, recency, partition_by): 0..100, the
    weighted sum of the percent ranks (percent_rank(), 0 = lowest) of monetary,
    length and frequency (ascending) and recency (descending: the most recent
    ranks highest), times 100, rounded to 4 decimals. Weights: vars clv_weight_monetary (0.4),
    clv_weight_length (0.3), clv_weight_frequency (0.2), clv_weight_recency (0.1).
-#}
{% macro clv_score(
    monetary='monetary',
    length='length_days',
    frequency='frequency',
    recency='recency_days',
    partition_by=none
) -%}
    {%- set partitions = _as_column_list(partition_by) -%}
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

{#-
    clv_segment_cut_points(clv_score): the three aggregate expressions, comma
    separated, of the clv_score percentiles that bound the CLV segments:
    high_value_min_clv_score (var clv_high_value_percentile, 0.85),
    moderate_value_min_clv_score (clv_moderate_value_percentile, 0.50) and
    low_value_min_clv_score (clv_low_value_percentile, 0.25). Use in a grouped
    select (group by the partition columns) and join back.
-#}
{% macro clv_segment_cut_points(clv_score='clv_score') -%}
    {{ percentile_cont(clv_score, var('clv_high_value_percentile')) }} as high_value_min_clv_score,
    {{ percentile_cont(clv_score, var('clv_moderate_value_percentile')) }} as moderate_value_min_clv_score,
    {{ percentile_cont(clv_score, var('clv_low_value_percentile')) }} as low_value_min_clv_score
{%- endmacro %}

{#-
    clv_segment(clv_score, high_cut, moderate_cut, low_cut): 'High Value' above
    the high cut point, 'Moderate Value' above the moderate one, 'Low Value'
    above the low one, else 'Churn Risk' (strictly greater, SPEC §6).
-#}
{% macro clv_segment(
    clv_score='clv_score',
    high_cut='high_value_min_clv_score',
    moderate_cut='moderate_value_min_clv_score',
    low_cut='low_value_min_clv_score'
) -%}
    case
        when {{ clv_score }} > {{ high_cut }} then 'High Value'
        when {{ clv_score }} > {{ moderate_cut }} then 'Moderate Value'
        when {{ clv_score }} > {{ low_cut }} then 'Low Value'
        else 'Churn Risk'
    end
{%- endmacro %}
