"""What the two K-Means Python models share (the k search,
int_cluster_counts_evaluated, and the fit, int_customer_snapshots_clustered):
the features, the initialisations and the one-thread setting their fits run under.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

FEATURES = ["z_length_days", "z_recency_days", "z_frequency", "z_monetary"]
N_INIT = 10  # K-Means initialisations, the same in the search and the fit


@contextmanager
def single_threaded() -> Iterator[None]:
    """Fits and silhouettes on one thread (OpenMP and BLAS), the silhouette's
    distance matrix in chunks of 64 MB: beside dbt's other threads and DuckDB,
    a thread team spends most of its time waiting at barriers
    (docs/performance.md)."""
    from sklearn import config_context
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1), config_context(working_memory=64):
        yield
