{#-
    One row per customer: its K-Means cluster as of the analysis date.

    The `analysis_date` snapshot of int_customer_snapshots_clustered (scikit-learn
    K-Means on standardised, log-scaled L, R, F, M; k by silhouette over 2..8,
    or var `cluster_count`; clusters ranked and labelled by mean monetary),
    beside the customer's LRFM value segment from customer_segments so the two
    segmentations can be compared.

    A SQL model, so its contract is enforced and the join runs in the database,
    not in pandas memory; DuckDB only (dbt_project.yml), like the Python model
    it reads.
-#}

with

clustered_customers as (

    select * from {{ ref('int_customer_snapshots_clustered') }}

),

customer_segments as (

    select * from {{ ref('customer_segments') }}

),

analysis_date_clusters as (

    select *

    from clustered_customers
    where snapshot_name = 'analysis_date'

),

final as (

    select
        analysis_date_clusters.customer_id,
        analysis_date_clusters.as_of_date as analysis_date,
        analysis_date_clusters.cluster_id,
        analysis_date_clusters.cluster_label,
        analysis_date_clusters.cluster_count,
        analysis_date_clusters.cluster_customers,
        analysis_date_clusters.cluster_mean_monetary,
        analysis_date_clusters.distance_to_centroid,
        analysis_date_clusters.silhouette,
        analysis_date_clusters.length_days,
        analysis_date_clusters.recency_days,
        analysis_date_clusters.frequency,
        analysis_date_clusters.monetary,
        customer_segments.value_segment,
        customer_segments.lrfm_score

    from analysis_date_clusters
    left join customer_segments
        on analysis_date_clusters.customer_id = customer_segments.customer_id

)

select * from final
