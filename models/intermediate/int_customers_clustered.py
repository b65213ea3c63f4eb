"""K-Means clusters: one row per snapshot x customer.

For each snapshot of int_customer_cluster_features (`analysis_date`,
`backtest_cutoff`), fit K-Means with the k chosen in customer_cluster_quality
(the same features, random state and initialisations as its search, so the fit
is the one it measured), then rank the clusters by mean monetary, highest
first: cluster_id 1 is the most valuable. Labels: `High-Value` for the first,
`Low-Value` for the last, `Mid-Value` between them when k = 3, or
`Mid-Value 1`, `Mid-Value 2`, ... (most valuable first) when k > 3.

customer_clusters publishes the `analysis_date` snapshot; segment_backtest
scores the `backtest_cutoff` one (the cluster with cluster_id 1 is "top").

Fits and silhouettes run on one thread (OpenMP and BLAS), as in
customer_cluster_quality: with dbt's other threads and DuckDB beside it, a
thread team spent most of its time waiting at barriers.
"""

import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

FEATURES = ["z_length_days", "z_recency_days", "z_frequency", "z_monetary"]
N_INIT = 10  # as in customer_cluster_quality
SCHEMA = [
    ("snapshot_name", "varchar"),
    ("as_of_date", "date"),
    ("customer_id", "bigint"),
    ("cluster_id", "bigint"),
    ("cluster_label", "varchar"),
    ("cluster_count", "bigint"),
    ("cluster_customers", "bigint"),
    ("cluster_mean_monetary", "double"),
    ("distance_to_centroid", "double"),
    ("silhouette", "double"),
    ("length_days", "bigint"),
    ("recency_days", "bigint"),
    ("frequency", "bigint"),
    ("monetary", "double"),
]


def typed(session, frame, schema):
    """The frame as a DuckDB relation with the given column types (also when empty)."""
    casts = ", ".join(f'cast("{column}" as {sql_type}) as "{column}"' for column, sql_type in schema)
    return session.from_df(frame[[column for column, _ in schema]]).project(casts)


def cluster_labels(k):
    """Labels of clusters ranked 1..k by mean monetary, highest first."""
    if k == 1:
        return ["High-Value"]
    middle = ["Mid-Value"] if k == 3 else [f"Mid-Value {rank}" for rank in range(1, k - 1)]
    return ["High-Value"] + middle + ["Low-Value"]


def model(dbt, session):
    random_state = int(dbt.config.meta_get("cluster_random_state"))
    sample_size = int(dbt.config.meta_get("cluster_sample_size"))

    features = dbt.ref("int_customer_cluster_features").df()
    quality = dbt.ref("customer_cluster_quality").df()
    chosen = quality[quality["is_chosen"]].set_index("snapshot_name")["k"]

    results = []
    for snapshot, customers in features.groupby("snapshot_name", sort=True):
        if snapshot not in chosen.index:
            continue
        k = int(chosen[snapshot])
        customers = customers.sort_values("customer_id", kind="mergesort").reset_index(drop=True)
        matrix = customers[FEATURES].to_numpy(dtype=float)
        with threadpool_limits(limits=1):
            fit = KMeans(n_clusters=k, random_state=random_state, n_init=N_INIT).fit(matrix)
            silhouette = silhouette_score(
                matrix,
                fit.labels_,
                sample_size=sample_size if len(customers) > sample_size else None,
                random_state=random_state,
            )

        customers["monetary"] = customers["monetary"].astype(float)
        customers["kmeans_label"] = fit.labels_
        profile = (
            customers.groupby("kmeans_label")
            .agg(cluster_customers=("customer_id", "size"), cluster_mean_monetary=("monetary", "mean"))
            .reset_index()
            .sort_values(["cluster_mean_monetary", "kmeans_label"], ascending=[False, True], kind="mergesort")
            .reset_index(drop=True)
        )
        profile["cluster_id"] = profile.index + 1
        profile["cluster_label"] = cluster_labels(k)[: len(profile)]
        clustered = customers.merge(profile, on="kmeans_label", how="inner", validate="many_to_one")

        centroids = fit.cluster_centers_[clustered["kmeans_label"].to_numpy()]
        clustered["distance_to_centroid"] = ((matrix - centroids) ** 2).sum(axis=1) ** 0.5
        clustered["cluster_count"] = k
        clustered["silhouette"] = float(silhouette)
        clustered["as_of_date"] = pd.to_datetime(clustered["as_of_date"]).dt.date
        results.append(clustered)

    columns = [column for column, _ in SCHEMA]
    if not results:
        return typed(session, pd.DataFrame(columns=columns), SCHEMA)
    clustered = pd.concat(results, ignore_index=True)[columns]
    clustered = clustered.sort_values(["snapshot_name", "customer_id"], kind="mergesort").reset_index(drop=True)
    return typed(session, clustered, SCHEMA)
