"""K-Means clusters: one row per snapshot x customer.

For each snapshot of int_customer_snapshots_standardized (`analysis_date`,
`backtest_cutoff`), fit K-Means with the k chosen in int_cluster_counts_evaluated
(the same features, random state and initialisations as its search, so the fit
is the one it measured), then rank the clusters by mean monetary, highest
first: cluster_id 1 is the most valuable. Labels: `High-Value` for the first,
`Low-Value` for the last, `Mid-Value` between them when k = 3, or
`Mid-Value 1`, `Mid-Value 2`, ... (most valuable first) when k > 3.

customer_clusters publishes the `analysis_date` snapshot; segment_backtest
scores the `backtest_cutoff` one (the cluster with cluster_id 1 is "top").

Fits and silhouettes run on one thread (OpenMP and BLAS), as in
int_cluster_counts_evaluated: with dbt's other threads and DuckDB beside it, a
thread team spent most of its time waiting at barriers.
"""

import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

from customer_value.clustering import FEATURES, N_INIT, single_threaded
from customer_value.snapshots import snapshot_frame, typed

INPUT_COLUMNS = [
    "customer_id",
    "as_of_date",
    *FEATURES,
    "length_days",
    "recency_days",
    "frequency",
    "cast(monetary as double) as monetary",
]
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


def cluster_labels(k):
    """Labels of clusters ranked 1..k by mean monetary, highest first."""
    if k == 1:
        return ["High-Value"]
    middle = ["Mid-Value"] if k == 3 else [f"Mid-Value {rank}" for rank in range(1, k - 1)]
    return ["High-Value"] + middle + ["Low-Value"]


def model(dbt, session):
    random_state = int(dbt.config.meta_get("cluster_random_state"))
    sample_size = int(dbt.config.meta_get("cluster_sample_size"))

    features = dbt.ref("int_customer_snapshots_standardized")
    quality = dbt.ref("int_cluster_counts_evaluated").filter("is_chosen").project("snapshot_name, k").df()
    chosen = {str(snapshot): int(k) for snapshot, k in zip(quality["snapshot_name"], quality["k"])}
    snapshots = sorted(chosen)
    labels = sorted({label for k in chosen.values() for label in cluster_labels(k)})

    results = []
    for snapshot in snapshots:
        k = chosen[snapshot]
        customers = snapshot_frame(features, snapshot, INPUT_COLUMNS)
        if customers.empty:
            continue
        matrix = customers[FEATURES].to_numpy(dtype=float)
        with single_threaded():
            fit = KMeans(n_clusters=k, random_state=random_state, n_init=N_INIT).fit(matrix)
            silhouette = silhouette_score(
                matrix,
                fit.labels_,
                sample_size=sample_size if len(customers) > sample_size else None,
                random_state=random_state,
            )

        profile = (
            pd.DataFrame({"kmeans_label": fit.labels_, "monetary": customers["monetary"].to_numpy()})
            .groupby("kmeans_label")
            .agg(cluster_customers=("monetary", "size"), cluster_mean_monetary=("monetary", "mean"))
            .reset_index()
            .sort_values(["cluster_mean_monetary", "kmeans_label"], ascending=[False, True], kind="mergesort")
            .reset_index(drop=True)
        )
        profile["cluster_id"] = profile.index + 1
        profile["cluster_label"] = cluster_labels(k)[: len(profile)]
        by_label = profile.set_index("kmeans_label").reindex(range(k))  # k-means labels 0..k-1

        customers = customers.drop(columns=FEATURES)
        customers.insert(
            0, "snapshot_name", pd.Categorical.from_codes([snapshots.index(snapshot)] * len(customers), snapshots)
        )
        for column in ("cluster_id", "cluster_customers", "cluster_mean_monetary"):
            customers[column] = by_label[column].to_numpy()[fit.labels_]
        customers["cluster_label"] = pd.Categorical(
            by_label["cluster_label"].to_numpy()[fit.labels_], categories=labels
        )
        customers["distance_to_centroid"] = ((matrix - fit.cluster_centers_[fit.labels_]) ** 2).sum(axis=1) ** 0.5
        customers["cluster_count"] = k
        customers["silhouette"] = float(silhouette)
        customers["as_of_date"] = pd.to_datetime(customers["as_of_date"]).dt.date
        results.append(typed(session, customers, SCHEMA))  # no pandas concat: a copy of every row

    if not results:
        return typed(session, pd.DataFrame(columns=[column for column, _ in SCHEMA]), SCHEMA)
    clustered = results[0]
    for snapshot_clusters in results[1:]:
        clustered = clustered.union(snapshot_clusters)  # UNION ALL
    return clustered
