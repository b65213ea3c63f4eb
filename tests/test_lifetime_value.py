"""Probabilistic customer lifetime value (SPEC §13): the shared BG/NBD x Gamma-Gamma
module (customer_value/lifetime_value.py) on lifetimes' bundled CDNOW data and on
degenerate histories, and the published marts customer_lifetime_value and
clv_model_fits on sample builds: invariants, the horizon var in the column
names, byte-identical reruns, and a fit that does not converge reported in the
mart and run_summary.json instead of failing the run."""

from __future__ import annotations

import csv
import json
import warnings
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from customer_value import lifetime_value as bgnbd

HORIZON = 365  # the default of var clv_forecast_horizon_days
MART_COLUMNS = [
    "customer_id", "analysis_date", "horizon_days", "first_order_date", "last_order_date", "order_count",
    "order_days", "repeat_order_days", "length_days", "age_days", "avg_repeat_order_sales", "total_sales",
    "total_profit", "profit_margin", "probability_alive", "expected_orders_next_365", "expected_order_value",
    "predicted_value_next_365", "predicted_lifetime_value", "predicted_clv", "is_fit_converged",
]


def cdnow_history() -> pd.DataFrame:
    """lifetimes' CDNOW summary (2,357 customers, time in weeks) in the module's columns."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from lifetimes.datasets import load_cdnow_summary_data_with_monetary_value

        cdnow = load_cdnow_summary_data_with_monetary_value()
    history = cdnow.rename(columns={
        "frequency": "repeat_order_days", "recency": "length_days", "T": "age_days",
        "monetary_value": "avg_repeat_order_sales",
    }).reset_index()
    history["avg_repeat_order_sales"] = history["avg_repeat_order_sales"].where(history["repeat_order_days"] > 0)
    history["profit_margin"] = 0.25
    return history


def history_frame(rows) -> pd.DataFrame:
    """(x, t_x, T, m, margin) tuples as the module's input frame."""
    return pd.DataFrame(
        [(customer_id, *row) for customer_id, row in enumerate(rows, start=1)],
        columns=["customer_id", "repeat_order_days", "length_days", "age_days", "avg_repeat_order_sales",
                 "profit_margin"],
    )


def parquet(path: Path) -> pd.DataFrame:
    with duckdb.connect() as con:
        return con.execute("select * from read_parquet(?) order by all", [str(path)]).df()


# --- the shared module ----------------------------------------------------------------


def test_bgnbd_on_cdnow_matches_lifetimes_published_parameters():
    """lifetimes' documentation (and Fader, Hardie and Lee 2005) fit CDNOW to
    r = 0.243, alpha = 4.414, a = 0.793, b = 2.426 with log-likelihood -9582.4:
    the wrapper's data preparation and log-likelihood are theirs."""
    fits = {record["fitter"]: record for record in bgnbd.fit(cdnow_history(), bgnbd_penalizer=0.0)}
    fit = fits["bg_nbd"]
    assert fit["is_converged"] and fit["message"] == "converged" and fit["customers"] == 2357
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in published.items():
        assert fit[name] == pytest.approx(value, abs=1e-3), name
    assert fit["log_likelihood"] == pytest.approx(-9582.4, abs=0.1)
    # Gamma-Gamma on the 946 repeat buyers: lifetimes' documented p, q, v
    gamma_gamma = fits["gamma_gamma"]
    assert gamma_gamma["is_converged"] and gamma_gamma["customers"] == 946
    for name, value in {"p": 6.25, "q": 3.74, "v": 15.45}.items():
        assert gamma_gamma[name] == pytest.approx(value, abs=0.01), name


def test_forecast_on_cdnow_is_bounded_and_values_follow_the_margin():
    history = cdnow_history()
    history.loc[history.index % 2 == 0, "profit_margin"] = -0.1  # half the customers lose money
    predictions = bgnbd.forecast(history, bgnbd.fit(history), 52.0, lifetime_years=2)

    assert predictions["is_fit_converged"].all()
    assert predictions[bgnbd.PREDICTION_COLUMNS].notna().all().all()
    assert predictions["probability_alive"].between(0, 1).all()
    assert (predictions["expected_orders"] >= 0).all()
    assert (predictions["expected_order_value"] > 0).all()
    losing = predictions["profit_margin"] < 0
    assert (predictions.loc[losing, "predicted_value"] <= 0).all()
    assert (predictions.loc[~losing, "predicted_value"] >= 0).all()
    # one-time buyers get the Gamma-Gamma population mean p v / (q - 1)
    fit = {record["fitter"]: record for record in bgnbd.fit(history)}["gamma_gamma"]
    one_time = predictions["repeat_order_days"] == 0
    assert predictions.loc[one_time, "expected_order_value"].to_numpy() == pytest.approx(
        fit["p"] * fit["v"] / (fit["q"] - 1))
    # BG/NBD: a customer with no repeat purchase has not dropped out
    assert (predictions.loc[one_time, "probability_alive"] == 1).all()


def test_forecast_is_deterministic():
    history = cdnow_history()
    first = bgnbd.forecast(history, bgnbd.fit(history), 52.0)
    second = bgnbd.forecast(history, bgnbd.fit(history), 52.0)
    pd.testing.assert_frame_equal(first, second, check_exact=True)


def test_lifetime_value_discounts_each_year_from_its_middle():
    """A year's expected profit is discounted by (1 + d)^-(y - 1/2); undiscounted,
    the lifetime value is the expected profit over the lifetime horizon."""
    history = cdnow_history().head(300)
    fits = bgnbd.fit(history)
    one_year = bgnbd.forecast(history, fits, bgnbd.DAYS_PER_YEAR, annual_discount_rate=0.0, lifetime_years=1)
    np.testing.assert_allclose(one_year["predicted_lifetime_value"], one_year["predicted_value"], rtol=1e-12)
    discounted = bgnbd.forecast(history, fits, bgnbd.DAYS_PER_YEAR, annual_discount_rate=0.10, lifetime_years=1)
    np.testing.assert_allclose(
        discounted["predicted_lifetime_value"], discounted["predicted_value"] / 1.10 ** 0.5, rtol=1e-12)
    three_years = bgnbd.forecast(history, fits, 3 * bgnbd.DAYS_PER_YEAR, annual_discount_rate=0.0, lifetime_years=3)
    np.testing.assert_allclose(three_years["predicted_lifetime_value"], three_years["predicted_value"], rtol=1e-9)


def test_expected_orders_where_lifetimes_gives_nan_is_the_same_equation():
    """Where a + b + x - 1 < 0 lifetimes' log of the hypergeometric term is NaN and
    the module evaluates the equation directly; where lifetimes is finite, the
    direct form agrees with it."""
    history = cdnow_history()
    fitted = bgnbd.fitted_model(bgnbd.fit(history)[0])
    x, t_x, age = (history[column].to_numpy(dtype=float) for column in ("repeat_order_days", "length_days", "age_days"))

    class NanLifetimes:
        params_ = fitted.params_

        def conditional_expected_number_of_purchases_up_to_time(self, t, *_):
            return np.full(len(x), np.nan)

    direct = bgnbd._expected_orders(NanLifetimes(), 52.0, x, t_x, age)
    library = fitted.conditional_expected_number_of_purchases_up_to_time(52.0, x, t_x, age)
    np.testing.assert_allclose(direct, library, rtol=1e-12)

    small = bgnbd.fit(history.head(200))[0]  # a + b < 1 on these customers
    assert small["a"] + small["b"] < 1
    long_run = bgnbd.forecast(history.head(200), bgnbd.fit(history.head(200)), 360.0)
    assert long_run["expected_orders"].notna().all() and (long_run["expected_orders"] >= 0).all()


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param([(3, 9, 10, 100.0, 0.2)] * 5, id="identical repeaters"),
        pytest.param([(2, 5, 10, 100.0, 0.2)], id="one customer"),
        pytest.param([(1, 9, 5, 100.0, 0.2), (2, 9, 5, 80.0, 0.2), (3, 9, 5, 90.0, 0.2)], id="recency after age"),
        pytest.param([(1, 1, np.nan, 100.0, 0.2), (2, 2, 5, 80.0, 0.2), (3, 3, 6, 90.0, 0.2)], id="missing age"),
    ],
)
def test_a_fit_that_fails_is_reported_not_raised(rows):
    history = history_frame(rows)
    fits = bgnbd.fit(history, bgnbd_penalizer=0.0)  # unpenalized, none of these has a maximum

    assert [record["fitter"] for record in fits] == ["bg_nbd", "gamma_gamma"]
    failed = fits[0]
    assert failed["is_converged"] is False
    assert failed["message"].startswith(("did not converge", "fit failed"))
    assert failed["log_likelihood"] is None and failed["r"] is None
    predictions = bgnbd.forecast(history, fits, 365.0)
    assert len(predictions) == len(history)
    assert not predictions["is_fit_converged"].any()
    assert predictions[["probability_alive", "expected_orders", "predicted_value", "predicted_lifetime_value"]].isna().all().all()


def test_a_failed_gamma_gamma_fit_leaves_the_bgnbd_forecast():
    """Identical spend: Gamma-Gamma has no maximum; the penalized BG/NBD fit still
    converges, so probability_alive and expected_orders stay, the values are null."""
    history = history_frame([(3, 9, 10, 100.0, 0.2)] * 5)
    fits = bgnbd.fit(history)
    assert [(record["fitter"], record["is_converged"]) for record in fits] == [("bg_nbd", True), ("gamma_gamma", False)]
    predictions = bgnbd.forecast(history, fits, 365.0)
    assert not predictions["is_fit_converged"].any()
    assert predictions[["probability_alive", "expected_orders"]].notna().all().all()
    assert predictions[["expected_order_value", "predicted_value", "predicted_lifetime_value"]].isna().all().all()


def test_no_repeat_buyers_keep_the_bgnbd_forecast_without_an_order_value():
    history = history_frame([(0, 0, age, np.nan, 0.3) for age in (10, 20, 30, 40)])
    fits = bgnbd.fit(history)
    assert fits[1]["is_converged"] is False and fits[1]["message"].startswith("too few customers")
    predictions = bgnbd.forecast(history, fits, 365.0)
    assert not predictions["is_fit_converged"].any()
    assert predictions["expected_order_value"].isna().all() and predictions["predicted_value"].isna().all()
    if fits[0]["is_converged"]:
        assert predictions["probability_alive"].notna().all()


def test_an_empty_snapshot_gives_no_rows_and_two_records():
    history = history_frame([])
    fits = bgnbd.fit(history)
    assert [(record["fitter"], record["is_converged"], record["customers"]) for record in fits] == [
        ("bg_nbd", False, 0), ("gamma_gamma", False, 0)]
    assert bgnbd.forecast(history, fits, 365.0).empty


# --- the published marts on the sample ------------------------------------------------


def test_sample_marts_hold_the_invariants(sample_run):
    exports = sample_run.output_dir
    clv = parquet(exports / "customer_lifetime_value.parquet")
    fits = parquet(exports / "clv_model_fits.parquet")
    segments = parquet(exports / "customer_segments.parquet")

    assert list(clv.columns) == MART_COLUMNS
    assert sorted(clv["customer_id"]) == sorted(segments["customer_id"])  # one row per customer
    assert clv["customer_id"].is_unique
    assert (clv["analysis_date"] == segments["analysis_date"].iloc[0]).all()
    assert (clv["horizon_days"] == HORIZON).all()
    assert clv["is_fit_converged"].all()
    assert clv["probability_alive"].between(0, 1).all()
    assert (clv[f"expected_orders_next_{HORIZON}"] >= 0).all()
    assert (clv["expected_order_value"] > 0).all()
    assert clv["predicted_lifetime_value"].notna().all()
    # value is profit: its sign is the customer's margin's
    assert (np.sign(clv[f"predicted_value_next_{HORIZON}"]) == np.sign(clv["profit_margin"])).all()
    assert (clv["repeat_order_days"] == clv["order_days"] - 1).all()

    assert sorted(zip(fits["snapshot_name"], fits["fitter"])) == [
        ("analysis_date", "bg_nbd"), ("analysis_date", "gamma_gamma"),
        ("backtest_cutoff", "bg_nbd"), ("backtest_cutoff", "gamma_gamma"),
    ]
    assert fits["is_converged"].all() and (fits["message"] == "converged").all()
    assert (fits["log_likelihood"] < 0).all()
    bg = fits[(fits["fitter"] == "bg_nbd") & (fits["snapshot_name"] == "analysis_date")].iloc[0]
    assert bg["customers"] == len(clv) and bg["penalizer_coef"] == 0.001

    summary = json.loads((exports / "run_summary.json").read_text())
    assert [(fit["snapshot_name"], fit["fitter"], fit["is_converged"]) for fit in summary["clv_fits"]] == [
        ("analysis_date", "bg_nbd", True), ("analysis_date", "gamma_gamma", True),
        ("backtest_cutoff", "bg_nbd", True), ("backtest_cutoff", "gamma_gamma", True),
    ]
    assert "warning:" not in sample_run.stderr


def test_reruns_give_identical_exports(sample_run, run_pipeline):
    again = run_pipeline()
    assert again.returncode == 0, again.stderr
    for mart in ("customer_lifetime_value", "clv_model_fits"):
        for ext in ("parquet", "csv"):
            name = f"{mart}.{ext}"
            assert (again.output_dir / name).read_bytes() == (sample_run.output_dir / name).read_bytes(), name


def test_the_horizon_var_names_the_columns_and_the_backtest_horizon_is_the_cutoff_window(run_pipeline):
    run = run_pipeline(
        "--select", "+customer_lifetime_value +clv_model_fits",
        "--vars", "{clv_forecast_horizon_days: 90}",
    )
    assert run.returncode == 0, run.stderr
    clv = parquet(run.output_dir / "customer_lifetime_value.parquet")
    assert "expected_orders_next_90" in clv and "predicted_value_next_90" in clv
    assert "expected_orders_next_365" not in clv
    assert (clv["horizon_days"] == 90).all()
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        horizons = dict(con.execute(
            "select snapshot_name, any_value(horizon_days) from intermediate.int_customer_snapshots_forecasted"
            " group by all"
        ).fetchall())
        cutoff_window = con.execute(
            "select any_value(analysis_date - cutoff_date) from intermediate.int_customers_measured_at_cutoff"
        ).fetchone()[0]
    assert horizons == {"analysis_date": 90, "backtest_cutoff": cutoff_window}


HEADER = [
    "Row ID", "Order ID", "Order Date", "Date Key", "Contact Name", "Country", "City",
    "Region", "Subregion", "Customer", "Customer ID", "Industry", "Segment", "Product",
    "License", "Sales", "Quantity", "Discount", "Profit",
]


def test_a_fit_that_does_not_converge_is_reported_and_the_run_succeeds(tmp_path, run_pipeline):
    """Five customers with identical histories (three orders on the same three
    days, the same sales): Gamma-Gamma has no maximum on them (the penalized
    BG/NBD fit converges). The run passes and says so."""
    path = tmp_path / "identical.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        row_id = 0
        for customer_id in range(1001, 1006):
            for order, day in enumerate((1, 8, 15)):
                row_id += 1
                writer.writerow({
                    "Row ID": row_id, "Order ID": f"AMER-2023-{customer_id}{order:02d}",
                    "Order Date": f"3/{day}/2023", "Date Key": f"202303{day:02d}",
                    "Contact Name": "Ann Lee", "Country": "United States", "City": "Boston",
                    "Region": "AMER", "Subregion": "NAMER", "Customer": f"Co {customer_id}",
                    "Customer ID": customer_id, "Industry": "Tech", "Segment": "SMB", "Product": "FinanceHub",
                    "License": f"LIC{row_id:06d}", "Sales": "100.00", "Quantity": 1, "Discount": "0",
                    "Profit": "-5.00" if customer_id == 1005 else "20.00",
                })

    run = run_pipeline(input_path=path)

    assert run.returncode == 0, run.stderr
    fits = parquet(run.output_dir / "clv_model_fits.parquet").set_index("fitter")
    assert list(fits["snapshot_name"].unique()) == ["analysis_date"]  # no order before the cutoff
    assert fits.loc["bg_nbd", "is_converged"] and not fits.loc["gamma_gamma", "is_converged"]
    assert fits.loc["gamma_gamma", "message"].startswith("did not converge")
    clv = parquet(run.output_dir / "customer_lifetime_value.parquet")
    assert len(clv) == 5 and not clv["is_fit_converged"].any()
    assert clv[["probability_alive", "expected_orders_next_365"]].notna().all().all()
    assert clv[["expected_order_value", "predicted_value_next_365", "predicted_lifetime_value"]].isna().all().all()
    summary = json.loads((run.output_dir / "run_summary.json").read_text())
    assert [(fit["fitter"], fit["is_converged"]) for fit in summary["clv_fits"]] == [
        ("bg_nbd", True), ("gamma_gamma", False)]
    warnings_printed = [line for line in run.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings_printed) == 1
    assert warnings_printed[0].startswith("warning: the gamma_gamma fit of snapshot analysis_date did not converge")
