"""The backtest end to end (segment_backtest, backtest_gains).

(a) On a crafted data set whose right answer is worked out by hand below, the
    yes/no models report exactly the expected confusion counts and rates, and
    every ranking metric equals an independent pandas computation from the
    crafted orders themselves (scores, truth and metrics recomputed here).
(b) On the bundled sample, every ranking and money metric of every model equals
    the same independent computation from the models' per-customer scores, the
    gains curve agrees with the top-10 % / 25 % shares, and the trivial
    nobody_is_top accuracy is 1 - k / n.

The dbt unit tests (models/*/backtest/_*unit_tests.yml) check the SQL of each
metric on 8 customers worked by hand; these tests check the whole build.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from test_staging import HEADER

RANKING_METRICS = [
    "precision_at_k",
    "recall_at_k",
    "lift_at_k",
    "spearman_correlation",
    "top_10_percent_profit_share",
    "top_25_percent_profit_share",
]
MONEY_METRICS = ["mean_absolute_error", "total_error"]
YES_NO_MODELS = {"length_frequency_baseline", "lrfm", "clv_score", "kmeans_clusters", "nobody_is_top"}
MONEY_MODELS = {"last_365_day_profit", "formula_clv", "bgnbd_gamma_gamma_value"}
SQL_MODELS = {
    "last_365_day_profit",
    "historical_monetary",
    "length_frequency_baseline",
    "lrfm",
    "clv_score",
    "formula_clv",
    "nobody_is_top",
}
PROBABILITY_MODELS = {"bg_nbd_probability_alive", "mbg_nbd_probability_alive", "pareto_nbd_probability_alive"}
PYTHON_MODELS = {"kmeans_clusters", "bgnbd_expected_orders", "bgnbd_gamma_gamma_value"} | PROBABILITY_MODELS


def query(warehouse: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.sql(sql).df()


def ranking_metrics(
    scores: pd.Series, future_profit: pd.Series, is_top: pd.Series, predicted: pd.Series | None = None
) -> dict[str, float]:
    """The metrics of one ranking model, computed independently of the SQL:
    scores, future profit, truth and predicted value indexed by customer id."""
    frame = pd.DataFrame({"score": scores, "profit": future_profit, "top": is_top}).rename_axis("customer_id")
    n, k = len(frame), int(frame["top"].sum())
    ranked = frame.reset_index().sort_values(["score", "customer_id"], ascending=[False, True])
    hits = int(ranked["top"].head(k).sum())
    total = frame["profit"].sum()
    metrics = {
        "precision_at_k": hits / k,
        "recall_at_k": hits / k,
        "lift_at_k": (hits / k) / (k / n),
        # Spearman with ties: Pearson of the average ranks
        "spearman_correlation": frame["score"].rank(method="average").corr(frame["profit"].rank(method="average")),
        "top_10_percent_profit_share": ranked["profit"].head(math.ceil(n * 10 / 100)).sum() / total,
        "top_25_percent_profit_share": ranked["profit"].head(math.ceil(n * 25 / 100)).sum() / total,
    }
    if predicted is not None:
        error = predicted - frame["profit"]
        metrics["mean_absolute_error"] = error.abs().mean()
        metrics["total_error"] = predicted.sum() - frame["profit"].sum()
    return metrics


# --- (a) a crafted data set with a known answer -----------------------------------

CUTOFF = dt.date(2023, 1, 1)

# customer id -> [(order date, profit)], one line per order. Cutoff = analysis date
# (2024-01-01, the day after the last order) - 365 days = 2023-01-01.
CRAFTED_ORDERS = {
    # before the cutoff (L, R to 2023-01-01, F, M) | after it (profit)
    1: [
        ("2022-01-10", 100),
        ("2022-04-10", 100),
        ("2022-07-10", 100),
        ("2022-10-10", 100),
        ("2022-12-20", 100),
        ("2023-03-01", 800),
    ],  # L 344 R 12  F 5 M 500 | 800
    2: [
        ("2022-02-01", 90),
        ("2022-05-01", 90),
        ("2022-08-01", 90),
        ("2022-12-10", 90),
        ("2023-04-01", 700),
    ],  # L 312 R 22  F 4 M 360 | 700
    3: [("2022-03-01", 50), ("2022-06-01", 50), ("2022-11-01", 50), ("2023-05-01", 100)],  # L 245 R 61  F 3 M 150 | 100
    4: [("2022-06-01", 40), ("2022-09-01", 40), ("2023-06-01", 60)],  # L 92  R 122 F 2 M 80  | 60
    5: [
        ("2022-01-05", 5),
        ("2022-02-05", 5),
        ("2022-03-05", 5),
        ("2022-04-05", 5),
        ("2022-05-05", 5),
        ("2022-06-05", 5),
        ("2023-07-01", 50),
    ],  # L 151 R 210 F 6 M 30  | 50
    6: [("2022-07-01", 20), ("2023-08-01", 30)],  # L 0   R 184 F 1 M 20  | 30
    7: [("2022-08-01", 10), ("2023-09-01", 20)],  # L 0   R 153 F 1 M 10  | 20
    8: [("2022-09-15", 1)],  # L 0   R 108 F 1 M 1   | no order: never top
    9: [("2023-12-31", 5000)],  # first order after the cutoff: not evaluated
    10: [("2022-10-01", 2), ("2023-10-01", 10)],  # L 0   R 92  F 1 M 2   | 10
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
# nobody_is_top: TP 0, FP 0, FN 2, TN 7 -> accuracy 7/9.
EXPECTED_CONFUSION = {
    # model: (true_positives, false_positives, false_negatives, true_negatives)
    "lrfm": (2, 0, 0, 7),
    "clv_score": (2, 0, 0, 7),
    "length_frequency_baseline": (1, 1, 1, 6),
    "nobody_is_top": (0, 0, 2, 7),
}
LRFM_SCORES = {1: 16, 2: 15, 3: 12, 4: 9, 5: 10, 6: 5, 7: 4, 8: 5, 10: 8}
LENGTH_FREQUENCY_SCORES = {1: 8, 2: 7, 3: 6, 4: 4, 5: 7, 6: 2, 7: 2, 8: 2, 10: 4}
CLV_SCORES = {1: 97.5, 2: 85, 3: 72.5, 4: 53.75, 5: 58.75, 6: 16.25, 7: 12.5, 8: 5, 10: 11.25}


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
            writer.writerow(
                [
                    row_id,
                    f"AMER-{day.year}-{customer_id:03d}{number:03d}",
                    f"{day.month}/{day.day}/{day.year}",
                    day.strftime("%Y%m%d"),
                    "Ann Lee",
                    "United States",
                    "Boston",
                    "AMER",
                    "NAMER",
                    f"Customer {customer_id}",
                    1000 + customer_id,
                    "Finance",
                    "SMB",
                    "FinanceHub",
                    f"LIC{row_id:06d}",
                    f"{abs(profit) * 4}.00",
                    1,
                    0,
                    f"{profit}.00",
                ]
            )
    return path


def crafted_truth() -> pd.DataFrame:
    """Per evaluated customer (ids as in the file, 1000 + n): what the SQL should see."""
    records = []
    for customer, orders in CRAFTED_ORDERS.items():
        before = [(dt.date.fromisoformat(d), p) for d, p in orders if dt.date.fromisoformat(d) < CUTOFF]
        after = [p for d, p in orders if dt.date.fromisoformat(d) >= CUTOFF]
        if not before:
            continue
        first = min(d for d, _ in before)
        tenure_years = max((CUTOFF - first).days, 30) / 365.25
        profit = sum(p for _, p in before)
        last_365 = sum(p for d, p in before if d >= CUTOFF - dt.timedelta(days=365))
        records.append(
            {
                "customer": customer,
                "customer_id": 1000 + customer,
                "future_profit": float(sum(after)),
                "is_top": customer in (1, 2),
                "last_365_day_profit": float(last_365),
                "historical_monetary": float(profit),
                # avg_order_profit x orders_per_year x window years (365 days)
                "formula_clv": (profit / len(before)) * (len(before) / tenure_years) * (365 / 365.25),
                "lrfm": float(LRFM_SCORES[customer]),
                "length_frequency_baseline": float(LENGTH_FREQUENCY_SCORES[customer]),
                "clv_score": float(CLV_SCORES[customer]),
            }
        )
    return pd.DataFrame(records).set_index("customer_id")


def test_backtest_on_a_crafted_data_set_gives_the_known_answer(tmp_path, run_pipeline):
    csv_path = write_crafted_orders(tmp_path / "crafted.csv")
    # nine customers: the backtest's minimum lowered so that they are judged
    run = run_pipeline(
        "--vars",
        json.dumps({"score_method": "ntile", "cluster_count": 2, "backtest_min_customers": 1}),
        input_path=csv_path,
    )
    assert run.returncode == 0, run.stdout + run.stderr

    backtest = query(run.warehouse, "select * from marts.segment_backtest")
    # nine customers are below the forecast's minimum data (var clv_min_customers):
    # no fit, so the forecast models are left out, not judged on a guess
    statuses = query(
        run.warehouse,
        "select distinct forecast_status from intermediate.int_customer_snapshots_forecasted "
        "where snapshot_name = 'backtest_cutoff'",
    )["forecast_status"]
    assert list(statuses) == ["purchase_model_below_minimum_data"]
    assert set(backtest["model"]) == SQL_MODELS | {"kmeans_clusters"}
    assert (backtest["status"] == "evaluated").all()
    assert (backtest["cutoff_date"].astype(str).str[:10] == "2023-01-01").all()
    assert (backtest["analysis_date"].astype(str).str[:10] == "2024-01-01").all()
    assert (backtest["evaluated_customers"] == 9).all(), "customer 9 (first order after the cutoff) is not evaluated"
    assert (backtest["actual_top_customers"] == 2).all()
    values = backtest.set_index(["model", "metric"])["value"]

    # the yes/no models, worked by hand above
    for model, (tp, fp, fn, tn) in EXPECTED_CONFUSION.items():
        got = {
            m: values[(model, m)] for m in ("true_positives", "false_positives", "false_negatives", "true_negatives")
        }
        assert got == {"true_positives": tp, "false_positives": fp, "false_negatives": fn, "true_negatives": tn}, model
        assert values[(model, "accuracy")] == pytest.approx((tp + tn) / 9, abs=1e-6)
        if tp + fp:
            assert values[(model, "precision")] == pytest.approx(tp / (tp + fp), abs=1e-6)
        else:
            assert pd.isna(values[(model, "precision")]), "nobody called top: precision is undefined"
        assert values[(model, "recall")] == pytest.approx(tp / (tp + fn), abs=1e-6)
        assert values[(model, "f1")] == pytest.approx(2 * tp / (2 * tp + fp + fn), abs=1e-6)
    assert values[("nobody_is_top", "accuracy")] == pytest.approx(7 / 9, abs=1e-6)

    # the ranking metrics, recomputed here from the crafted orders
    truth = crafted_truth()
    for model in (
        "last_365_day_profit",
        "historical_monetary",
        "formula_clv",
        "lrfm",
        "length_frequency_baseline",
        "clv_score",
    ):
        predicted = truth[model] if model in MONEY_MODELS else None
        expected = ranking_metrics(truth[model], truth["future_profit"], truth["is_top"], predicted)
        for metric, value in expected.items():
            assert values[(model, metric)] == pytest.approx(value, abs=2e-6), (model, metric)
    # e.g. lrfm ranks 1, 2 first: both truly top
    assert values[("lrfm", "precision_at_k")] == 1 and values[("lrfm", "lift_at_k")] == pytest.approx(4.5)
    # no ranking metrics for nobody_is_top, no money metrics for a pure ranker
    assert not ({("nobody_is_top", m) for m in RANKING_METRICS} & set(values.index))
    assert not ({("historical_monetary", m) for m in MONEY_METRICS} & set(values.index))

    # the cluster model: its "top" is cluster 1 of the clusters fitted at the cutoff
    top_cluster = set(
        query(
            run.warehouse,
            "select customer_id - 1000 as customer from intermediate.int_customer_snapshots_clustered "
            "where snapshot_name = 'backtest_cutoff' and cluster_id = 1",
        )["customer"]
    )
    assert 9 not in top_cluster
    tp = len(top_cluster & {1, 2})
    assert values[("kmeans_clusters", "true_positives")] == tp
    assert values[("kmeans_clusters", "false_positives")] == len(top_cluster) - tp
    assert values[("kmeans_clusters", "false_negatives")] == 2 - tp


# --- (b) the bundled sample ---------------------------------------------------------


def test_sample_backtest_metrics_equal_an_independent_computation(build_project):
    warehouse = build_project({"score_method": "ntile"})
    backtest = query(warehouse, "select * from marts.segment_backtest")
    values = backtest.set_index(["model", "metric"])["value"]
    predictions = query(warehouse, "select * from intermediate.int_backtest_predictions")
    customers = query(
        warehouse,
        "select customer_id, future_profit::double as future_profit from intermediate.int_customers_measured_at_cutoff",
    ).set_index("customer_id")
    truth = query(warehouse, "select * from intermediate.int_backtest_outcomes").set_index("customer_id")

    assert set(backtest["model"]) == SQL_MODELS | PYTHON_MODELS
    n, k = len(customers), int(truth["is_actual_top"].sum())
    assert (backtest["evaluated_customers"] == n).all() and (backtest["actual_top_customers"] == k).all()
    for model, rows in predictions.groupby("scoring_model"):
        rows = rows.set_index("customer_id")
        assert len(rows) == n, f"{model} does not score every evaluated customer"
        if model == "nobody_is_top":
            continue
        predicted = rows["predicted_value"] if model in MONEY_MODELS else None
        expected = ranking_metrics(rows["score"], customers["future_profit"], truth["is_actual_top"], predicted)
        for metric, value in expected.items():
            assert values[(model, metric)] == pytest.approx(value, abs=2e-6, rel=1e-6), (model, metric)
        assert values[(model, "precision_at_k")] == values[(model, "recall_at_k")]

    # metrics by kind of model
    for model in SQL_MODELS | PYTHON_MODELS:
        metrics = set(backtest.loc[backtest["model"] == model, "metric"])
        assert ("accuracy" in metrics) == (model in YES_NO_MODELS), model
        assert ("mean_absolute_error" in metrics) == (model in MONEY_MODELS), model
        assert ("spearman_correlation" in metrics) == (model != "nobody_is_top"), model
    assert values[("nobody_is_top", "accuracy")] == pytest.approx(1 - k / n, abs=1e-6)

    # each purchase model's probability_alive: the AUC of "orders again in the window"
    reorders = query(
        warehouse, "select customer_id, has_future_orders from intermediate.int_customers_measured_at_cutoff"
    ).set_index("customer_id")["has_future_orders"]
    for model in PROBABILITY_MODELS:
        scores = predictions[predictions["scoring_model"] == model].set_index("customer_id")["score"]
        positive, negative = scores[reorders[scores.index]], scores[~reorders[scores.index]]
        pairs = [(p > q) + 0.5 * (p == q) for p in positive for q in negative]
        assert values[(model, "probability_alive_auc")] == pytest.approx(sum(pairs) / len(pairs), abs=2e-6), model
    assert {metric for model, metric in values.index if model not in PROBABILITY_MODELS} & {
        "probability_alive_auc"
    } == set()

    # the gains curve: 0 and 100 %, monotone contacted counts, and the same top shares
    gains = query(warehouse, "select * from marts.backtest_gains order by model, contacted_percent")
    assert set(gains["model"]) == (SQL_MODELS | PYTHON_MODELS) - {"nobody_is_top"}
    for model, curve in gains.groupby("model"):
        assert list(curve["contacted_percent"]) == list(range(101)), model
        assert curve["contacted_customers"].is_monotonic_increasing
        assert curve["captured_profit_share"].iloc[0] == 0 and curve["captured_profit_share"].iloc[-1] == pytest.approx(
            1
        )
        shares = curve.set_index("contacted_percent")["captured_profit_share"]
        assert shares[10] == pytest.approx(values[(model, "top_10_percent_profit_share")], abs=1e-6)
        assert shares[25] == pytest.approx(values[(model, "top_25_percent_profit_share")], abs=1e-6)
        assert (curve["captured_profit_share"] <= curve["perfect_profit_share"] + 1e-6).all()
