"""Segment migrations, K-Means clusters and the backtest, end to end.

(a) The as-of scores of the final migration period (it ends at the analysis
    date, so it sees the orders customer_segments sees) equal customer_segments
    customer by customer, for both score methods.
(b) On a crafted data set whose right answer is worked out by hand below, the
    backtest reports exactly the expected confusion counts and rates.
(c) The clusters are deterministic across two builds, k is in 2..8 and the
    clusters are numbered and labelled by mean monetary.

Builds come from the fixtures of tests/conftest.py: `build_project(vars)` (the
bundled sample, cached per vars) and `run_pipeline(*args, input_path=...)`.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
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
    leaving = migrations[migrations["from_segment"] != "New"].groupby(["period_number", "from_segment"])["customers"].sum()
    for (period, segment), customers in arriving.items():
        if period < periods["period_number"].max():
            assert leaving.get((period + 1, segment), 0) == customers, (period, segment)
    # every customer enters from New exactly once
    assert migrations.loc[migrations["from_segment"] == "New", "customers"].sum() == 99


# --- (b) a backtest with a known answer -----------------------------------------

HEADER = (
    "Row ID,Order ID,Order Date,Date Key,Contact Name,Country,City,Region,Subregion,Customer,"
    "Customer ID,Industry,Segment,Product,License,Sales,Quantity,Discount,Profit"
).split(",")

# customer id -> [(order date, profit)], one line per order. Cutoff = analysis date
# (2024-01-01, the day after the last order) - 365 days = 2023-01-01.
CRAFTED_ORDERS = {
    # before the cutoff (L, R to 2023-01-01, F, M) | after it (profit)
    1: [("2022-01-10", 100), ("2022-04-10", 100), ("2022-07-10", 100), ("2022-10-10", 100), ("2022-12-20", 100),
        ("2023-03-01", 800)],                          # L 344 R 12  F 5 M 500 | 800
    2: [("2022-02-01", 90), ("2022-05-01", 90), ("2022-08-01", 90), ("2022-12-10", 90),
        ("2023-04-01", 700)],                          # L 312 R 22  F 4 M 360 | 700
    3: [("2022-03-01", 50), ("2022-06-01", 50), ("2022-11-01", 50),
        ("2023-05-01", 100)],                          # L 245 R 61  F 3 M 150 | 100
    4: [("2022-06-01", 40), ("2022-09-01", 40),
        ("2023-06-01", 60)],                           # L 92  R 122 F 2 M 80  | 60
    5: [("2022-01-05", 5), ("2022-02-05", 5), ("2022-03-05", 5), ("2022-04-05", 5), ("2022-05-05", 5),
        ("2022-06-05", 5),
        ("2023-07-01", 50)],                           # L 151 R 210 F 6 M 30  | 50
    6: [("2022-07-01", 20), ("2023-08-01", 30)],       # L 0   R 184 F 1 M 20  | 30
    7: [("2022-08-01", 10), ("2023-09-01", 20)],       # L 0   R 153 F 1 M 10  | 20
    8: [("2022-09-15", 1)],                            # L 0   R 108 F 1 M 1   | no order: never top
    9: [("2023-12-31", 5000)],                         # first order after the cutoff: not evaluated
    10: [("2022-10-01", 2), ("2023-10-01", 10)],       # L 0   R 92  F 1 M 2   | 10
}

# Worked by hand with NTILE(4) over the 9 customers known at the cutoff (buckets
# of 3, 2, 2, 2 rows, ties by customer id):
#   L: 6 7 8 -> 1, 10 4 -> 2, 5 3 -> 3, 2 1 -> 4     R: 5 6 7 -> 1, 4 8 -> 2, 10 3 -> 3, 2 1 -> 4
#   F: 6 7 8 -> 1, 10 4 -> 2, 3 2 -> 3, 1 5 -> 4     M: 8 10 7 -> 1, 6 5 -> 2, 4 3 -> 3, 2 1 -> 4
#   lrfm_score: 1 16, 2 15, 3 12, 4 9, 5 10, 6 5, 7 4, 8 5, 10 8  -> High-Value = {1, 2}
#   l + f: 1 8, 2 7, 3 6, 4 4, 5 7, 6 2, 7 2, 8 2, 10 4; NTILE(4) of it -> top = {5, 1}
#   clv_score: 1 97.5, 2 85, 3 72.5, 5 58.75, 4 53.75, 6 16.25, 7 12.5, 10 11.25, 8 5;
#   85th percentile 82.5 -> High Value = {1, 2}
# Truth: NTILE(4) of the profit after the cutoff among the 8 who ordered then
# (customer 8 did not; customer 9 is not evaluated): top = {1 (800), 2 (700)}.
EXPECTED_BACKTEST = {
    # model: (true_positives, false_positives, false_negatives, true_negatives)
    "lrfm": (2, 0, 0, 7),
    "clv_score": (2, 0, 0, 7),
    "length_frequency_baseline": (1, 1, 1, 6),
}


def write_crafted_orders(path: Path) -> Path:
    rows = []
    for customer_id, orders in CRAFTED_ORDERS.items():
        for number, (order_date, profit) in enumerate(orders, start=1):
            day = dt.date.fromisoformat(order_date)
            rows.append((day, customer_id, number, profit))
    rows.sort()
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for row_id, (day, customer_id, number, profit) in enumerate(rows, start=1):
            writer.writerow([
                row_id, f"AMER-{day.year}-{customer_id:03d}{number:03d}", f"{day.month}/{day.day}/{day.year}",
                day.strftime("%Y%m%d"), "Ann Lee", "United States", "Boston", "AMER", "NAMER",
                f"Customer {customer_id}", 1000 + customer_id, "Finance", "SMB", "FinanceHub",
                f"LIC{row_id:06d}", f"{abs(profit) * 4}.00", 1, 0, f"{profit}.00",
            ])
    return path


def test_backtest_on_a_crafted_data_set_gives_the_known_answer(tmp_path, run_pipeline):
    csv_path = write_crafted_orders(tmp_path / "crafted.csv")
    run = run_pipeline("--vars", json.dumps({"score_method": "ntile", "cluster_count": 2}), input_path=csv_path)
    assert run.returncode == 0, run.stdout + run.stderr

    backtest = query(run.warehouse, "select * from marts.segment_backtest")
    assert set(backtest["model"]) == set(EXPECTED_BACKTEST) | {"kmeans_clusters"}
    assert (backtest["cutoff_date"].astype(str).str[:10] == "2023-01-01").all()
    assert (backtest["analysis_date"].astype(str).str[:10] == "2024-01-01").all()
    assert (backtest["evaluated_customers"] == 9).all(), "customer 9 (first order after the cutoff) is not evaluated"
    assert (backtest["actual_top_customers"] == 2).all()

    values = backtest.set_index(["model", "metric"])["value"]
    for model, (tp, fp, fn, tn) in EXPECTED_BACKTEST.items():
        got = {m: values[(model, m)] for m in ("true_positives", "false_positives", "false_negatives", "true_negatives")}
        assert got == {"true_positives": tp, "false_positives": fp, "false_negatives": fn, "true_negatives": tn}, model
        precision, recall = tp / (tp + fp), tp / (tp + fn)
        assert values[(model, "accuracy")] == pytest.approx((tp + tn) / 9)
        assert values[(model, "precision")] == pytest.approx(precision)
        assert values[(model, "recall")] == pytest.approx(recall)
        assert values[(model, "f1")] == pytest.approx(2 * precision * recall / (precision + recall))
    assert values[("length_frequency_baseline", "accuracy")] == pytest.approx(7 / 9)

    # the cluster model: its "top" is cluster 1 of the clusters fitted at the cutoff
    top_cluster = set(query(
        run.warehouse,
        "select customer_id - 1000 as customer from intermediate.int_customer_snapshots_clustered "
        "where snapshot_name = 'backtest_cutoff' and cluster_id = 1",
    )["customer"])
    assert 9 not in top_cluster
    tp = len(top_cluster & {1, 2})
    assert values[("kmeans_clusters", "true_positives")] == tp
    assert values[("kmeans_clusters", "false_positives")] == len(top_cluster) - tp
    assert values[("kmeans_clusters", "false_negatives")] == 2 - tp


# --- (c) clusters ---------------------------------------------------------------

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
        mean_monetary=("monetary", "mean"), label=("cluster_label", "first"), customers=("customer_id", "size"),
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
