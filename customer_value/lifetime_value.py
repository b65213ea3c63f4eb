"""Probabilistic customer lifetime value (SPEC §13): BG/NBD and Gamma-Gamma with
lifetimes, as pure functions of a pandas frame (no dbt), shared by the dbt
Python models int_customer_snapshots_forecasted and int_clv_models_fitted and
by the tests.

The input is one row per customer of one snapshot, in days:

- `repeat_order_days`: x, the repeat purchases (distinct order days after the first);
- `length_days`: t_x, the days from the first to the last order day;
- `age_days`: T, the days from the first order day to the snapshot date;
- `avg_repeat_order_sales`: m, the mean sales of the repeat order days (null at x = 0);
- `profit_margin`: total profit / total sales of all the customer's orders.

Money: Gamma-Gamma needs positive spend per purchase, and profit is negative on
discounted lines, so it is fitted on order *sales* (m > 0 for every clean
order); the value forecast is expected orders x expected order sales x the
customer's own historical profit margin, which keeps its sign.

Customers with no repeat purchase (x = 0) are in the BG/NBD fit, not in the
Gamma-Gamma fit (its likelihood is over repeat purchases); their expected order
value is the fitted population mean (Gamma-Gamma's conditional expectation at
x = 0 is exactly that prior mean).

A fit that does not converge (lifetimes' ConvergenceError), or that fails or
gives unusable numbers, is reported in its diagnostics record
(`is_converged` false, a message) and its predictions are null: no exception.
Deterministic: customers in the order given (the models sort by id), lifetimes'
fixed starting point (log-parameters 0.1) and no random draws.
"""

from __future__ import annotations

import contextlib
import io
import math
import warnings

import numpy as np
import pandas as pd

BGNBD = "bg_nbd"
GAMMA_GAMMA = "gamma_gamma"
BGNBD_PARAMETERS = ["r", "alpha", "a", "b"]
GAMMA_GAMMA_PARAMETERS = ["p", "q", "v"]
DAYS_PER_YEAR = 365.25  # the step of the lifetime value's discounting
PREDICTION_COLUMNS = [
    "probability_alive",
    "expected_orders",
    "expected_order_value",
    "predicted_value",
    "predicted_lifetime_value",
]
DIAGNOSTIC_FIELDS = [
    "fitter",
    "customers",
    "is_converged",
    "message",
    "log_likelihood",
    "penalizer_coef",
    *BGNBD_PARAMETERS,
    *GAMMA_GAMMA_PARAMETERS,
]


def _lifetimes():
    """lifetimes, imported quietly: on import it sets a pandas option that pandas 3
    deprecates, a warning about lifetimes, not about the data."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import lifetimes
        from lifetimes.utils import ConvergenceError
    return lifetimes, ConvergenceError


def _diagnostics(fitter: str, customers: int, penalizer_coef: float) -> dict:
    record = dict.fromkeys(DIAGNOSTIC_FIELDS)
    record.update(fitter=fitter, customers=int(customers), is_converged=False, penalizer_coef=float(penalizer_coef))
    return record


@contextlib.contextmanager
def _quiet_fit(record: dict):
    """Runs a fit; lifetimes prints scipy's result before it raises ConvergenceError,
    so what it prints becomes the record's message instead of dbt's log. Any
    exception is caught and described in the record."""
    _, convergence_error = _lifetimes()
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed), warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            yield
    except convergence_error as error:
        detail = " ".join(printed.getvalue().split())
        record["message"] = f"did not converge: {' '.join(str(error).split())}" + (f" ({detail})" if detail else "")
    except Exception as error:  # noqa: BLE001 (any numeric failure is a reported non-convergence)
        record["message"] = f"fit failed: {type(error).__name__}: {' '.join(str(error).split())}"
    else:
        record["is_converged"] = True
        record["message"] = "converged"


def _finite(values) -> bool:
    return all(value is not None and math.isfinite(value) for value in values)


def fit_bgnbd(history: pd.DataFrame, penalizer_coef: float = 0.0):
    """(fitted BetaGeoFitter or None, diagnostics record) on every customer of `history`."""
    lifetimes, _ = _lifetimes()
    record = _diagnostics(BGNBD, len(history), penalizer_coef)
    if history.empty:
        record["message"] = "no customers"
        return None, record
    frequency = history["repeat_order_days"].to_numpy(dtype=float)
    recency = history["length_days"].to_numpy(dtype=float)
    age = history["age_days"].to_numpy(dtype=float)
    fitter = lifetimes.BetaGeoFitter(penalizer_coef=penalizer_coef)
    with _quiet_fit(record):
        fitter.fit(frequency, recency, age)
    if not record["is_converged"]:
        return None, record
    params = {name: float(fitter.params_[name]) for name in BGNBD_PARAMETERS}
    record.update(params)
    # The log-likelihood in days (lifetimes minimises the mean negative
    # log-likelihood on time scaled to max(T) = 1, plus the penalty): summed over
    # customers, on the unscaled data, so it is comparable between snapshots.
    log_params = np.log([params[name] for name in BGNBD_PARAMETERS])
    with np.errstate(all="ignore"):
        mean_nll = lifetimes.BetaGeoFitter._negative_log_likelihood(
            log_params, frequency, recency, age, np.ones_like(frequency), 0.0
        )
    record["log_likelihood"] = float(-mean_nll * len(history))
    if not _finite([*params.values(), record["log_likelihood"]]):
        record.update(is_converged=False, message="fit gave non-finite parameters or log-likelihood")
        return None, record
    return fitter, record


def fit_gamma_gamma(history: pd.DataFrame, penalizer_coef: float = 0.0):
    """(fitted GammaGammaFitter or None, diagnostics record) on the customers with
    a repeat purchase and positive mean repeat-order sales."""
    lifetimes, _ = _lifetimes()
    repeat = history[(history["repeat_order_days"] > 0) & (history["avg_repeat_order_sales"] > 0)]
    record = _diagnostics(GAMMA_GAMMA, len(repeat), penalizer_coef)
    if len(repeat) < len(GAMMA_GAMMA_PARAMETERS):
        record["message"] = f"too few customers with a repeat purchase ({len(repeat)})"
        return None, record
    frequency = repeat["repeat_order_days"].to_numpy(dtype=float)
    monetary = repeat["avg_repeat_order_sales"].to_numpy(dtype=float)
    fitter = lifetimes.GammaGammaFitter(penalizer_coef=penalizer_coef)
    with _quiet_fit(record):
        fitter.fit(frequency, monetary)
    if not record["is_converged"]:
        return None, record
    params = {name: float(fitter.params_[name]) for name in GAMMA_GAMMA_PARAMETERS}
    record.update(params)
    with np.errstate(all="ignore"):
        mean_nll = lifetimes.GammaGammaFitter._negative_log_likelihood(
            np.log([params[name] for name in GAMMA_GAMMA_PARAMETERS]), frequency, monetary, np.ones_like(frequency), 0.0
        )
    record["log_likelihood"] = float(-mean_nll * len(repeat))
    if not _finite([*params.values(), record["log_likelihood"]]):
        record.update(is_converged=False, message="fit gave non-finite parameters or log-likelihood")
        return None, record
    if params["q"] <= 1:
        # the population mean spend v p / (q - 1) is undefined (or negative) at q <= 1
        record.update(is_converged=False, message=f"q = {params['q']:.6g} <= 1: the population mean order value is undefined")
        return None, record
    return fitter, record


def fit(history: pd.DataFrame, *, bgnbd_penalizer: float = 0.001, gamma_gamma_penalizer: float = 0.0) -> list[dict]:
    """Both fits on one snapshot's customers: one diagnostics record per fitter
    (DIAGNOSTIC_FIELDS), BG/NBD first. The parameters are all forecast() needs.
    The penalizers' defaults are the project's (vars clv_bgnbd_penalizer and
    clv_gamma_gamma_penalizer)."""
    _, bgnbd_record = fit_bgnbd(history, bgnbd_penalizer)
    _, gamma_gamma_record = fit_gamma_gamma(history, gamma_gamma_penalizer)
    return [bgnbd_record, gamma_gamma_record]


def fitted_model(record: dict):
    """The lifetimes fitter of a converged diagnostics record, with its parameters
    set (predictions need nothing else), or None when the fit did not converge."""
    if not record.get("is_converged"):
        return None
    lifetimes, _ = _lifetimes()
    if record["fitter"] == BGNBD:
        model, names = lifetimes.BetaGeoFitter(), BGNBD_PARAMETERS
    else:
        model, names = lifetimes.GammaGammaFitter(), GAMMA_GAMMA_PARAMETERS
    model.params_ = pd.Series([float(record[name]) for name in names], index=names, dtype=float)
    return model


def _expected_orders(bgnbd, t, frequency, recency, age):
    """lifetimes' conditional expected purchases within t (Fader, Hardie and Lee
    2005, eq. 10). lifetimes takes the log of its Gauss hypergeometric term, which
    is negative, and so gives NaN, when a + b + x - 1 < 0 (small a and b, long t);
    there the same equation is evaluated without the log."""
    expected = np.asarray(bgnbd.conditional_expected_number_of_purchases_up_to_time(t, frequency, recency, age), dtype=float)
    failed = ~np.isfinite(expected)
    if failed.any():
        from scipy.special import hyp2f1

        r, alpha, a, b = (float(bgnbd.params_[name]) for name in BGNBD_PARAMETERS)
        t = np.broadcast_to(np.asarray(t, dtype=float), expected.shape)[failed]
        x, t_x, big_t = frequency[failed], recency[failed], age[failed]
        hypergeometric = hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + big_t + t))
        numerator = (a + b + x - 1) / (a - 1) * (1 - hypergeometric * ((alpha + big_t) / (alpha + t + big_t)) ** (r + x))
        denominator = 1 + (x > 0) * (a / (b + x - 1)) * ((alpha + big_t) / (alpha + t_x)) ** (r + x)
        expected = expected.copy()
        expected[failed] = numerator / denominator
    return expected


def forecast(
    history: pd.DataFrame,
    fits: list[dict],
    horizon_days,
    *,
    annual_discount_rate: float = 0.10,
    lifetime_years: int = 10,
) -> pd.DataFrame:
    """Forecast every customer of one snapshot from its fits (fit()'s records).

    Returns `history` (its row order) with PREDICTION_COLUMNS and
    `is_fit_converged` (both fits converged) added; a prediction whose fit did
    not converge is null.

    - probability_alive: P(still active at the snapshot date), BG/NBD;
    - expected_orders: expected order days within `horizon_days` after it, BG/NBD;
    - expected_order_value: expected sales per order, Gamma-Gamma;
    - predicted_value: expected_orders x expected_order_value x profit_margin
      (profit over the horizon, undiscounted, negative for a loss-making customer);
    - predicted_lifetime_value: that profit over `lifetime_years` years of
      365.25 days, each year's expected orders (the difference of BG/NBD's
      cumulative expectation at its ends) discounted to the snapshot date at
      `annual_discount_rate` from the middle of the year, (1 + d)^-(y - 1/2).
      lifetimes' customer_lifetime_value steps by months instead; 12 times the
      hypergeometric evaluations for a difference of under 2% on the sample
      (docs/forecasting.md), and the yearly step keeps 1,000,000 customers cheap.
    """
    by_fitter = {record["fitter"]: record for record in fits}
    bgnbd = fitted_model(by_fitter.get(BGNBD, {}))
    gamma_gamma = fitted_model(by_fitter.get(GAMMA_GAMMA, {}))
    predictions = history.reset_index(drop=True).copy()
    for column in PREDICTION_COLUMNS:
        predictions[column] = np.nan
    predictions["is_fit_converged"] = bgnbd is not None and gamma_gamma is not None
    if predictions.empty:
        return predictions

    frequency = predictions["repeat_order_days"].to_numpy(dtype=float)
    recency = predictions["length_days"].to_numpy(dtype=float)
    age = predictions["age_days"].to_numpy(dtype=float)
    spend = predictions["avg_repeat_order_sales"].to_numpy(dtype=float)
    margin = predictions["profit_margin"].to_numpy(dtype=float)
    horizon = np.broadcast_to(np.asarray(horizon_days, dtype=float), frequency.shape)

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        if bgnbd is not None:
            predictions["probability_alive"] = np.asarray(
                bgnbd.conditional_probability_alive(frequency, recency, age), dtype=float
            )
            predictions["expected_orders"] = _expected_orders(bgnbd, horizon, frequency, recency, age)
        if gamma_gamma is not None:
            # no repeat purchase (or no positive spend): weight 0 on the customer's
            # own mean, so the expectation is the fitted population mean
            has_spend = (frequency > 0) & (np.nan_to_num(spend, nan=0.0) > 0)
            order_value = np.asarray(
                gamma_gamma.conditional_expected_average_profit(
                    np.where(has_spend, frequency, 0.0), np.where(has_spend, spend, 0.0)
                ),
                dtype=float,
            )
            predictions["expected_order_value"] = order_value
        if bgnbd is not None and gamma_gamma is not None:
            profit_per_order = order_value * margin
            predictions["predicted_value"] = predictions["expected_orders"].to_numpy() * profit_per_order
            lifetime = np.zeros_like(frequency)
            previous = np.zeros_like(frequency)
            for year in range(1, int(lifetime_years) + 1):
                cumulative = _expected_orders(bgnbd, year * DAYS_PER_YEAR, frequency, recency, age)
                lifetime += (cumulative - previous) * profit_per_order / (1 + annual_discount_rate) ** (year - 0.5)
                previous = cumulative
            predictions["predicted_lifetime_value"] = lifetime

    # a non-finite prediction (a degenerate customer) is null, not inf
    for column in PREDICTION_COLUMNS:
        values = predictions[column].to_numpy(dtype=float)
        predictions[column] = np.where(np.isfinite(values), values, np.nan)
    return predictions
