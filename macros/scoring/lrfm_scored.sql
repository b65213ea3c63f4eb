{#-
    lrfm_scored(relation, partition_by, tie_breaker, method, length, recency,
    frequency, monetary): LRFM scoring (docs/analytics.md) as one macro, so that every
    model that scores customers (as of the analysis date, at every period end,
    before the backtest cutoff) scores them the same way.

    A complete select of every column of `relation` (a CTE name or a relation
    with one row per customer, or per customer and partition) plus l_score,
    r_score, f_score, m_score (integers 1..4), lrfm_score (4..16), lrfm_code
    (e.g. '2234', L R F M) and value_segment. The measure columns default to
    length_days, recency_days, frequency and monetary. Scores are computed
    within each `partition_by` group (a column or a list, e.g.
    'period_end_date'), so one query scores many periods at once.

    Directions: a larger value scores higher for L, F and M; a smaller one for R
    (a smaller recency_days is more recent). Methods (var `score_method`):
    'ntile' (NTILE(4), ties broken by the tie-breaker columns, ascending) or
    'quantile' (quartile cut points, equal values always get equal scores).

        scored as (
            {{ lrfm_scored('customer_period_metrics', partition_by='period_end_date') }}
        ),
-#}
{% macro lrfm_scored(
    relation,
    partition_by=none,
    tie_breaker='customer_id',
    method=none,
    length='length_days',
    recency='recency_days',
    frequency='frequency',
    monetary='monetary'
) %}
    {%- set resolved_method = lrfm_score_method(method) -%}
    {%- set partitions = as_column_list(partition_by) -%}
    {%- set measured_partitions = [] -%}
    {%- for column in partitions -%}
        {%- do measured_partitions.append('measured.' ~ column) -%}
    {%- endfor -%}
    {%- set measured_tie_breakers = [] -%}
    {%- for column in as_column_list(tie_breaker) -%}
        {%- do measured_tie_breakers.append('measured.' ~ column) -%}
    {%- endfor -%}
    {%- set score_sum = 'scored.l_score + scored.r_score + scored.f_score + scored.m_score' -%}
    select
        scored.*,
        {{ score_sum }} as lrfm_score,
        {{ dbt.concat([
            'cast(scored.l_score as ' ~ dbt.type_string() ~ ')',
            'cast(scored.r_score as ' ~ dbt.type_string() ~ ')',
            'cast(scored.f_score as ' ~ dbt.type_string() ~ ')',
            'cast(scored.m_score as ' ~ dbt.type_string() ~ ')',
        ]) }} as lrfm_code,
        {{ lrfm_value_segment(score_sum) }} as value_segment
    from (
        select
            measured.*,
            {{ lrfm_dimension_score('measured.' ~ length, 'asc', measured_partitions, measured_tie_breakers, resolved_method) }} as l_score,
            {{ lrfm_dimension_score('measured.' ~ recency, 'desc', measured_partitions, measured_tie_breakers, resolved_method) }} as r_score,
            {{ lrfm_dimension_score('measured.' ~ frequency, 'asc', measured_partitions, measured_tie_breakers, resolved_method) }} as f_score,
            {{ lrfm_dimension_score('measured.' ~ monetary, 'asc', measured_partitions, measured_tie_breakers, resolved_method) }} as m_score
        from {{ relation }} as measured
        {%- if resolved_method == 'quantile' %}
            {{ 'inner join' if partitions else 'cross join' }} (
                select
                    {%- for column in partitions %}
                    {{ column }},
                    {%- endfor %}
                    {{ quartile_cut_points(length) }},
                    {{ quartile_cut_points(recency) }},
                    {{ quartile_cut_points(frequency) }},
                    {{ quartile_cut_points(monetary) }}
                from {{ relation }}
                {%- if partitions %}
                group by {{ partitions | join(', ') }}
                {%- endif %}
            ) as cut_points
            {%- if partitions %}
            on
                {%- for column in partitions %}
                {{ 'and ' if not loop.first }}measured.{{ column }} = cut_points.{{ column }}
                {%- endfor %}
            {%- endif %}
        {%- endif %}
    ) as scored
{% endmacro %}
