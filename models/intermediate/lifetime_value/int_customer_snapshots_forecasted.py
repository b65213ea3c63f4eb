"""Purchase model x Gamma-Gamma forecast: one row per snapshot x customer.

For every snapshot of int_customer_histories_summarized, the customers are
forecast with that snapshot's fits from int_clv_models_fitted (the parameters
are read, not fitted again, so the published fits are the ones used):
probability_alive (of the chosen purchase model, `purchase_model`; every
candidate's beside it for the backtest), expected_orders within horizon_days,
expected_order_value
(sales per order), predicted_value (profit over the horizon: orders x order
sales x the customer's profit margin, negative for a loss-making customer) and
predicted_lifetime_value (that profit over var `clv_lifetime_years` years,
discounted at var `clv_discount_rate`). When a snapshot's fit did not
converge, its predictions are null, is_fit_converged is false and
forecast_status says why.

customer_lifetime_value publishes the `analysis_date` snapshot; the backtest
scores the `backtest_cutoff` one, whose horizon is the cutoff to the analysis
date, the period it is judged on.
"""

import pandas as pd

from customer_value.lifetime_value import forecast
from customer_value.snapshots import snapshot_frame, snapshot_names, typed

INPUT_COLUMNS = [
    "customer_id",
    "as_of_date",
    "horizon_days",
    "repeat_order_days",
    "length_days",
    "age_days",
    "avg_repeat_order_sales",
    "profit_margin",
    "total_profit",
    "order_days",
]
SCHEMA = [
    ("snapshot_name", "varchar"),
    ("as_of_date", "date"),
    ("customer_id", "bigint"),
    ("horizon_days", "bigint"),
    ("probability_alive", "double"),
    ("expected_orders", "double"),
    ("expected_order_value", "double"),
    ("predicted_value", "double"),
    ("predicted_lifetime_value", "double"),
    ("bg_nbd_probability_alive", "double"),
    ("mbg_nbd_probability_alive", "double"),
    ("pareto_nbd_probability_alive", "double"),
    ("purchase_model", "varchar"),
    ("forecast_status", "varchar"),
    ("is_fit_converged", "boolean"),
]


def model(dbt, session):
    annual_discount_rate = float(dbt.config.meta_get("clv_discount_rate"))
    lifetime_years = int(dbt.config.meta_get("clv_lifetime_years"))

    histories = dbt.ref("int_customer_histories_summarized")
    fits = dbt.ref("int_clv_models_fitted").df()
    results = []
    for snapshot in snapshot_names(histories):
        history = snapshot_frame(histories, snapshot, INPUT_COLUMNS)
        if history.empty:
            continue
        records = fits[fits["snapshot_name"] == snapshot].to_dict("records")
        forecasted = forecast(
            history,
            records,
            history["horizon_days"].to_numpy(dtype=float),
            annual_discount_rate=annual_discount_rate,
            lifetime_years=lifetime_years,
        )
        forecasted.insert(0, "snapshot_name", snapshot)
        forecasted["as_of_date"] = pd.to_datetime(forecasted["as_of_date"]).dt.date
        results.append(typed(session, forecasted, SCHEMA))

    if not results:
        return typed(session, pd.DataFrame(columns=[column for column, _ in SCHEMA]), SCHEMA)
    forecasts = results[0]
    for snapshot_forecasts in results[1:]:
        forecasts = forecasts.union(snapshot_forecasts)  # UNION ALL
    return forecasts
