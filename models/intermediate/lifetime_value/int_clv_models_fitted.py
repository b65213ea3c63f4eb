"""The purchase-model and Gamma-Gamma fits (lifetimes): one row per snapshot x fitter.

For every snapshot of int_customer_histories_summarized (`analysis_date`: the
published forecast; `backtest_cutoff`: the forecast the backtest scores), each
snapshot fitted on its own customers: the three purchase models BG/NBD, MBG/NBD
and Pareto/NBD (repeat order days and dropout) on every customer, one of them
chosen (the highest log-likelihood), and Gamma-Gamma (sales per order) on the
customers with a repeat order. Maximum likelihood; the penalizer of var
`clv_bgnbd_penalizer` (purchase models) or `clv_gamma_gamma_penalizer` only
when the plain fit fails, and said (`fit_method`, `message`). Below the minimum
data (vars `clv_min_customers`, `clv_min_repeat_customers`) a model is a row
with status `below_minimum_data`. Each row has the fitted parameters, the
log-likelihood, the status and the customers fitted. A fit that does not
converge is a row with `is_converged` false, not a failed model.
int_customer_snapshots_forecasted forecasts from these parameters; the mart
clv_model_fits publishes them.

The fitting is customer_value/lifetime_value.py (shared with the tests).
"""

import pandas as pd

from customer_value.lifetime_value import DIAGNOSTIC_FIELDS, fit
from customer_value.snapshots import snapshot_frame, snapshot_names, typed

INPUT_COLUMNS = [
    "customer_id",
    "as_of_date",
    "repeat_order_days",
    "length_days",
    "age_days",
    "avg_repeat_order_sales",
]
SCHEMA = [
    ("snapshot_name", "varchar"),
    ("as_of_date", "date"),
    ("fitter", "varchar"),
    ("customers", "bigint"),
    ("repeat_customers", "bigint"),
    ("status", "varchar"),
    ("is_converged", "boolean"),
    ("message", "varchar"),
    ("fit_method", "varchar"),
    ("penalizer_coef", "double"),
    ("is_chosen", "boolean"),
    ("log_likelihood", "double"),
    ("r", "double"),
    ("alpha", "double"),
    ("a", "double"),
    ("b", "double"),
    ("s", "double"),
    ("beta", "double"),
    ("p", "double"),
    ("q", "double"),
    ("v", "double"),
]


def model(dbt, session):
    settings = {
        "purchase_penalizer": float(dbt.config.meta_get("clv_bgnbd_penalizer")),
        "gamma_gamma_penalizer": float(dbt.config.meta_get("clv_gamma_gamma_penalizer")),
        "min_customers": int(dbt.config.meta_get("clv_min_customers")),
        "min_repeat_customers": int(dbt.config.meta_get("clv_min_repeat_customers")),
    }

    histories = dbt.ref("int_customer_histories_summarized")
    rows = []
    for snapshot in snapshot_names(histories):
        history = snapshot_frame(histories, snapshot, INPUT_COLUMNS)
        as_of_date = pd.to_datetime(history["as_of_date"].iloc[0]).date() if len(history) else None
        for record in fit(history, **settings):
            rows.append({"snapshot_name": snapshot, "as_of_date": as_of_date, **record})

    columns = [column for column, _ in SCHEMA]
    fits = pd.DataFrame(rows, columns=["snapshot_name", "as_of_date", *DIAGNOSTIC_FIELDS])[columns]
    return typed(session, fits, SCHEMA)
