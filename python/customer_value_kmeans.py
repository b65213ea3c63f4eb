"""What the two K-Means Python models share (the k search,
int_cluster_counts_evaluated, and the fit, int_customer_snapshots_clustered).

dbt-duckdb puts this folder on the Python path (profiles.yml: `module_paths`), so
the models import it instead of each carrying a copy: the features, the
initialisations, how a snapshot is read and how a result table is typed, and the
one-thread setting their fits run under.
"""

from __future__ import annotations

from contextlib import contextmanager

FEATURES = ["z_length_days", "z_recency_days", "z_frequency", "z_monetary"]
N_INIT = 10  # K-Means initialisations, the same in the search and the fit


def typed(session, frame, schema):
    """The frame as a DuckDB relation with the given column types (also when empty)."""
    casts = ", ".join(f'cast("{column}" as {sql_type}) as "{column}"' for column, sql_type in schema)
    return session.from_df(frame[[column for column, _ in schema]]).project(casts)


def snapshot_names(features) -> list[str]:
    """The snapshots of int_customer_snapshots_standardized, sorted."""
    return sorted(str(name) for name in features.project("snapshot_name").distinct().df()["snapshot_name"])


def snapshot_frame(features, snapshot: str, columns: list[str]):
    """One snapshot's customers, only `columns`, ordered by customer_id (a
    deterministic row order for the fits). One snapshot at a time, only the
    columns used: whole tables in pandas would sit in memory beside DuckDB's
    own at a million customers."""
    quoted = "'" + snapshot.replace("'", "''") + "'"
    return features.filter(f"snapshot_name = {quoted}").project(", ".join(columns)).order("customer_id").df()


@contextmanager
def single_threaded():
    """Fits and silhouettes on one thread (OpenMP and BLAS), the silhouette's
    distance matrix in chunks of 64 MB: beside dbt's other threads and DuckDB,
    a thread team spends most of its time waiting at barriers
    (docs/performance.md)."""
    from sklearn import config_context
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1), config_context(working_memory=64):
        yield
