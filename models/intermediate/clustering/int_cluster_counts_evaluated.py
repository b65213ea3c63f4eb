"""K-Means model selection: one row per snapshot x k (a candidate cluster count), the elbow data.

For every snapshot of int_customer_snapshots_standardized (`analysis_date`: the
shipped clusters; `backtest_cutoff`: the clusters the backtest scores) and every
k in 2..8 (and the fixed k, var `cluster_count`, when set): a K-Means fit on the
standardised, log-scaled L, R, F, M, its inertia (within-cluster sum of squares)
and its mean silhouette, both over all customers, or over one random sample of
var `cluster_sample_size` customers when there are more (the fits too). The chosen k is
var `cluster_count` when set, else the k with the highest silhouette (ties: the
smaller k). int_customer_snapshots_clustered fits the chosen k; the mart
customer_cluster_quality publishes this table.

Deterministic: customers sorted by id, fixed random state (var
`cluster_random_state`) and a fixed number of initialisations.

The fits and silhouettes run on one thread (OpenMP and BLAS): the search data is
small (at most `cluster_sample_size` x 4), and a thread team on a busy machine,
with dbt's other threads and DuckDB beside it, spends most of its time waiting at
barriers (measured in docs/performance.md).
"""

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

from customer_value.clustering import FEATURES, N_INIT, single_threaded
from customer_value.snapshots import snapshot_frame, snapshot_names, typed

K_CANDIDATES = range(2, 9)
SCHEMA = [
    ("snapshot_name", "varchar"),
    ("as_of_date", "date"),
    ("k", "bigint"),
    ("silhouette", "double"),
    ("inertia", "double"),
    ("customers", "bigint"),
    ("silhouette_sample_size", "bigint"),
    ("is_chosen", "boolean"),
    ("selection", "varchar"),
]


def _optional_int(value):
    if value is None or str(value).strip().lower() in ("", "none", "null"):
        return None
    return int(value)


def search(features, random_state, sample_size, fixed_k):
    """(k, silhouette, inertia, silhouette_sample_size) of every candidate k.

    Above `sample_size` customers, every candidate is fitted and judged on the
    same random sample of `sample_size` of them (fixed random state): seven fits
    on every customer would grow with the customer count, the sample does not.
    The chosen k is then fitted on all customers in int_customer_snapshots_clustered.
    """
    n_customers = len(features)
    if n_customers > sample_size:
        rows_used = np.sort(np.random.default_rng(random_state).choice(n_customers, sample_size, replace=False))
        features = features[rows_used]
    candidates = sorted(set(K_CANDIDATES) | ({fixed_k} if fixed_k else set()))
    rows = []
    with single_threaded():
        for k in candidates:
            if k >= len(features):  # the silhouette needs 2 <= k <= customers - 1
                continue
            fit = KMeans(n_clusters=k, random_state=random_state, n_init=N_INIT).fit(features)
            if len(np.unique(fit.labels_)) < 2:
                silhouette = np.nan
            else:
                silhouette = silhouette_score(features, fit.labels_)
            rows.append((k, float(silhouette), float(fit.inertia_), len(features)))
    return rows


def model(dbt, session):
    random_state = int(dbt.config.meta_get("cluster_random_state"))
    sample_size = int(dbt.config.meta_get("cluster_sample_size"))
    fixed_k = _optional_int(dbt.config.meta_get("cluster_count"))
    if fixed_k is not None and fixed_k < 2:
        raise ValueError(f"cluster_count must be at least 2, got {fixed_k}")

    features = dbt.ref("int_customer_snapshots_standardized")
    results = []
    for snapshot in snapshot_names(features):
        customers = snapshot_frame(features, snapshot, ["customer_id", "as_of_date", *FEATURES])
        rows = pd.DataFrame(
            search(customers[FEATURES].to_numpy(dtype=float), random_state, sample_size, fixed_k),
            columns=["k", "silhouette", "inertia", "silhouette_sample_size"],
        )
        if rows.empty:
            continue
        if fixed_k is not None:
            chosen_k = fixed_k
        else:
            ranked = rows.dropna(subset=["silhouette"]).sort_values(["silhouette", "k"], ascending=[False, True])
            chosen_k = int(ranked["k"].iloc[0]) if len(ranked) else int(rows["k"].min())
        rows.insert(0, "snapshot_name", snapshot)
        rows.insert(1, "as_of_date", pd.to_datetime(customers["as_of_date"].iloc[0]).date())
        rows["customers"] = len(customers)
        rows["is_chosen"] = rows["k"] == chosen_k
        rows["selection"] = "fixed by cluster_count" if fixed_k is not None else "best silhouette"
        results.append(rows)

    columns = [column for column, _ in SCHEMA]
    quality = pd.concat(results, ignore_index=True)[columns] if results else pd.DataFrame(columns=columns)
    return typed(session, quality, SCHEMA)
