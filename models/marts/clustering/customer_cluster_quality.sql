{#-
    The K-Means model selection, published: one row per snapshot x k, as
    int_cluster_counts_evaluated (a Python model) computed it, under the mart's
    enforced contract.
-#}

with

evaluated_cluster_counts as (

    select * from {{ ref('int_cluster_counts_evaluated') }}

),

final as (

    select
        snapshot_name,
        as_of_date,
        k,
        silhouette,
        inertia,
        customers,
        silhouette_sample_size,
        is_chosen,
        selection

    from evaluated_cluster_counts

)

select * from final
