"""One row per customer: its K-Means cluster as of the analysis date.

The `analysis_date` snapshot of int_customers_clustered (scikit-learn K-Means
on standardised, log-scaled L, R, F, M; k by silhouette over 2..8, or var
`cluster_count`; clusters ranked and labelled by mean monetary), beside the
customer's LRFM value segment from customer_segments so the two segmentations
can be compared. A Python model: it runs on DuckDB only, and no SQL mart reads
it.
"""

import pandas as pd

SCHEMA = [
    ("customer_id", "bigint"),
    ("analysis_date", "date"),
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
    ("value_segment", "varchar"),
    ("lrfm_score", "integer"),
]


def typed(session, frame, schema):
    """The frame as a DuckDB relation with the given column types (also when empty)."""
    casts = ", ".join(f'cast("{column}" as {sql_type}) as "{column}"' for column, sql_type in schema)
    return session.from_df(frame[[column for column, _ in schema]]).project(casts)


def model(dbt, session):
    clustered = dbt.ref("int_customers_clustered").df()
    clustered = clustered[clustered["snapshot_name"] == "analysis_date"].drop(columns=["snapshot_name"])
    segments = dbt.ref("customer_segments").df()[["customer_id", "value_segment", "lrfm_score"]]

    customers = clustered.merge(segments, on="customer_id", how="left", validate="one_to_one")
    customers = customers.rename(columns={"as_of_date": "analysis_date"})
    customers["analysis_date"] = pd.to_datetime(customers["analysis_date"]).dt.date
    customers = customers.sort_values("customer_id", kind="mergesort").reset_index(drop=True)
    return typed(session, customers, SCHEMA)
