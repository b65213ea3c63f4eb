"""Segment migrations and K-Means clusters, end to end (the backtest: tests/test_backtest.py).

(a) The as-of scores of the final migration period (it ends at the analysis
    date, so it sees the orders customer_segments sees) equal customer_segments
    customer by customer, for both score methods.
(b) The clusters are deterministic across two builds, k is in 2..8 and the
    clusters are numbered and labelled by mean monetary.

Builds come from the fixtures of tests/conftest.py: `build_project(vars)` (the
bundled sample, cached per vars) and `run_pipeline(*args, input_path=...)`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

SCORE_COLUMNS = [
    "length_days",
    "recency_days",
    "frequency",
    "monetary",
    "l_score",
    "r_score",
    "f_score",
    "m_score",
    "lrfm_score",
    "lrfm_code",
    "value_segment",
]


def query(warehouse: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.sql(sql).df()


# --- (a) the final period equals customer_segments ------------------------------


@pytest.mark.parametrize("score_method", ["ntile", "quantile"])
def test_final_period_scores_equal_customer_segments(build_project, score_method):
    warehouse = build_project({"score_method": score_method})
    columns = ", ".join(SCORE_COLUMNS)
    final = query(
        warehouse,
        f"select customer_id, period_end_date, {columns} from intermediate.int_customer_periods_scored "
        "where is_final_period order by customer_id",
    ).set_index("customer_id")
    mart = query(
        warehouse,
        f"select customer_id, analysis_date, {columns} from marts.customer_segments order by customer_id",
    ).set_index("customer_id")

    assert len(mart) == 99
    assert list(final.index) == list(mart.index), "the final period has other customers than customer_segments"
    assert (final["period_end_date"] == mart["analysis_date"]).all()
    pd.testing.assert_frame_equal(final[SCORE_COLUMNS], mart[SCORE_COLUMNS], check_dtype=False)

    # and the migration matrix of the final period adds up to the same segments
    to_segments = query(
        warehouse,
        "select to_segment, sum(customers) as customers from marts.segment_migrations "
        "where is_final_period group by to_segment",
    ).set_index("to_segment")["customers"]
    lapsed = int(to_segments.get("Lapsed", 0))
    assert int(to_segments.sum()) == len(mart)
    assert lapsed == int((mart["recency_days"] > 365).sum())
    for segment in ("High-Value", "Mid-Value", "Low-Value"):
        active = mart[(mart["value_segment"] == segment) & (mart["recency_days"] <= 365)]
        assert int(to_segments.get(segment, 0)) == len(active), segment


def test_migrations_conserve_customers_and_cover_every_quarter(build_project):
    warehouse = build_project({"score_method": "ntile"})
    migrations = query(warehouse, "select * from marts.segment_migrations")
    periods = migrations.drop_duplicates("period_number").sort_values("period_number")
    # 2020-Q1 .. 2023-Q4, no gaps, the last one ends at the analysis date
    assert list(periods["period_label"]) == [f"{y}-Q{q}" for y in range(2020, 2024) for q in range(1, 5)]
    assert str(periods["period_end_date"].iloc[-1])[:10] == "2024-01-01"
    arriving = migrations.groupby(["period_number", "to_segment"])["customers"].sum()
    leaving = (
        migrations[migrations["from_segment"] != "New"].groupby(["period_number", "from_segment"])["customers"].sum()
    )
    for (period, segment), customers in arriving.items():
        if period < periods["period_number"].max():
            assert leaving.get((period + 1, segment), 0) == customers, (period, segment)
    # every customer enters from New exactly once
    assert migrations.loc[migrations["from_segment"] == "New", "customers"].sum() == 99


# --- (b) clusters ---------------------------------------------------------------

CLUSTER_SQL = "select * from marts.customer_clusters order by customer_id"
QUALITY_SQL = "select * from marts.customer_cluster_quality order by snapshot_name, k"


def test_clusters_are_deterministic_across_builds(build_project):
    first, second = build_project({"score_method": "ntile"}), build_project({})
    assert first != second, "two separate builds"
    pd.testing.assert_frame_equal(query(first, CLUSTER_SQL), query(second, CLUSTER_SQL))
    pd.testing.assert_frame_equal(query(first, QUALITY_SQL), query(second, QUALITY_SQL))


def test_k_is_the_best_silhouette_in_2_to_8_and_labels_follow_mean_monetary(build_project):
    warehouse = build_project({"score_method": "ntile"})
    clusters = query(warehouse, CLUSTER_SQL)
    quality = query(warehouse, QUALITY_SQL)

    assert len(clusters) == 99
    for snapshot, fits in quality.groupby("snapshot_name"):
        assert sorted(fits["k"]) == list(range(2, 9)), snapshot
        chosen = fits[fits["is_chosen"]]
        assert len(chosen) == 1, snapshot
        assert chosen["silhouette"].iloc[0] == fits["silhouette"].max(), snapshot

    k = int(clusters["cluster_count"].iloc[0])
    chosen = quality[(quality["snapshot_name"] == "analysis_date") & quality["is_chosen"]].iloc[0]
    assert 2 <= k <= 8 and k == chosen["k"]
    assert clusters["silhouette"].iloc[0] == pytest.approx(chosen["silhouette"])

    profile = clusters.groupby("cluster_id").agg(
        mean_monetary=("monetary", "mean"),
        label=("cluster_label", "first"),
        customers=("customer_id", "size"),
    )
    assert list(profile.index) == list(range(1, k + 1))
    assert profile["mean_monetary"].is_monotonic_decreasing
    assert profile["mean_monetary"].is_unique
    assert profile["label"].iloc[0] == "High-Value" and profile["label"].iloc[-1] == "Low-Value"
    assert (clusters.groupby("cluster_id")["cluster_label"].nunique() == 1).all()
    # cluster_customers and cluster_mean_monetary agree with the rows
    assert (clusters["cluster_customers"] == clusters["cluster_id"].map(profile["customers"])).all()
    assert clusters["cluster_mean_monetary"].to_numpy() == pytest.approx(
        clusters["cluster_id"].map(profile["mean_monetary"]).to_numpy()
    )


def test_a_fixed_cluster_count_of_3_labels_high_mid_low(build_project):
    warehouse = build_project({"score_method": "ntile", "cluster_count": 3})
    clusters = query(warehouse, CLUSTER_SQL)
    profile = clusters.groupby("cluster_id").agg(label=("cluster_label", "first"), mean=("monetary", "mean"))
    assert list(profile["label"]) == ["High-Value", "Mid-Value", "Low-Value"]
    assert profile["mean"].is_monotonic_decreasing
    quality = query(warehouse, QUALITY_SQL)
    assert set(quality.loc[quality["is_chosen"], "k"]) == {3}
    assert set(quality["selection"]) == {"fixed by cluster_count"}
