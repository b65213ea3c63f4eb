"""The contenders that are not the runner, each run in a child process:
the hand-written DuckDB floor, pandas, pandas the notebook way; and the
comparison of their segments with the project's customer_segments.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from customer_value.benchmark.settings import (
    HIGH_VALUE_MIN_LRFM_SCORE,
    MID_VALUE_MIN_LRFM_SCORE,
    SEGMENT_COLUMNS,
)

# The floor: one hand-written DuckDB query, LRFM as in docs/analytics.md (profit as M,
# analysis date = the day after the last order date, NTILE(4) with L, F, M
# ascending, R by recency_days descending, ties by customer_id ascending). It
# reads only the four columns it needs and writes the result, so it runs fully.
FLOOR_SQL = """
copy (
    with order_lines as (
        select
            cast("Customer ID" as bigint) as customer_id,
            cast("Order ID" as varchar) as order_id,
            cast(strptime(cast("Order Date" as varchar), '%m/%d/%Y') as date) as order_date,
            cast("Profit" as decimal(18, 4)) as profit
        from {reader}
    ),
    customers as (
        select
            customer_id,
            min(order_date) as first_order_date,
            max(order_date) as last_order_date,
            count(distinct order_id) as frequency,
            sum(profit) as monetary
        from order_lines
        group by customer_id
    ),
    measured as (
        select
            *,
            last_order_date - first_order_date as length_days,
            (max(last_order_date) over () + 1) - last_order_date as recency_days
        from customers
    ),
    scored as (
        select
            *,
            ntile(4) over (order by length_days asc, customer_id asc) as l_score,
            ntile(4) over (order by recency_days desc, customer_id asc) as r_score,
            ntile(4) over (order by frequency asc, customer_id asc) as f_score,
            ntile(4) over (order by monetary asc, customer_id asc) as m_score
        from measured
    )
    select
        *,
        l_score + r_score + f_score + m_score as lrfm_score,
        case
            when l_score + r_score + f_score + m_score >= {high} then 'High-Value'
            when l_score + r_score + f_score + m_score >= {mid} then 'Mid-Value'
            else 'Low-Value'
        end as value_segment
    from scored
) to {output} (format parquet)
"""


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def floor_sql(input_path: str, output_path: str) -> str:
    if input_path.lower().endswith(".parquet"):
        reader = f"read_parquet({_sql_string(input_path)})"
    else:
        types = "{'Customer ID': 'BIGINT', 'Order Date': 'VARCHAR', 'Profit': 'DECIMAL(18,4)'}"
        reader = f"read_csv({_sql_string(input_path)}, header = true, types = {types})"
    return FLOOR_SQL.format(
        reader=reader,
        output=_sql_string(output_path),
        high=HIGH_VALUE_MIN_LRFM_SCORE,
        mid=MID_VALUE_MIN_LRFM_SCORE,
    )


def run_floor(input_path: str, output_path: str, threads: int, memory_limit: str, temp_dir: str) -> None:
    import duckdb

    connection = duckdb.connect()
    connection.execute(f"set threads = {int(threads)}")
    connection.execute(f"set memory_limit = {_sql_string(memory_limit)}")
    connection.execute(f"set temp_directory = {_sql_string(temp_dir)}")
    connection.execute(floor_sql(input_path, output_path))
    connection.close()


def ntile_buckets(ranks, n_rows: int, buckets: int = 4):
    """SQL NTILE(buckets) of rows ranked 1..n: the first n % buckets buckets get one row more.

    (pd.qcut of the ranks into 4 is close but not the same: its edges are the
    interpolated quantiles 1 + (n - 1) k / 4, so a row at a bucket edge can land
    one bucket off; see the agreement notes of the report.)
    """
    import numpy as np

    size, extra = divmod(n_rows, buckets)
    last_rank_of_bucket = np.cumsum([size + (1 if bucket < extra else 0) for bucket in range(buckets)])
    return np.searchsorted(last_rank_of_bucket, np.asarray(ranks), side="left") + 1


LRFM_COLUMNS = ["Customer ID", "Order ID", "Order Date", "Profit"]


def run_pandas(input_path: str, output_path: str) -> None:
    """Read only the four columns LRFM needs, typed, then pandas_lrfm."""

    def read_lines():
        import pandas as pd

        if input_path.lower().endswith(".parquet"):
            return pd.read_parquet(input_path, columns=LRFM_COLUMNS)  # needs pyarrow or fastparquet
        return pd.read_csv(
            input_path,
            usecols=LRFM_COLUMNS,
            dtype={"Customer ID": "int64", "Order ID": "str", "Order Date": "str", "Profit": "float64"},
        )

    pandas_lrfm(read_lines, output_path)


def run_notebook(input_path: str, output_path: str) -> None:
    """The notebook way: every column with pandas' default types, drop_duplicates(), then pandas_lrfm."""

    def read_lines():
        import pandas as pd

        if input_path.lower().endswith(".parquet"):
            lines = pd.read_parquet(input_path)
        else:
            lines = pd.read_csv(input_path)
        return lines.drop_duplicates()

    pandas_lrfm(read_lines, output_path)


def pandas_lrfm(read_lines, output_path: str) -> None:
    """The LRFM segments of the lines `read_lines()` returns, written to `output_path`.

    It takes a function rather than a frame so that it holds the only reference to
    the lines and can free them after the groupby, as a script that reads and
    aggregates in one place does: the peak memory is then the lines' alone.
    """
    import pandas as pd

    lines = read_lines()
    lines["Order Date"] = pd.to_datetime(lines["Order Date"], format="%m/%d/%Y")
    customers = lines.groupby("Customer ID").agg(
        first_order_date=("Order Date", "min"),
        last_order_date=("Order Date", "max"),
        frequency=("Order ID", "nunique"),
        monetary=("Profit", "sum"),
    )
    del lines
    # Float sums of 4-decimal profits: round back to 4 decimals so equal totals tie exactly.
    customers["monetary"] = customers["monetary"].round(4)
    analysis_date = customers["last_order_date"].max() + pd.Timedelta(days=1)
    customers["length_days"] = (customers["last_order_date"] - customers["first_order_date"]).dt.days
    customers["recency_days"] = (analysis_date - customers["last_order_date"]).dt.days
    # groupby sorts by customer id, and rank(method="first") breaks ties by position:
    # ties go by customer id ascending, as in the project.
    n_rows = len(customers)
    for score, column, ascending in (
        ("l_score", "length_days", True),
        ("r_score", "recency_days", False),
        ("f_score", "frequency", True),
        ("m_score", "monetary", True),
    ):
        ranks = customers[column].rank(method="first", ascending=ascending)
        customers[score] = ntile_buckets(ranks, n_rows)
    customers["lrfm_score"] = customers[["l_score", "r_score", "f_score", "m_score"]].sum(axis=1)
    customers["value_segment"] = pd.cut(
        customers["lrfm_score"],
        bins=[0, MID_VALUE_MIN_LRFM_SCORE - 1, HIGH_VALUE_MIN_LRFM_SCORE - 1, 16],
        labels=["Low-Value", "Mid-Value", "High-Value"],
    ).astype(str)
    result = customers.reset_index().rename(columns={"Customer ID": "customer_id"})
    if output_path.endswith(".parquet"):
        result.to_parquet(output_path, index=False)
    else:
        result.to_csv(output_path, index=False)


def _pandas_can_write_parquet() -> bool:
    for module in ("pyarrow", "fastparquet"):
        try:
            importlib.metadata.version(module)
            return True
        except importlib.metadata.PackageNotFoundError:
            pass
    return False


def compare_segments(project_path: str, others: dict[str, str]) -> dict:
    """Agreement of each contender's scores and value_segment with the project's mart.

    Also reports, for pandas, how often a plain pd.qcut of the ranks (the usual
    notebook shortcut) would agree, to show why the NTILE-exact bucketing is used.
    """
    import duckdb
    import pandas as pd

    def load(path: str):
        reader = "read_parquet" if path.endswith(".parquet") else "read_csv"
        return duckdb.sql(f"select * from {reader}({_sql_string(path)})").df().set_index("customer_id").sort_index()

    project = load(project_path)
    report: dict = {"project_customers": len(project)}
    for name, path in others.items():
        if path is None or not Path(path).exists():
            report[name] = {"status": "no result to compare"}
            continue
        other = load(path)
        common = project.index.intersection(other.index)
        entry = {
            "customers": len(other),
            "missing_in_contender": int(len(project.index.difference(other.index))),
            "extra_in_contender": int(len(other.index.difference(project.index))),
        }
        for column in SEGMENT_COLUMNS:
            same = (project.loc[common, column].astype(str) == other.loc[common, column].astype(str)).sum()
            entry[f"{column}_agreement"] = float(same) / len(project) if len(project) else None
        entry["value_segment_disagreements"] = int(
            len(project) - round(entry["value_segment_agreement"] * len(project))
        )
        if name == "pandas":
            entry["plain_qcut_value_segment_agreement"] = _plain_qcut_agreement(project, other, pd)
        report[name] = entry
    return report


def _plain_qcut_agreement(project, other, pd) -> float | None:
    """Agreement of value_segment when the scores are pd.qcut(rank(method='first'), 4)."""
    try:
        total = 0
        for column, ascending in (
            ("length_days", True),
            ("recency_days", False),
            ("frequency", True),
            ("monetary", True),
        ):
            ranks = other[column].astype(float).rank(method="first", ascending=ascending)
            total = total + pd.qcut(ranks, 4, labels=False) + 1
        segment = pd.cut(
            total,
            bins=[0, MID_VALUE_MIN_LRFM_SCORE - 1, HIGH_VALUE_MIN_LRFM_SCORE - 1, 16],
            labels=["Low-Value", "Mid-Value", "High-Value"],
        ).astype(str)
        common = project.index.intersection(segment.index)
        return float((project.loc[common, "value_segment"] == segment.loc[common]).sum()) / len(project)
    except Exception:  # noqa: BLE001 (a diagnostic only: any failure is no agreement figure)
        return None
