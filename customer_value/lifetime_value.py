"""Probabilistic customer lifetime value (docs/forecasting.md): three purchase
models (BG/NBD, MBG/NBD, Pareto/NBD) and the Gamma-Gamma spend model with
lifetimes, as pure functions of a pandas frame (no dbt), shared by the dbt
Python models int_customer_snapshots_forecasted and int_clv_models_fitted and
by the tests.

The input is one row per customer of one snapshot, in days:

- `repeat_order_days`: x, the repeat purchases (distinct order days after the first);
- `length_days`: t_x, the days from the first to the last order day;
- `age_days`: T, the days from the first order day to the snapshot date;
- `avg_repeat_order_sales`: m, the mean sales of the repeat order days (null at x = 0);
- `profit_margin`: total profit / total sales of all the customer's orders
  (null when the customer has no sales);
- `total_profit`, `order_days` (forecast only): the fallback of a customer with
  no sales, whose margin is undefined.

Fitting (fit()):

- Every model is fitted by plain maximum likelihood first. Only when that fit
  fails (lifetimes' ConvergenceError, another numeric failure, non-finite
  numbers, or parameters that run off: one above RUN_OFF_LIMIT or below
  RUN_OFF_FLOOR on lifetimes' scale, time scaled to max(T) = 1 and, for Gamma-Gamma, sales scaled to a mean
  of 1) is it fitted again with the fallback penalizer, and the record says so
  (`fit_method` `penalized`, the reason in `message`).
- Below the minimum data (MIN_CUSTOMERS customers, MIN_REPEAT_CUSTOMERS repeat
  buyers by default) a model is not fitted: status `below_minimum_data`.
- One purchase model is chosen per snapshot (choose()): of the converged ones,
  the highest log-likelihood. The three have four parameters each and are fitted
  to the same (x, t_x, T), so this is also the choice by AIC or BIC.

Money: Gamma-Gamma needs positive spend per purchase, and profit is negative on
discounted lines, so it is fitted on order *sales*; the value forecast is
expected orders x expected order sales x the customer's own historical profit
margin, which keeps its sign. A customer with no sales at all (free orders) has
no margin; its profit per order day is its own mean profit per order day (0 for
a customer whose every order was free).

A fit that does not converge, or that fails or gives unusable numbers, is
reported in its diagnostics record (`is_converged` false, a message) and its
predictions are null: no exception. Deterministic: customers in the order given
(the models sort by id), fixed starting points and no random draws.
"""

from __future__ import annotations

import contextlib
import io
import math
import warnings

import numpy as np
import pandas as pd

BGNBD = "bg_nbd"
MBGNBD = "mbg_nbd"
PARETO_NBD = "pareto_nbd"
GAMMA_GAMMA = "gamma_gamma"
PURCHASE_MODELS = [BGNBD, MBGNBD, PARETO_NBD]  # also the tie-break order of the choice
BGNBD_PARAMETERS = ["r", "alpha", "a", "b"]
PARETO_NBD_PARAMETERS = ["r", "alpha", "s", "beta"]
GAMMA_GAMMA_PARAMETERS = ["p", "q", "v"]
PARAMETERS = {
    BGNBD: BGNBD_PARAMETERS,
    MBGNBD: BGNBD_PARAMETERS,
    PARETO_NBD: PARETO_NBD_PARAMETERS,
    GAMMA_GAMMA: GAMMA_GAMMA_PARAMETERS,
}
TIME_PARAMETERS = {"alpha", "beta"}  # in days; scaled by lifetimes to max(T) = 1 while fitting
RUN_OFF_LIMIT = 1e4  # a parameter above this on lifetimes' scale has run off (no interior maximum)
RUN_OFF_FLOOR = 1e-6  # or below this: run off towards 0
DEFAULT_PENALIZER = 0.001  # the fallback penalizer, vars clv_bgnbd_penalizer and clv_gamma_gamma_penalizer
MIN_CUSTOMERS = 20  # var clv_min_customers: customers a purchase model needs
MIN_REPEAT_CUSTOMERS = 10  # var clv_min_repeat_customers: repeat buyers every model needs
PARETO_NBD_MAX_EVALUATIONS = 4_000  # converged fits take 770 to 1,620 (docs/forecasting.md)
PARETO_NBD_STALL_ITERATIONS = 100  # no better likelihood in this many iterations: not converging
DAYS_PER_YEAR = 365.25  # the step of the lifetime value's discounting
PREDICTION_COLUMNS = [
    "probability_alive",
    "expected_orders",
    "expected_order_value",
    "predicted_value",
    "predicted_lifetime_value",
]
FITTED = "fitted"
NOT_CONVERGED = "not_converged"
BELOW_MINIMUM_DATA = "below_minimum_data"
DIAGNOSTIC_FIELDS = [
    "fitter",
    "customers",
    "repeat_customers",
    "status",
    "is_converged",
    "message",
    "fit_method",
    "penalizer_coef",
    "is_chosen",
    "log_likelihood",
    "r",
    "alpha",
    "a",
    "b",
    "s",
    "beta",
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


def _diagnostics(fitter: str, customers: int, repeat_customers: int) -> dict:
    record = dict.fromkeys(DIAGNOSTIC_FIELDS)
    record.update(
        fitter=fitter,
        customers=int(customers),
        repeat_customers=int(repeat_customers),
        status=NOT_CONVERGED,
        is_converged=False,
        is_chosen=False if fitter in PURCHASE_MODELS else None,
    )
    return record


class _FitFailed(Exception):
    """A fit that ended without usable parameters (the message says why)."""


@contextlib.contextmanager
def _quiet(printed: io.StringIO):
    with contextlib.redirect_stdout(printed), warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _finite(values) -> bool:
    return all(value is not None and math.isfinite(value) for value in values)


def _arrays(history: pd.DataFrame):
    return tuple(history[column].to_numpy(dtype=float) for column in ("repeat_order_days", "length_days", "age_days"))


def _compressed(history: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x, t_x, T, weights): the distinct histories of `history` and how many
    customers share each, sorted. The weighted likelihood is the same function as
    the likelihood over every customer (lifetimes' `weights`), and a million
    customers in days have far fewer distinct histories: the fits are that much
    cheaper, and do not depend on the customers' order."""
    frequency, recency, age = _arrays(history)
    distinct, weights = np.unique(np.column_stack([frequency, recency, age]), axis=0, return_counts=True)
    return distinct[:, 0], distinct[:, 1], distinct[:, 2], weights.astype(float)


def _purchase_attempt(fitter: str, history: pd.DataFrame, penalizer_coef: float) -> tuple[dict, float]:
    """One fit of a purchase model: (parameters in days, log-likelihood in days),
    or _FitFailed. lifetimes fits BG/NBD and MBG/NBD (BFGS from log-parameters
    0.1); its Pareto/NBD fit starts at random points and does not report
    convergence, so Pareto/NBD is minimised here on lifetimes' own likelihood, on
    the same scale (max T = 1, log-parameters, the mean negative log-likelihood
    plus the penalty), by Nelder-Mead from log-parameters 0, within bounds. All
    on the distinct histories, weighted by their customers (_compressed)."""
    lifetimes, convergence_error = _lifetimes()
    frequency, recency, age, weights = _compressed(history)
    names = PARAMETERS[fitter]
    scale = 1.0 / age.max()
    printed = io.StringIO()
    try:
        with _quiet(printed):
            if fitter == PARETO_NBD:
                scaled_params = dict(
                    zip(names, _pareto_nbd_minimum((frequency, recency * scale, age * scale), weights, penalizer_coef))
                )
            else:
                model_class = lifetimes.BetaGeoFitter if fitter == BGNBD else lifetimes.ModifiedBetaGeoFitter
                model = model_class(penalizer_coef=penalizer_coef)
                model.fit(frequency, recency, age, weights=weights)
                scaled_params = {name: float(model.params_[name]) for name in names}
                scaled_params["alpha"] *= scale
    except convergence_error as error:
        detail = _one_line(printed.getvalue())
        raise _FitFailed(f"did not converge: {_one_line(error)}" + (f" ({detail})" if detail else "")) from None
    except _FitFailed:
        raise
    except Exception as error:  # noqa: BLE001 (any numeric failure is a reported non-convergence)
        raise _FitFailed(f"fit failed: {type(error).__name__}: {_one_line(error)}") from None
    _check_run_off(scaled_params)
    params = {name: float(value / scale if name in TIME_PARAMETERS else value) for name, value in scaled_params.items()}
    log_likelihood = purchase_log_likelihood(fitter, params, history)
    if not _finite([*params.values(), log_likelihood]):
        raise _FitFailed("fit gave non-finite parameters or log-likelihood")
    return params, log_likelihood


class _DistinctPairs:
    """The distinct (x, t_x) and (x, T) pairs of the histories, and where each
    history's pair is: the two 2F1 terms of the Pareto/NBD likelihood depend on
    one pair each, and a snapshot has far fewer distinct pairs than histories
    (100,000 customers: 97,818 histories, 43,666 and 35,101 pairs)."""

    def __init__(self, frequency: np.ndarray, recency: np.ndarray, age: np.ndarray):
        self.frequency, self.recency, self.age = frequency, recency, age
        by_recency, self.recency_index = np.unique(np.column_stack([frequency, recency]), axis=0, return_inverse=True)
        by_age, self.age_index = np.unique(np.column_stack([frequency, age]), axis=0, return_inverse=True)
        self.recency_index, self.age_index = self.recency_index.ravel(), self.age_index.ravel()
        self.recency_pairs, self.age_pairs = by_recency.T, by_age.T


def _pareto_nbd_log_likelihood(params, pairs: _DistinctPairs) -> np.ndarray:
    """Each history's Pareto/NBD log-likelihood: lifetimes'
    `ParetoNBDFitter._conditional_log_likelihood` (Fader and Hardie's equations
    18 to 20), term for term and the same floating-point operations, with the
    Gaussian hypergeometric 2F1 evaluated once per distinct pair, not once per
    history. Equal to lifetimes' bit for bit (tests/test_lifetime_value.py);
    about half the time of a likelihood evaluation at 100,000 customers."""
    from scipy.special import gammaln, hyp2f1, logsumexp

    r, alpha, s, beta = params
    x, recency, age = pairs.frequency, pairs.recency, pairs.age
    (x_at_recency, recency_values), (x_at_age, age_values) = pairs.recency_pairs, pairs.age_pairs
    if alpha < beta:
        low, high = alpha, beta
        t_at_recency, t_at_age = r + x_at_recency, r + x_at_age
    else:
        low, high = beta, alpha
        t_at_recency = t_at_age = s + 1
    spread = high - low
    rsf_at_recency, rsf_at_age = r + s + x_at_recency, r + s + x_at_age
    p_1 = hyp2f1(rsf_at_recency, t_at_recency, rsf_at_recency + 1.0, spread / (high + recency_values))
    p_2 = hyp2f1(rsf_at_age, t_at_age, rsf_at_age + 1.0, spread / (high + age_values))
    p_1, p_2 = p_1[pairs.recency_index], p_2[pairs.age_index]
    rsf = r + s + x
    q_1, q_2 = high + recency, high + age
    sign = np.ones(len(x))
    log_a_0 = logsumexp(
        [np.log(p_1) + rsf * np.log(q_2), np.log(p_2) + rsf * np.log(q_1)], axis=0, b=[sign, -sign]
    ) - rsf * np.log(q_1 * q_2)
    a_1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    a_2 = np.logaddexp(-(r + x) * np.log(alpha + age) - s * np.log(beta + age), np.log(s) + log_a_0 - np.log(rsf))
    return a_1 + a_2


def _pareto_nbd_minimum(scaled: tuple, weights: np.ndarray, penalizer_coef: float) -> np.ndarray:
    """Pareto/NBD's (r, alpha, s, beta) on the fitting scale, or _FitFailed: the
    minimum of lifetimes' objective (the weighted mean negative log-likelihood
    plus the penalty) by Nelder-Mead from log-parameters 0.

    Nelder-Mead within bounds a decade past the run-off limits: a gradient
    method's long steps reach parameters where scipy's hyp2f1 gives NaN or
    crashes the process. Two stops for a fit that is not converging: the
    evaluation budget, and a stall (no better likelihood in
    PARETO_NBD_STALL_ITERATIONS iterations: converged fits on CDNOW, the sample
    and generated exports of 2,000 to 10,000,000 lines never went more than 61).
    A likelihood that keeps rising along a ridge (s and beta growing together: no
    dropout heterogeneity) stalls there, each evaluation slower than the last."""
    from scipy.optimize import minimize

    pairs = _DistinctPairs(*scaled)
    total = weights.sum()

    def objective(log_params):
        params = np.exp(log_params)
        return -np.sum(weights * _pareto_nbd_log_likelihood(params, pairs)) / total + penalizer_coef * np.sum(params**2)

    progress = {"best": math.inf, "since": 0}

    def stop_on_stall(intermediate_result):
        if intermediate_result.fun < progress["best"] - 1e-12:
            progress.update(best=intermediate_result.fun, since=0)
        else:
            progress["since"] += 1
        if progress["since"] >= PARETO_NBD_STALL_ITERATIONS:
            raise StopIteration

    bounds = [(math.log(RUN_OFF_FLOOR / 10), math.log(RUN_OFF_LIMIT * 10))] * 4
    result = minimize(
        objective,
        np.zeros(4),
        method="Nelder-Mead",
        bounds=bounds,
        callback=stop_on_stall,
        options={"maxiter": 2_000, "maxfev": PARETO_NBD_MAX_EVALUATIONS, "xatol": 1e-8, "fatol": 1e-12},
    )
    if progress["since"] >= PARETO_NBD_STALL_ITERATIONS:
        raise _FitFailed(
            f"did not converge: no better likelihood in {PARETO_NBD_STALL_ITERATIONS} iterations "
            f"({result.nfev} evaluations)"
        )
    if not result.success:
        raise _FitFailed(f"did not converge: {_one_line(result.message)}")
    return np.exp(result.x)


def _check_run_off(scaled_params: dict) -> None:
    if not _finite(scaled_params.values()):
        raise _FitFailed("fit gave non-finite parameters")
    ran_off = [
        f"{name} = {value:.4g}" for name, value in scaled_params.items() if not RUN_OFF_FLOOR <= value <= RUN_OFF_LIMIT
    ]
    if ran_off:
        raise _FitFailed(f"parameters ran off (no interior maximum): {', '.join(ran_off)} on the fitting scale")


def purchase_log_likelihood(fitter: str, params: dict, history: pd.DataFrame) -> float:
    """The log-likelihood of a purchase model's parameters (time in days), summed
    over the customers, without any penalty: comparable between the three purchase
    models (the same data), and between snapshots and penalizers."""
    lifetimes, _ = _lifetimes()
    frequency, recency, age = _arrays(history)
    values = [params[name] for name in PARAMETERS[fitter]]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        if fitter == PARETO_NBD:
            return float(np.sum(lifetimes.ParetoNBDFitter._conditional_log_likelihood(values, frequency, recency, age)))
        model_class = lifetimes.BetaGeoFitter if fitter == BGNBD else lifetimes.ModifiedBetaGeoFitter
        mean_nll = model_class._negative_log_likelihood(
            np.log(values), frequency, recency, age, np.ones_like(frequency), 0.0
        )
    return float(-mean_nll * len(history))


def _gamma_gamma_attempt(repeat: pd.DataFrame, penalizer_coef: float) -> tuple[dict, float]:
    """One Gamma-Gamma fit: (p, q, v in sales; log-likelihood), or _FitFailed.
    The plain fit is on sales as they are (lifetimes' own fit); the penalized
    fallback on sales scaled to a mean of 1, so that the penalty does not depend
    on the currency (v scales with the sales, p and q do not), then v scaled back."""
    lifetimes, convergence_error = _lifetimes()
    frequency = repeat["repeat_order_days"].to_numpy(dtype=float)
    monetary = repeat["avg_repeat_order_sales"].to_numpy(dtype=float)
    scale = 1.0 / monetary.mean()
    printed = io.StringIO()
    try:
        with _quiet(printed):
            model = lifetimes.GammaGammaFitter(penalizer_coef=penalizer_coef)
            model.fit(frequency, monetary * scale if penalizer_coef else monetary)
    except convergence_error as error:
        detail = _one_line(printed.getvalue())
        raise _FitFailed(f"did not converge: {_one_line(error)}" + (f" ({detail})" if detail else "")) from None
    except Exception as error:  # noqa: BLE001
        raise _FitFailed(f"fit failed: {type(error).__name__}: {_one_line(error)}") from None
    params = {name: float(model.params_[name]) for name in GAMMA_GAMMA_PARAMETERS}
    if penalizer_coef:
        params["v"] /= scale
    _check_run_off({"p": params["p"], "q": params["q"], "v": params["v"] * scale})
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        mean_nll = lifetimes.GammaGammaFitter._negative_log_likelihood(
            np.log(list(params.values())), frequency, monetary, np.ones_like(frequency), 0.0
        )
    log_likelihood = float(-mean_nll * len(repeat))
    if not _finite([*params.values(), log_likelihood]):
        raise _FitFailed("fit gave non-finite parameters or log-likelihood")
    if params["q"] <= 1:
        # the population mean spend v p / (q - 1) is undefined (or negative) at q <= 1
        raise _FitFailed(f"q = {params['q']:.6g} <= 1: the population mean order value is undefined")
    return params, log_likelihood


def _fit_with_fallback(record: dict, attempt, penalizer_coef: float) -> dict:
    """Maximum likelihood first; the penalized fit only when it fails, and said."""
    try:
        params, log_likelihood = attempt(0.0)
        record.update(fit_method="maximum_likelihood", penalizer_coef=0.0, message="converged")
    except _FitFailed as plain_failure:
        if not penalizer_coef:
            record.update(message=str(plain_failure))
            return record
        try:
            params, log_likelihood = attempt(penalizer_coef)
        except _FitFailed as penalized_failure:
            record.update(
                penalizer_coef=float(penalizer_coef),
                message=f"{penalized_failure} (with penalizer {penalizer_coef:g}); "
                f"the maximum-likelihood fit: {plain_failure}",
            )
            return record
        record.update(
            fit_method="penalized",
            penalizer_coef=float(penalizer_coef),
            message=f"converged with penalizer {penalizer_coef:g}; the maximum-likelihood fit: {plain_failure}",
        )
    record.update(params, status=FITTED, is_converged=True, log_likelihood=log_likelihood)
    return record


def _repeat_buyers(history: pd.DataFrame) -> pd.DataFrame:
    """The customers Gamma-Gamma is fitted on: a repeat order day and positive mean repeat sales."""
    return history[(history["repeat_order_days"] > 0) & (history["avg_repeat_order_sales"] > 0)]


def fit_purchase_model(
    fitter: str,
    history: pd.DataFrame,
    penalizer_coef: float = DEFAULT_PENALIZER,
    *,
    min_customers: int = MIN_CUSTOMERS,
    min_repeat_customers: int = MIN_REPEAT_CUSTOMERS,
) -> dict:
    """The diagnostics record of one purchase model (BG/NBD, MBG/NBD or
    Pareto/NBD) fitted on every customer of `history`."""
    repeat_customers = int((history["repeat_order_days"] > 0).sum()) if len(history) else 0
    record = _diagnostics(fitter, len(history), repeat_customers)
    if len(history) < max(int(min_customers), 1) or repeat_customers < max(int(min_repeat_customers), 1):
        record.update(
            status=BELOW_MINIMUM_DATA,
            message=f"below the minimum data: {len(history)} customers (minimum {int(min_customers)}), "
            f"{repeat_customers} repeat buyers (minimum {int(min_repeat_customers)})",
        )
        return record
    return _fit_with_fallback(record, lambda penalizer: _purchase_attempt(fitter, history, penalizer), penalizer_coef)


def fit_gamma_gamma(
    history: pd.DataFrame,
    penalizer_coef: float = DEFAULT_PENALIZER,
    *,
    min_repeat_customers: int = MIN_REPEAT_CUSTOMERS,
) -> dict:
    """The diagnostics record of Gamma-Gamma fitted on the customers with a repeat
    purchase and positive mean repeat-order sales."""
    repeat = _repeat_buyers(history) if len(history) else history
    record = _diagnostics(GAMMA_GAMMA, len(repeat), len(repeat))
    minimum = max(int(min_repeat_customers), len(GAMMA_GAMMA_PARAMETERS))
    if len(repeat) < minimum:
        record.update(
            status=BELOW_MINIMUM_DATA,
            message=f"below the minimum data: {len(repeat)} repeat buyers with sales (minimum {minimum})",
        )
        return record
    return _fit_with_fallback(record, lambda penalizer: _gamma_gamma_attempt(repeat, penalizer), penalizer_coef)


def choose(records: list[dict]) -> dict | None:
    """Marks the chosen purchase model among `records` (is_chosen) and returns it:
    of the converged purchase models, the highest log-likelihood (ties: the
    order of PURCHASE_MODELS). None when none converged."""
    candidates = [record for record in records if record["fitter"] in PURCHASE_MODELS and record["is_converged"]]
    for record in records:
        if record["fitter"] in PURCHASE_MODELS:
            record["is_chosen"] = False
    if not candidates:
        return None
    chosen = max(candidates, key=lambda record: (record["log_likelihood"], -PURCHASE_MODELS.index(record["fitter"])))
    chosen["is_chosen"] = True
    return chosen


def fit(
    history: pd.DataFrame,
    *,
    purchase_penalizer: float = DEFAULT_PENALIZER,
    gamma_gamma_penalizer: float = DEFAULT_PENALIZER,
    min_customers: int = MIN_CUSTOMERS,
    min_repeat_customers: int = MIN_REPEAT_CUSTOMERS,
) -> list[dict]:
    """Every model on one snapshot's customers: one diagnostics record per fitter
    (DIAGNOSTIC_FIELDS) in the order BG/NBD, MBG/NBD, Pareto/NBD, Gamma-Gamma,
    the chosen purchase model marked. The defaults are the project's (vars
    clv_bgnbd_penalizer, clv_gamma_gamma_penalizer, clv_min_customers,
    clv_min_repeat_customers): maximum likelihood, the penalizer only as the
    fallback of a fit that fails."""
    records = [
        fit_purchase_model(
            fitter, history, purchase_penalizer, min_customers=min_customers, min_repeat_customers=min_repeat_customers
        )
        for fitter in PURCHASE_MODELS
    ]
    choose(records)
    records.append(fit_gamma_gamma(history, gamma_gamma_penalizer, min_repeat_customers=min_repeat_customers))
    return records


def fitted_model(record: dict):
    """The lifetimes fitter of a converged diagnostics record, with its parameters
    set (predictions need nothing else), or None when the fit did not converge."""
    if not record.get("is_converged"):
        return None
    lifetimes, _ = _lifetimes()
    model_class = {
        BGNBD: lifetimes.BetaGeoFitter,
        MBGNBD: lifetimes.ModifiedBetaGeoFitter,
        PARETO_NBD: lifetimes.ParetoNBDFitter,
        GAMMA_GAMMA: lifetimes.GammaGammaFitter,
    }[record["fitter"]]
    names = PARAMETERS[record["fitter"]]
    model = model_class()
    model.params_ = pd.Series([float(record[name]) for name in names], index=names, dtype=float)
    return model


def _purchases(model, fitter: str, t, frequency, recency, age):
    """Expected order days within t of a fitted purchase model."""
    if fitter == BGNBD:
        return _expected_orders(model, t, frequency, recency, age)
    return np.asarray(
        model.conditional_expected_number_of_purchases_up_to_time(t, frequency, recency, age), dtype=float
    )


def _expected_orders(bgnbd, t, frequency, recency, age):
    """lifetimes' conditional expected purchases within t (Fader, Hardie and Lee
    2005, eq. 10). lifetimes takes the log of its Gauss hypergeometric term, which
    is negative, and so gives NaN, when a + b + x - 1 < 0 (small a and b, long t);
    there the same equation is evaluated without the log."""
    expected = np.asarray(
        bgnbd.conditional_expected_number_of_purchases_up_to_time(t, frequency, recency, age), dtype=float
    )
    failed = ~np.isfinite(expected)
    if failed.any():
        from scipy.special import hyp2f1

        r, alpha, a, b = (float(bgnbd.params_[name]) for name in BGNBD_PARAMETERS)
        t = np.broadcast_to(np.asarray(t, dtype=float), expected.shape)[failed]
        x, t_x, big_t = frequency[failed], recency[failed], age[failed]
        hypergeometric = hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + big_t + t))
        numerator = (
            (a + b + x - 1) / (a - 1) * (1 - hypergeometric * ((alpha + big_t) / (alpha + t + big_t)) ** (r + x))
        )
        denominator = 1 + (x > 0) * (a / (b + x - 1)) * ((alpha + big_t) / (alpha + t_x)) ** (r + x)
        expected = expected.copy()
        expected[failed] = numerator / denominator
    return expected


def forecast_status(fits: list[dict]) -> str:
    """What a snapshot's forecast could use, from its fit records: `forecast`
    (a purchase model and Gamma-Gamma), else why not, the purchase models first."""
    purchase = [record for record in fits if record["fitter"] in PURCHASE_MODELS]
    spend = [record for record in fits if record["fitter"] == GAMMA_GAMMA]
    if not any(record.get("is_chosen") for record in purchase):
        below = purchase and all(record["status"] == BELOW_MINIMUM_DATA for record in purchase)
        return "purchase_model_below_minimum_data" if below else "purchase_model_not_converged"
    if not spend or not spend[0]["is_converged"]:
        below = spend and spend[0]["status"] == BELOW_MINIMUM_DATA
        return "spend_model_below_minimum_data" if below else "spend_model_not_converged"
    return "forecast"


def forecast(
    history: pd.DataFrame,
    fits: list[dict],
    horizon_days,
    *,
    annual_discount_rate: float = 0.10,
    lifetime_years: int = 10,
) -> pd.DataFrame:
    """Forecast every customer of one snapshot from its fits (fit()'s records).

    Returns `history` (its row order) with PREDICTION_COLUMNS,
    `<fitter>_probability_alive` for every purchase model, `purchase_model` (the
    chosen one), `forecast_status` (forecast_status()) and `is_fit_converged` (the
    chosen purchase model and Gamma-Gamma both converged) added; a prediction
    whose fit did not converge is null.

    A customer whose prediction is not a finite number (a degenerate history)
    gets nulls and forecast_status `prediction_not_finite`.

    - probability_alive: P(still active at the snapshot date), the chosen purchase model;
    - expected_orders: expected order days within `horizon_days` after it, the same;
    - expected_order_value: expected sales per order, Gamma-Gamma;
    - predicted_value: expected_orders x expected_order_value x profit_margin
      (profit over the horizon, undiscounted, negative for a loss-making
      customer); a customer with no sales (no margin) uses its own mean profit
      per order day instead of expected_order_value x profit_margin;
    - predicted_lifetime_value: that profit over `lifetime_years` years of
      365.25 days, each year's expected orders (the difference of the cumulative
      expectation at its ends) discounted to the snapshot date at
      `annual_discount_rate` from the middle of the year, (1 + d)^-(y - 1/2).
      lifetimes' customer_lifetime_value steps by months instead; 12 times the
      hypergeometric evaluations for a difference of under 2% on the sample
      (docs/forecasting.md), and the yearly step keeps 1,000,000 customers cheap.
    """
    by_fitter = {record["fitter"]: record for record in fits}
    chosen = next((record for record in fits if record.get("is_chosen")), None)
    purchase_fitter = chosen["fitter"] if chosen else None
    purchase = fitted_model(chosen) if chosen else None
    gamma_gamma = fitted_model(by_fitter.get(GAMMA_GAMMA, {}))
    predictions = history.reset_index(drop=True).copy()
    for column in PREDICTION_COLUMNS:
        predictions[column] = np.nan
    for fitter in PURCHASE_MODELS:
        predictions[f"{fitter}_probability_alive"] = np.nan
    predictions["purchase_model"] = purchase_fitter
    predictions["forecast_status"] = forecast_status(fits)
    predictions["is_fit_converged"] = purchase is not None and gamma_gamma is not None
    if predictions.empty:
        return predictions

    frequency, recency, age = _arrays(predictions)
    spend = predictions["avg_repeat_order_sales"].to_numpy(dtype=float)
    margin = predictions["profit_margin"].to_numpy(dtype=float)
    if {"total_profit", "order_days"} <= set(predictions.columns):
        own_profit_per_day = predictions["total_profit"].to_numpy(dtype=float) / predictions["order_days"].to_numpy(
            dtype=float
        )
    else:
        own_profit_per_day = np.full_like(margin, np.nan)
    horizon = np.broadcast_to(np.asarray(horizon_days, dtype=float), frequency.shape)

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for fitter in PURCHASE_MODELS:
            model = fitted_model(by_fitter.get(fitter, {}))
            if model is not None:
                predictions[f"{fitter}_probability_alive"] = np.asarray(
                    model.conditional_probability_alive(frequency, recency, age), dtype=float
                )
        if purchase is not None:
            predictions["probability_alive"] = predictions[f"{purchase_fitter}_probability_alive"]
            predictions["expected_orders"] = _purchases(purchase, purchase_fitter, horizon, frequency, recency, age)
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
        if purchase is not None and gamma_gamma is not None:
            # no sales, no margin: the customer's own mean profit per order day
            profit_per_order = np.where(np.isfinite(margin), order_value * margin, own_profit_per_day)
            predictions["predicted_value"] = predictions["expected_orders"].to_numpy() * profit_per_order
            lifetime = np.zeros_like(frequency)
            previous = np.zeros_like(frequency)
            for year in range(1, int(lifetime_years) + 1):
                cumulative = _purchases(purchase, purchase_fitter, year * DAYS_PER_YEAR, frequency, recency, age)
                lifetime += (cumulative - previous) * profit_per_order / (1 + annual_discount_rate) ** (year - 0.5)
                previous = cumulative
            predictions["predicted_lifetime_value"] = lifetime

    # a non-finite prediction (a degenerate customer) is null, not NaN or inf,
    # and the customer's status says so
    not_finite = np.zeros(len(predictions), dtype=bool)
    for column in [*PREDICTION_COLUMNS, *(f"{fitter}_probability_alive" for fitter in PURCHASE_MODELS)]:
        values = predictions[column].to_numpy(dtype=float)
        finite = np.isfinite(values)
        if column in PREDICTION_COLUMNS and predictions["forecast_status"].iloc[0] == "forecast":
            not_finite |= ~finite
        predictions[column] = np.where(finite, values, np.nan)
    predictions.loc[not_finite, "forecast_status"] = "prediction_not_finite"
    return predictions
