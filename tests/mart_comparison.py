"""Compare the exported marts of two runs cell by cell (docs/engines.md): text, integers,
dates and booleans exactly, doubles within a relative tolerance.

Rows are matched by sorting on every column that is not a double, then on the
doubles; the K-Means and probabilistic CLV marts, and the backtest rows of the
models that come from Python models (K-Means, the purchase models), exist only where dbt runs
Python models (DuckDB), so they are left out of the comparison.
"""

from __future__ import annotations

import math
from pathlib import Path

import duckdb

PYTHON_ONLY_MARTS = {"customer_clusters", "customer_cluster_quality", "customer_lifetime_value", "clv_model_fits"}
PYTHON_ONLY_BACKTEST_MODELS = (
    "kmeans_clusters",
    "bgnbd_expected_orders",
    "bgnbd_gamma_gamma_value",
    "bg_nbd_probability_alive",
    "mbg_nbd_probability_alive",
    "pareto_nbd_probability_alive",
)
# the marts with a `model` column whose Python-model rows are left out
BACKTEST_MARTS = {"segment_backtest", "backtest_gains"}
FLOATING = ("DOUBLE", "FLOAT", "REAL")


def mart_names(export_dir: Path) -> set[str]:
    return {path.stem for path in Path(export_dir).glob("*.parquet")}


def read_mart(export_dir: Path, name: str) -> tuple[list[tuple[str, str]], list[tuple]]:
    path = str(Path(export_dir) / f"{name}.parquet").replace("'", "''")
    con = duckdb.connect()
    try:
        columns = [(row[0], row[1]) for row in con.execute(f"describe select * from '{path}'").fetchall()]
        keys = [f'"{n}"' for n, t in columns if t not in FLOATING] + [f'"{n}"' for n, t in columns if t in FLOATING]
        where = ""
        if name in BACKTEST_MARTS:
            models = ", ".join(f"'{model}'" for model in PYTHON_ONLY_BACKTEST_MODELS)
            where = f" where model not in ({models})"
        rows = con.execute(f"select * from '{path}'{where} order by {', '.join(keys)}").fetchall()
    finally:
        con.close()
    return columns, rows


def _equal(left, right, is_double: bool, rel_tol: float) -> bool:
    if left is None or right is None:
        return left is None and right is None
    if is_double:
        return math.isclose(left, right, rel_tol=rel_tol, abs_tol=1e-12)
    return left == right


def mart_differences(expected_dir: Path, actual_dir: Path, rel_tol: float = 1e-9, limit: int = 10) -> list[str]:
    """What differs between the SQL marts of two export folders (empty when equal)."""
    problems = []
    expected_marts = mart_names(expected_dir) - PYTHON_ONLY_MARTS
    actual_marts = mart_names(actual_dir) - PYTHON_ONLY_MARTS
    if expected_marts != actual_marts:
        problems.append(f"marts differ: {sorted(expected_marts ^ actual_marts)}")
    for name in sorted(expected_marts & actual_marts):
        expected_columns, expected_rows = read_mart(expected_dir, name)
        actual_columns, actual_rows = read_mart(actual_dir, name)
        if expected_columns != actual_columns:
            problems.append(f"{name}: columns {expected_columns} != {actual_columns}")
            continue
        if len(expected_rows) != len(actual_rows):
            problems.append(f"{name}: {len(expected_rows)} rows != {len(actual_rows)} rows")
            continue
        doubles = [data_type in FLOATING for _, data_type in expected_columns]
        for expected_row, actual_row in zip(expected_rows, actual_rows):
            for (column, _), is_double, left, right in zip(expected_columns, doubles, expected_row, actual_row):
                if not _equal(left, right, is_double, rel_tol):
                    problems.append(f"{name}.{column}: {left!r} != {right!r} (row {expected_row[:3]})")
                    if len(problems) >= limit:
                        return problems
    return problems
