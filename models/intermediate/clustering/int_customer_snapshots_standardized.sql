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
        cast(length_days as {{ type_double() }}) as double_length_days,
        cast(recency_days as {{ type_double() }}) as double_recency_days,
        cast(frequency as {{ type_double() }}) as double_frequency,
        cast(monetary as {{ type_double() }}) as double_monetary

    from snapshots

),

log_scaled as (

    select
        snapshot_name,
        as_of_date,
        customer_id,
        length_days,
        recency_days,
        frequency,
        monetary,
        sign(double_length_days) * ln(1 + abs(double_length_days)) as log_length_days,
        sign(double_recency_days) * ln(1 + abs(double_recency_days)) as log_recency_days,
        sign(double_frequency) * ln(1 + abs(double_frequency)) as log_frequency,
        sign(double_monetary) * ln(1 + abs(double_monetary)) as log_monetary

    from snapshots_as_double

),

final as (

    select
        snapshot_name,
        as_of_date,
        customer_id,
        length_days,
        recency_days,
        frequency,
        monetary,
        coalesce(
            (log_length_days - avg(log_length_days) over snapshot_customers)
            / nullif(stddev_pop(log_length_days) over snapshot_customers, 0),
            0
        ) as z_length_days,
        coalesce(
            (log_recency_days - avg(log_recency_days) over snapshot_customers)
            / nullif(stddev_pop(log_recency_days) over snapshot_customers, 0),
            0
        ) as z_recency_days,
        coalesce(
            (log_frequency - avg(log_frequency) over snapshot_customers)
            / nullif(stddev_pop(log_frequency) over snapshot_customers, 0),
            0
        ) as z_frequency,
        coalesce(
            (log_monetary - avg(log_monetary) over snapshot_customers)
            / nullif(stddev_pop(log_monetary) over snapshot_customers, 0),
            0
        ) as z_monetary

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
