{#-
    The K-Means input: one row per snapshot x customer, L, R, F, M log-scaled
    (sign(x) * ln(1 + |x|), so a negative monetary keeps its sign) and
    standardised within the snapshot (z-score with the population standard
    deviation, as scikit-learn's StandardScaler; 0 when a measure is constant).

    Snapshots: `analysis_date` (int_customers_measured, the shipped clusters)
    and `backtest_cutoff` (int_customers_measured_at_cutoff, the backtest's
    clusters, built only on orders before the cutoff).

    A table (two rows per customer): both Python models read it.
-#}

{%- set measures = ['length_days', 'recency_days', 'frequency', 'monetary'] %}

with

customers as (

    select * from {{ ref('int_customers_measured') }}

),

customers_at_cutoff as (

    select * from {{ ref('int_customers_measured_at_cutoff') }}

),

snapshots as (

    select
        'analysis_date' as snapshot_name,
        analysis_date as as_of_date,
        customer_id,
        length_days,
        recency_days,
        frequency,
        monetary

    from customers

    union all

    select
        'backtest_cutoff' as snapshot_name,
        cutoff_date as as_of_date,
        customer_id,
        length_days,
        recency_days,
        frequency,
        monetary

    from customers_at_cutoff

),

snapshots_as_double as (

    select
        *,
        {%- for measure in measures %}
            cast({{ measure }} as {{ type_double() }}) as double_{{ measure }}{% if not loop.last %},{% endif %}
        {%- endfor %}

    from snapshots

),

log_scaled as (

    -- sign(x) * ln(1 + |x|): log scale that keeps the sign of a negative monetary
    select
        snapshot_name,
        as_of_date,
        customer_id,
        {%- for measure in measures %}
            {{ measure }},
        {%- endfor %}
        {%- for measure in measures %}
            sign(double_{{ measure }}) * ln(1 + abs(double_{{ measure }}))
                as log_{{ measure }}{% if not loop.last %},{% endif %}
        {%- endfor %}

    from snapshots_as_double

),

final as (

    select
        snapshot_name,
        as_of_date,
        customer_id,
        {%- for measure in measures %}
            {{ measure }},
        {%- endfor %}
        {%- for measure in measures %}
            coalesce(
                (log_{{ measure }} - avg(log_{{ measure }}) over snapshot_customers)
                / nullif(stddev_pop(log_{{ measure }}) over snapshot_customers, 0),
                0
            ) as z_{{ measure }}{% if not loop.last %},{% endif %}
        {%- endfor %}

    from log_scaled
    -- ordered by customer over the whole snapshot: the same summation order in
    -- every run, so the z-scores (and the clusters fitted on them) are
    -- bit-identical between runs; an unordered window sums in storage order
    window snapshot_customers as (
        partition by snapshot_name
        order by customer_id
        rows between unbounded preceding and unbounded following
    )

)

select * from final
