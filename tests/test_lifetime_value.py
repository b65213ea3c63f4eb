"""Probabilistic customer lifetime value (docs/forecasting.md): the shared module
(customer_value/lifetime_value.py: BG/NBD, MBG/NBD, Pareto/NBD, the choice, and
Gamma-Gamma) on lifetimes' bundled CDNOW data and on degenerate histories, and the published marts customer_lifetime_value and
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
from test_staging import HEADER

from customer_value import lifetime_value as bgnbd

HORIZON = 365  # the default of var clv_forecast_horizon_days
MART_COLUMNS = [
    "customer_id",
    "analysis_date",
    "horizon_days",
    "first_order_date",
    "last_order_date",
    "order_count",
    "order_days",
    "repeat_order_days",
    "length_days",
    "age_days",
    "avg_repeat_order_sales",
    "total_sales",
    "total_profit",
    "profit_margin",
    "probability_alive",
    "expected_orders_next_365",
    "expected_order_value",
    "predicted_value_next_365",
    "predicted_lifetime_value",
    "predicted_clv",
    "purchase_model",
    "forecast_status",
    "is_fit_converged",
]
FITTERS = ["bg_nbd", "mbg_nbd", "pareto_nbd", "gamma_gamma"]
NO_MINIMUM = {"min_customers": 1, "min_repeat_customers": 1}


def cdnow_history() -> pd.DataFrame:
    """lifetimes' CDNOW summary (2,357 customers, time in weeks) in the module's columns."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from lifetimes.datasets import load_cdnow_summary_data_with_monetary_value

        cdnow = load_cdnow_summary_data_with_monetary_value()
    history = cdnow.rename(
        columns={
            "frequency": "repeat_order_days",
            "recency": "length_days",
            "T": "age_days",
            "monetary_value": "avg_repeat_order_sales",
        }
    ).reset_index()
    history["avg_repeat_order_sales"] = history["avg_repeat_order_sales"].where(history["repeat_order_days"] > 0)
    history["profit_margin"] = 0.25
    return history


def history_frame(rows) -> pd.DataFrame:
    """(x, t_x, T, m, margin) tuples as the module's input frame."""
    return pd.DataFrame(
        [(customer_id, *row) for customer_id, row in enumerate(rows, start=1)],
        columns=[
            "customer_id",
            "repeat_order_days",
            "length_days",
            "age_days",
            "avg_repeat_order_sales",
            "profit_margin",
        ],
    )


def parquet(path: Path) -> pd.DataFrame:
    with duckdb.connect() as con:
        return con.execute("select * from read_parquet(?) order by all", [str(path)]).df()


# --- the shared module ----------------------------------------------------------------


def by_fitter(fits: list[dict]) -> dict[str, dict]:
    return {record["fitter"]: record for record in fits}


def with_chosen(fits: list[dict], fitter: str) -> list[dict]:
    """The fit records with `fitter` as the chosen purchase model (to test one model's forecast)."""
    return [
        {**record, "is_chosen": record["fitter"] == fitter if record["is_chosen"] is not None else None}
        for record in fits
    ]


@pytest.mark.unit
def test_cdnow_fits_with_the_default_settings_match_the_published_parameters():
    """Through the product's own code path and its default settings (fit() as
    int_clv_models_fitted calls it): maximum likelihood, no penalty, so the
    published fits of CDNOW come out. BG/NBD: Fader, Hardie and Lee (2005), r
    0.243, alpha 4.414, a 0.793, b 2.426, log-likelihood -9582.4. Pareto/NBD:
    Fader, Hardie and Lee (2005, "Counting your customers" the easy way), r 0.553,
    alpha 10.58, s 0.606, beta 11.67, log-likelihood -9595.0. Gamma-Gamma on the
    946 repeat buyers: lifetimes' documented p 6.248802, q 3.744588, v 15.447748
    (6.25, 3.74, 15.45 to two decimals)."""
    fits = by_fitter(bgnbd.fit(cdnow_history()))
    assert list(fits) == FITTERS
    for record in fits.values():
        assert record["status"] == "fitted" and record["is_converged"] and record["message"] == "converged"
        assert record["fit_method"] == "maximum_likelihood" and record["penalizer_coef"] == 0.0

    bg = fits["bg_nbd"]
    assert bg["customers"] == 2357 and bg["repeat_customers"] == 946
    for name, value in {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}.items():
        assert bg[name] == pytest.approx(value, abs=1e-3), name
    assert bg["log_likelihood"] == pytest.approx(-9582.4, abs=0.1)

    pareto = fits["pareto_nbd"]
    for name, value in {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.668}.items():
        assert pareto[name] == pytest.approx(value, abs=1e-3), name
    assert pareto["log_likelihood"] == pytest.approx(-9595.0, abs=0.1)

    gamma_gamma = fits["gamma_gamma"]
    assert gamma_gamma["customers"] == 946
    for name, value in {"p": 6.249, "q": 3.745, "v": 15.448}.items():
        assert gamma_gamma[name] == pytest.approx(value, abs=1e-3), name

    # the choice: the highest log-likelihood of the three (all have four parameters)
    purchase = [fits[name] for name in ("bg_nbd", "mbg_nbd", "pareto_nbd")]
    chosen = [record for record in purchase if record["is_chosen"]]
    assert len(chosen) == 1 and chosen[0]["log_likelihood"] == max(record["log_likelihood"] for record in purchase)
    assert gamma_gamma["is_chosen"] is None


@pytest.mark.unit
@pytest.mark.parametrize("params", [(0.55, 0.27, 0.61, 0.30), (0.55, 0.31, 0.61, 0.30), (1.5, 0.16, 164.0, 824.0)])
def test_the_pareto_nbd_likelihood_on_distinct_pairs_equals_lifetimes_bit_for_bit(params):
    """The fit's likelihood evaluates 2F1 once per distinct (x, t_x) and (x, T)
    pair; every history's value is still lifetimes' own, to the last bit, on
    either side of alpha = beta and on a ridge far from the start (NaN where
    lifetimes' 2F1 gives NaN)."""
    from lifetimes import ParetoNBDFitter

    frequency, recency, age, _ = bgnbd._compressed(cdnow_history())
    scale = 1.0 / age.max()
    pairs = bgnbd._DistinctPairs(frequency, recency * scale, age * scale)
    assert len(pairs.recency_pairs[0]) < len(frequency) and len(pairs.age_pairs[0]) < len(frequency)
    with np.errstate(all="ignore"):
        expected = ParetoNBDFitter._conditional_log_likelihood(params, frequency, recency * scale, age * scale)
        assert np.array_equal(bgnbd._pareto_nbd_log_likelihood(params, pairs), expected, equal_nan=True)


@pytest.mark.unit
def test_a_pareto_nbd_fit_that_stalls_on_a_ridge_stops_early_and_falls_back():
    """93 histories (a generated export's backtest snapshot) whose Pareto/NBD
    likelihood keeps rising as s and beta grow together: the maximum-likelihood
    fit stops once the likelihood has not improved for the stall limit, well
    inside the evaluation budget, and the penalized fallback converges."""
    history = pd.read_csv(Path(__file__).parent / "fixtures" / "pareto_nbd_ridge_histories.csv")
    plain = bgnbd.fit_purchase_model(bgnbd.PARETO_NBD, history, 0.0)
    assert plain["status"] == "not_converged"
    stalled = f"did not converge: no better likelihood in {bgnbd.PARETO_NBD_STALL_ITERATIONS} iterations"
    assert plain["message"].startswith(stalled)
    evaluations = int(plain["message"].split("(")[1].split()[0])
    assert evaluations < bgnbd.PARETO_NBD_MAX_EVALUATIONS / 2

    fallback = bgnbd.fit_purchase_model(bgnbd.PARETO_NBD, history)
    assert (fallback["status"], fallback["fit_method"]) == ("fitted", "penalized")
    assert fallback["message"].endswith(plain["message"])


@pytest.mark.unit
def test_the_penalizer_is_only_the_fallback_of_a_failed_fit():
    """A snapshot with no interior maximum (every customer's history alike): the
    maximum-likelihood fit fails or runs off, the penalized fit is used, and the
    record says so; a fit that succeeds is never penalized."""
    history = history_frame([(3, 9, 10, 100.0, 0.2)] * 5)
    fits = by_fitter(bgnbd.fit(history, **NO_MINIMUM))
    gamma_gamma = fits["gamma_gamma"]
    assert gamma_gamma["fit_method"] == "penalized" and gamma_gamma["penalizer_coef"] == bgnbd.DEFAULT_PENALIZER
    assert gamma_gamma["message"].startswith("converged with penalizer 0.001; the maximum-likelihood fit: ")
    plain = by_fitter(bgnbd.fit(history, gamma_gamma_penalizer=0.0, **NO_MINIMUM))["gamma_gamma"]
    assert not plain["is_converged"] and plain["fit_method"] is None

    cdnow = by_fitter(bgnbd.fit(cdnow_history(), purchase_penalizer=0.5, gamma_gamma_penalizer=0.5))
    assert all(record["fit_method"] == "maximum_likelihood" for record in cdnow.values())


@pytest.mark.unit
def test_forecast_on_cdnow_is_bounded_and_values_follow_the_margin():
    history = cdnow_history()
    history.loc[history.index % 2 == 0, "profit_margin"] = -0.1  # half the customers lose money
    fits = bgnbd.fit(history)
    predictions = bgnbd.forecast(history, fits, 52.0, lifetime_years=2)

    assert predictions["is_fit_converged"].all() and (predictions["forecast_status"] == "forecast").all()
    chosen = next(record["fitter"] for record in fits if record["is_chosen"])
    assert (predictions["purchase_model"] == chosen).all()
    assert predictions[bgnbd.PREDICTION_COLUMNS].notna().all().all()
    assert predictions["probability_alive"].between(0, 1).all()
    np.testing.assert_array_equal(predictions["probability_alive"], predictions[f"{chosen}_probability_alive"])
    assert (predictions["expected_orders"] >= 0).all()
    assert (predictions["expected_order_value"] > 0).all()
    losing = predictions["profit_margin"] < 0
    assert (predictions.loc[losing, "predicted_value"] <= 0).all()
    assert (predictions.loc[~losing, "predicted_value"] >= 0).all()
    # one-time buyers get the Gamma-Gamma population mean p v / (q - 1)
    fit = by_fitter(fits)["gamma_gamma"]
    one_time = predictions["repeat_order_days"] == 0
    assert predictions.loc[one_time, "expected_order_value"].to_numpy() == pytest.approx(
        fit["p"] * fit["v"] / (fit["q"] - 1)
    )
    # BG/NBD: a customer with no repeat purchase has not dropped out; MBG/NBD and
    # Pareto/NBD let a one-time buyer who bought long ago drop out
    assert (predictions.loc[one_time, "bg_nbd_probability_alive"] == 1).all()
    long_ago = one_time & (predictions["age_days"] > 30)
    for fitter in ("mbg_nbd", "pareto_nbd"):
        assert (predictions.loc[long_ago, f"{fitter}_probability_alive"] < 0.6).all(), fitter


@pytest.mark.unit
def test_a_one_time_buyer_of_long_ago_is_not_surely_alive():
    """Mostly one-time buyers (60 %), some of them from long ago: the chosen model
    is not BG/NBD's P(alive) = 1 for them when another model fits better."""
    rows = [(0, 0, age, np.nan, 0.2) for age in range(30, 1_000, 16)]  # 61 one-time buyers
    rows += [(x, t_x, 1_000, 100.0 + x, 0.2) for x in range(1, 9) for t_x in (200, 500, 900, 990, 999)]  # 40
    history = history_frame(rows)
    fits = bgnbd.fit(history)
    predictions = bgnbd.forecast(history, fits, 365.0)
    chosen = predictions["purchase_model"].iloc[0]
    assert chosen in ("mbg_nbd", "pareto_nbd")
    one_timers = predictions[predictions["repeat_order_days"] == 0].sort_values("age_days")
    old = one_timers["age_days"] > 900
    assert (one_timers.loc[old, "probability_alive"] < 0.8).all()  # well below 1
    assert one_timers["probability_alive"].is_monotonic_decreasing  # the longer ago, the less alive
    assert (one_timers["bg_nbd_probability_alive"] == 1).all()


@pytest.mark.unit
def test_forecast_is_deterministic():
    history = cdnow_history()
    first = bgnbd.forecast(history, bgnbd.fit(history), 52.0)
    second = bgnbd.forecast(history, bgnbd.fit(history), 52.0)
    pd.testing.assert_frame_equal(first, second, check_exact=True)


@pytest.mark.unit
def test_lifetime_value_discounts_each_year_from_its_middle():
    """A year's expected profit is discounted by (1 + d)^-(y - 1/2); undiscounted,
    the lifetime value is the expected profit over the lifetime horizon."""
    history = cdnow_history().head(300)
    fits = bgnbd.fit(history)
    one_year = bgnbd.forecast(history, fits, bgnbd.DAYS_PER_YEAR, annual_discount_rate=0.0, lifetime_years=1)
    np.testing.assert_allclose(one_year["predicted_lifetime_value"], one_year["predicted_value"], rtol=1e-12)
    discounted = bgnbd.forecast(history, fits, bgnbd.DAYS_PER_YEAR, annual_discount_rate=0.10, lifetime_years=1)
    np.testing.assert_allclose(
        discounted["predicted_lifetime_value"], discounted["predicted_value"] / 1.10**0.5, rtol=1e-12
    )
    three_years = bgnbd.forecast(history, fits, 3 * bgnbd.DAYS_PER_YEAR, annual_discount_rate=0.0, lifetime_years=3)
    np.testing.assert_allclose(three_years["predicted_lifetime_value"], three_years["predicted_value"], rtol=1e-9)


@pytest.mark.unit
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

    small = {**bgnbd.fit(history.head(200))[0], "a": 0.18, "b": 0.48}  # a + b < 1
    fits = with_chosen([small, *bgnbd.fit(history.head(200))[1:]], "bg_nbd")
    long_run = bgnbd.forecast(history.head(200), fits, 360.0)
    assert (long_run["purchase_model"] == "bg_nbd").all()
    assert long_run["expected_orders"].notna().all() and (long_run["expected_orders"] >= 0).all()


@pytest.mark.unit
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
    # unpenalized and without the minimum data: none of these has a maximum
    fits = bgnbd.fit(history, purchase_penalizer=0.0, **NO_MINIMUM)

    assert [record["fitter"] for record in fits] == FITTERS
    failed = fits[0]
    assert failed["is_converged"] is False and failed["status"] == "not_converged"
    assert failed["message"].startswith(("did not converge", "fit failed", "parameters ran off"))
    assert failed["log_likelihood"] is None and failed["r"] is None and failed["is_chosen"] is False
    forced = with_chosen(fits, "bg_nbd")
    forced[0]["is_chosen"] = False  # no converged model is chosen
    predictions = bgnbd.forecast(history, forced, 365.0)
    assert len(predictions) == len(history)
    assert not predictions["is_fit_converged"].any()
    assert (predictions["forecast_status"] == "purchase_model_not_converged").all()
    assert (
        predictions[["probability_alive", "expected_orders", "predicted_value", "predicted_lifetime_value"]]
        .isna()
        .all()
        .all()
    )


@pytest.mark.unit
def test_a_failed_gamma_gamma_fit_leaves_the_purchase_forecast():
    """Identical spend, no fallback: Gamma-Gamma has no maximum; probability_alive
    and expected_orders stay, the values are null."""
    history = cdnow_history().head(300)
    history["avg_repeat_order_sales"] = history["avg_repeat_order_sales"].where(
        history["repeat_order_days"] == 0, 100.0
    )
    fits = bgnbd.fit(history, gamma_gamma_penalizer=0.0)
    assert not by_fitter(fits)["gamma_gamma"]["is_converged"]
    predictions = bgnbd.forecast(history, fits, 365.0)
    assert not predictions["is_fit_converged"].any()
    assert (predictions["forecast_status"] == "spend_model_not_converged").all()
    assert predictions[["probability_alive", "expected_orders"]].notna().all().all()
    assert predictions[["expected_order_value", "predicted_value", "predicted_lifetime_value"]].isna().all().all()


@pytest.mark.unit
def test_below_the_minimum_data_nothing_is_fitted_and_the_status_says_so():
    history = history_frame([(0, 0, age, np.nan, 0.3) for age in (10, 20, 30, 40)])
    fits = bgnbd.fit(history)
    assert [record["status"] for record in fits] == ["below_minimum_data"] * 4
    assert fits[0]["message"] == ("below the minimum data: 4 customers (minimum 20), 0 repeat buyers (minimum 10)")
    predictions = bgnbd.forecast(history, fits, 365.0)
    assert not predictions["is_fit_converged"].any()
    assert (predictions["forecast_status"] == "purchase_model_below_minimum_data").all()
    assert predictions[bgnbd.PREDICTION_COLUMNS].isna().all().all()


@pytest.mark.unit
def test_a_customer_with_no_sales_has_its_own_profit_per_order_day():
    """Free orders (Sales 0) leave the margin undefined: the value uses the
    customer's own mean profit per order day (0 for free orders), never NaN."""
    history = cdnow_history().head(300)
    history["total_profit"] = 10.0 * (history["repeat_order_days"] + 1)
    history["order_days"] = history["repeat_order_days"] + 1
    history.loc[[0, 1], "profit_margin"] = np.nan  # no sales
    history.loc[0, "total_profit"] = 0.0  # and no profit
    predictions = bgnbd.forecast(history, bgnbd.fit(history), 365.0)
    assert (predictions["forecast_status"] == "forecast").all()
    assert predictions.loc[0, "predicted_value"] == 0 and predictions.loc[0, "predicted_lifetime_value"] == 0
    assert predictions.loc[1, "predicted_value"] == pytest.approx(predictions.loc[1, "expected_orders"] * 10.0)


@pytest.mark.unit
def test_an_empty_snapshot_gives_no_rows_and_four_records():
    history = history_frame([])
    fits = bgnbd.fit(history)
    assert [(record["fitter"], record["is_converged"], record["customers"]) for record in fits] == [
        (fitter, False, 0) for fitter in FITTERS
    ]
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
    assert clv["is_fit_converged"].all() and (clv["forecast_status"] == "forecast").all()
    assert clv["probability_alive"].between(0, 1).all()
    assert (clv[f"expected_orders_next_{HORIZON}"] >= 0).all()
    assert (clv["expected_order_value"] > 0).all()
    assert clv["predicted_lifetime_value"].notna().all()
    # value is profit: its sign is the customer's margin's
    assert (np.sign(clv[f"predicted_value_next_{HORIZON}"]) == np.sign(clv["profit_margin"])).all()
    assert (clv["repeat_order_days"] == clv["order_days"] - 1).all()

    # three purchase models and Gamma-Gamma per snapshot, one purchase model chosen
    assert sorted(zip(fits["snapshot_name"], fits["fitter"])) == sorted(
        (snapshot, fitter) for snapshot in ("analysis_date", "backtest_cutoff") for fitter in FITTERS
    )
    assert fits["is_converged"].all() and (fits["status"] == "fitted").all()
    assert (fits["log_likelihood"] < 0).all()
    for snapshot, snapshot_fits in fits.groupby("snapshot_name"):
        purchase = snapshot_fits[snapshot_fits["fitter"] != "gamma_gamma"]
        chosen = purchase[purchase["is_chosen"].astype(bool)]
        assert len(chosen) == 1, snapshot
        assert chosen["log_likelihood"].iloc[0] == purchase["log_likelihood"].max()
        if snapshot == "analysis_date":
            assert (clv["purchase_model"] == chosen["fitter"].iloc[0]).all()
    # maximum likelihood unless the plain fit failed, and then said
    penalized = fits[fits["fit_method"] == "penalized"]
    assert (penalized["message"].str.startswith("converged with penalizer")).all()
    assert (fits.loc[fits["fit_method"] == "maximum_likelihood", "penalizer_coef"] == 0).all()
    bg = fits[(fits["fitter"] == "bg_nbd") & (fits["snapshot_name"] == "analysis_date")].iloc[0]
    assert bg["customers"] == len(clv)

    summary = json.loads((exports / "run_summary.json").read_text())
    assert [(fit["snapshot_name"], fit["fitter"], fit["is_converged"]) for fit in summary["clv_fits"]] == sorted(
        (snapshot, fitter, True) for snapshot in ("analysis_date", "backtest_cutoff") for fitter in FITTERS
    )
    assert summary["minimum_data"] == []
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
        "--select",
        "+customer_lifetime_value +clv_model_fits",
        "--vars",
        "{clv_forecast_horizon_days: 90}",
    )
    assert run.returncode == 0, run.stderr
    clv = parquet(run.output_dir / "customer_lifetime_value.parquet")
    assert "expected_orders_next_90" in clv and "predicted_value_next_90" in clv
    assert "expected_orders_next_365" not in clv
    assert (clv["horizon_days"] == 90).all()
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        horizons = dict(
            con.execute(
                "select snapshot_name, any_value(horizon_days) from intermediate.int_customer_snapshots_forecasted"
                " group by all"
            ).fetchall()
        )
        cutoff_window = con.execute(
            "select any_value(analysis_date - cutoff_date) from intermediate.int_snapshot_dates_resolved"
        ).fetchone()[0]
    assert horizons == {"analysis_date": 90, "backtest_cutoff": cutoff_window}


def test_a_fit_that_does_not_converge_is_reported_and_the_run_succeeds(tmp_path, run_pipeline):
    """Five customers with identical histories (three orders on the same three
    days, the same sales), the minimum data lowered so that they are fitted: the
    purchase models have no maximum even with the fallback penalizer. The run
    passes, and says so: in the mart, in run_summary.json and on stderr."""
    path = tmp_path / "identical.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        row_id = 0
        for customer_id in range(1001, 1006):
            for order, day in enumerate((1, 8, 15)):
                row_id += 1
                writer.writerow(
                    {
                        "Row ID": row_id,
                        "Order ID": f"AMER-2023-{customer_id}{order:02d}",
                        "Order Date": f"3/{day}/2023",
                        "Date Key": f"202303{day:02d}",
                        "Contact Name": "Ann Lee",
                        "Country": "United States",
                        "City": "Boston",
                        "Region": "AMER",
                        "Subregion": "NAMER",
                        "Customer": f"Co {customer_id}",
                        "Customer ID": customer_id,
                        "Industry": "Tech",
                        "Segment": "SMB",
                        "Product": "FinanceHub",
                        "License": f"LIC{row_id:06d}",
                        "Sales": "100.00",
                        "Quantity": 1,
                        "Discount": "0",
                        "Profit": "-5.00" if customer_id == 1005 else "20.00",
                    }
                )

    run = run_pipeline("--vars", "{clv_min_customers: 1, clv_min_repeat_customers: 1}", input_path=path)

    assert run.returncode == 0, run.stderr
    fits = parquet(run.output_dir / "clv_model_fits.parquet").set_index("fitter")
    assert list(fits["snapshot_name"].unique()) == ["analysis_date"]  # no order before the cutoff
    failed = fits[~fits["is_converged"].astype(bool)]
    assert len(failed) >= 1 and (failed["status"] == "not_converged").all()
    clv = parquet(run.output_dir / "customer_lifetime_value.parquet")
    assert len(clv) == 5
    assert set(clv["forecast_status"]) <= {"forecast", "purchase_model_not_converged", "spend_model_not_converged"}
    summary = json.loads((run.output_dir / "run_summary.json").read_text())
    assert [(fit["fitter"], fit["is_converged"]) for fit in summary["clv_fits"]] == [
        (fitter, bool(fits.loc[fitter, "is_converged"])) for fitter in sorted(FITTERS)
    ]
    warnings_printed = [line for line in run.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings_printed) == len(failed)
    assert all(" did not converge " in line for line in warnings_printed)
