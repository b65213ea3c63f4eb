"""BG/NBD and Gamma-Gamma fits (lifetimes): one row per snapshot x fitter.

For every snapshot of int_customer_histories_summarized (`analysis_date`: the
published forecast; `backtest_cutoff`: the forecast the backtest scores), each
snapshot fitted on its own customers: BG/NBD (repeat order days and dropout) on
every customer, Gamma-Gamma (sales per order) on the customers with a repeat
order. Each row has the fitted parameters (BG/NBD r, alpha in days, a, b;
Gamma-Gamma p, q, v), the log-likelihood, whether the fit converged and why
not, and the customers fitted. A fit that does not converge is a row with
`is_converged` false, not a failed model. int_customer_snapshots_forecasted
forecasts from these parameters; the mart clv_model_fits publishes them.

The fitting is customer_value/lifetime_value.py (shared with the tests).
"""

import pandas as pd

from customer_value.lifetime_value import DIAGNOSTIC_FIELDS, fit
from customer_value.snapshots import snapshot_frame, snapshot_names, typed

INPUT_COLUMNS = [
    "customer_id", "as_of_date", "repeat_order_days", "length_days", "age_days",
    "avg_repeat_order_sales",
]
SCHEMA = [
    ("snapshot_name", "varchar"),
    ("as_of_date", "date"),
    ("fitter", "varchar"),
    ("customers", "bigint"),
    ("is_converged", "boolean"),
    ("message", "varchar"),
    ("log_likelihood", "double"),
    ("penalizer_coef", "double"),
    ("r", "double"),
    ("alpha", "double"),
    ("a", "double"),
    ("b", "double"),
    ("p", "double"),
    ("q", "double"),
    ("v", "double"),
]


def model(dbt, session):
    bgnbd_penalizer = float(dbt.config.meta_get("clv_bgnbd_penalizer"))
    gamma_gamma_penalizer = float(dbt.config.meta_get("clv_gamma_gamma_penalizer"))

    histories = dbt.ref("int_customer_histories_summarized")
    rows = []
    for snapshot in snapshot_names(histories):
        history = snapshot_frame(histories, snapshot, INPUT_COLUMNS)
        as_of_date = pd.to_datetime(history["as_of_date"].iloc[0]).date() if len(history) else None
        for record in fit(history, bgnbd_penalizer=bgnbd_penalizer, gamma_gamma_penalizer=gamma_gamma_penalizer):
            rows.append({"snapshot_name": snapshot, "as_of_date": as_of_date, **record})

    columns = [column for column, _ in SCHEMA]
    fits = pd.DataFrame(rows, columns=["snapshot_name", "as_of_date", *DIAGNOSTIC_FIELDS])[columns]
    return typed(session, fits, SCHEMA)
