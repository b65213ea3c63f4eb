"""How the dbt Python models read a snapshot of customers and type what they
return: the K-Means models (models/intermediate/clustering/) and the lifetime
value models (models/intermediate/lifetime_value/) import these instead of each
carrying a copy.
"""

from __future__ import annotations


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
