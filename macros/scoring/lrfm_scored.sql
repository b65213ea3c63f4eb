{#-
    LRFM scoring (SPEC §5), as macros so that every model that scores customers
    (the as-of-today customer_segments, per-period snapshots, a backtest before a
    cutoff) scores them the same way. Every macro takes an optional
    `partition_by` (a column or a list of columns, e.g. 'period_end_date'): the
    scores and quartiles are then computed within each partition, so one query
    scores many periods at once.

    Direction: 'asc' = a larger value scores higher (L, F, M); 'desc' = a smaller
    value scores higher (R: a smaller recency_days is more recent).
    Methods (var `score_method`): 'ntile' (NTILE(4), ties broken by the
    tie-breaker column, ascending) or 'quantile' (quartile cut points, equal
    values always get equal scores).
-#}

{#- _as_column_list(columns): none, a string or a list -> a list. -#}
{% macro _as_column_list(columns) %}
    {%- if columns is none -%}
        {{ return([]) }}
    {%- elif columns is string -%}
        {{ return([columns]) }}
    {%- else -%}
        {{ return(columns | list) }}
    {%- endif -%}
{% endmacro %}

{#- lrfm_score_method(method=none): the validated scoring method (default: var `score_method`). -#}
{% macro lrfm_score_method(method=none) %}
    {%- set resolved = (method or var('score_method')) | string | lower -%}
    {%- if resolved not in ['ntile', 'quantile'] -%}
        {{ exceptions.raise_compiler_error(
            "score_method must be 'ntile' or 'quantile', got '" ~ resolved ~ "'"
        ) }}
    {%- endif -%}
    {{ return(resolved) }}
{% endmacro %}

{#- _check_direction(direction): 'asc' or 'desc', else a compile error. -#}
{% macro _check_direction(direction) %}
    {%- if direction not in ['asc', 'desc'] -%}
        {{ exceptions.raise_compiler_error("score direction must be 'asc' or 'desc', got '" ~ direction ~ "'") }}
    {%- endif -%}
{% endmacro %}

{#-
    percentile_cont(value, fraction): the linearly interpolated percentile of
    `value` as an ordered-set aggregate (use in a grouped select, then join the
    result back). Adapter-dispatched for engines without `within group`.
-#}
{% macro percentile_cont(value, fraction) %}
    {{ return(adapter.dispatch('percentile_cont', 'customer_value')(value, fraction)) }}
{% endmacro %}

{% macro default__percentile_cont(value, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ value }})
{%- endmacro %}

{% macro trino__percentile_cont(value, fraction) -%}
    approx_percentile({{ value }}, {{ fraction }})
{%- endmacro %}

{#-
    quartile_cut_points(value): the three aggregate expressions q25, q50, q75 of
    `value` (as double), comma-separated, named `<alias>_q25`, `<alias>_q50`,
    `<alias>_q75`; `alias` defaults to the column name of `value`.
-#}
{% macro quartile_cut_points(value, alias=none) %}
    {%- set name = alias or (value | string).split('.')[-1] -%}
    {%- set as_double = 'cast(' ~ value ~ ' as ' ~ type_double() ~ ')' -%}
    {{ percentile_cont(as_double, 0.25) }} as {{ name }}_q25,
    {{ percentile_cont(as_double, 0.5) }} as {{ name }}_q50,
    {{ percentile_cont(as_double, 0.75) }} as {{ name }}_q75
{%- endmacro %}

{#-
    ntile_score(value, direction, partition_by, tie_breaker): NTILE(4) of `value`
    within each partition, 1..4, as an integer. Rows are ordered by `value`
    (ascending for 'asc', descending for 'desc') then by `tie_breaker`
    ascending, so equal values get deterministic, possibly different, scores.
-#}
{% macro ntile_score(value, direction='asc', partition_by=none, tie_breaker='customer_id') -%}
    {{- _check_direction(direction) -}}
    {%- set partitions = _as_column_list(partition_by) -%}
    {%- set tie_breakers = _as_column_list(tie_breaker) -%}
    cast(ntile(4) over (
        {%- if partitions %} partition by {{ partitions | join(', ') }}{% endif %}
        order by {{ value }} {{ direction }}
        {%- for column in tie_breakers %}, {{ column }} asc{% endfor -%}
    ) as {{ dbt.type_int() }})
{%- endmacro %}

{#-
    quartile_score(value, q25, q50, q75, direction): the quantile score of SPEC
    §5, 1 + (v > q25) + (v > q50) + (v > q75), or 5 minus that for 'desc'; equal
    values get equal scores. q25/q50/q75 are the cut point expressions (from
    quartile_cut_points, joined back per partition).
-#}
{% macro quartile_score(value, q25, q50, q75, direction='asc') -%}
    {{- _check_direction(direction) -}}
    {%- set as_double = 'cast(' ~ value ~ ' as ' ~ type_double() ~ ')' -%}
    cast({{ '5 - (' if direction == 'desc' else '(' }}1
        + case when {{ as_double }} > {{ q25 }} then 1 else 0 end
        + case when {{ as_double }} > {{ q50 }} then 1 else 0 end
        + case when {{ as_double }} > {{ q75 }} then 1 else 0 end
    ) as {{ dbt.type_int() }})
{%- endmacro %}

{#-
    lrfm_dimension_score(value, direction, partition_by, tie_breaker, method,
    cut_points): one LRFM dimension score 1..4 by `method` (default var
    `score_method`). `cut_points` = [q25, q50, q75] expressions, needed for
    'quantile' (default: `cut_points.<column>_q25` etc., the names
    quartile_cut_points gives under a join alias `cut_points`).
-#}
{% macro lrfm_dimension_score(
    value,
    direction='asc',
    partition_by=none,
    tie_breaker='customer_id',
    method=none,
    cut_points=none
) -%}
    {%- if lrfm_score_method(method) == 'ntile' -%}
        {{ ntile_score(value, direction, partition_by, tie_breaker) }}
    {%- else -%}
        {%- set name = (value | string).split('.')[-1] -%}
        {%- set cuts = cut_points or [
            'cut_points.' ~ name ~ '_q25',
            'cut_points.' ~ name ~ '_q50',
            'cut_points.' ~ name ~ '_q75',
        ] -%}
        {{ quartile_score(value, cuts[0], cuts[1], cuts[2], direction) }}
    {%- endif -%}
{%- endmacro %}

{#-
    lrfm_value_segment(lrfm_score, high_min, mid_min): 'High-Value' when the
    score reaches `high_min` (default var `high_value_min_lrfm_score`, 13),
    'Mid-Value' when it reaches `mid_min` (default var
    `mid_value_min_lrfm_score`, 9), else 'Low-Value'.
-#}
{% macro lrfm_value_segment(lrfm_score, high_min=none, mid_min=none) -%}
    {%- set high = high_min if high_min is not none else var('high_value_min_lrfm_score') -%}
    {%- set mid = mid_min if mid_min is not none else var('mid_value_min_lrfm_score') -%}
    case
        when {{ lrfm_score }} >= {{ high }} then 'High-Value'
        when {{ lrfm_score }} >= {{ mid }} then 'Mid-Value'
        else 'Low-Value'
    end
{%- endmacro %}

{#-
    lrfm_scored(relation, partition_by, tie_breaker, method, length, recency,
    frequency, monetary): a complete select of every column of `relation` (a CTE
    name or a relation with one row per customer, or per customer and
    partition) plus l_score, r_score, f_score, m_score (integers 1..4),
    lrfm_score (4..16), lrfm_code (e.g. '2234', L R F M) and value_segment.
    The measure columns default to length_days, recency_days, frequency and
    monetary; scores are computed within each `partition_by` group.

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
    {%- set partitions = _as_column_list(partition_by) -%}
    {%- set measured_partitions = [] -%}
    {%- for column in partitions -%}
        {%- do measured_partitions.append('measured.' ~ column) -%}
    {%- endfor -%}
    {%- set measured_tie_breakers = [] -%}
    {%- for column in _as_column_list(tie_breaker) -%}
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
