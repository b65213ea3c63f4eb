"""Independent check of the LRFM metrics and scores in marts.customer_segments.

A plain pandas implementation written from the definitions (docs/cleaning.md and docs/analytics.md: cleaning, metrics,
scores and value segments), sharing no code or SQL with the dbt models,
recomputes L, R, F, M and the four scores of every customer of the bundled
sample and compares them with the mart, customer by customer, for both score
methods (`ntile` and `quantile`).

The warehouse comes from the `build_project` fixture (tests/conftest.py):
build_project(vars) -> Path of a DuckDB file built by `dbt build` on the sample.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

import duckdb
import pandas as pd
import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
SAMPLE_CSV = PROJECT_DIR / "data" / "sample" / "aws_saas_sales.csv"

# docs/analytics.md defaults (dbt_project.yml vars).
HIGH_VALUE_MIN_LRFM_SCORE = 13
MID_VALUE_MIN_LRFM_SCORE = 9


# --- cleaning (docs/cleaning.md, the rules that can apply to a well-formed file) --------


def _decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _order_date(text: str | None) -> pd.Timestamp | None:
    if text is None:
        return None
    for fmt in ("%m/%d/%Y", "%Y-%m-%d"):
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
        if not pd.isna(parsed):
            return parsed
    return None


def clean_order_lines(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw = raw.apply(lambda column: column.str.strip()).replace("", None)

    lines = pd.DataFrame(
        {
            "row_id": pd.to_numeric(raw["Row ID"], errors="coerce"),
            "order_id": raw["Order ID"],
            "order_date": raw["Order Date"].map(_order_date),
            "date_key": pd.to_numeric(raw["Date Key"], errors="coerce"),
            "customer_id": pd.to_numeric(raw["Customer ID"], errors="coerce"),
            "sales": raw["Sales"].map(_decimal),
            "quantity": pd.to_numeric(raw["Quantity"], errors="coerce"),
            "discount": raw["Discount"].map(_decimal),
            "profit": raw["Profit"].map(_decimal),
        }
    )
    expected_key = lines["order_date"].map(
        lambda d: None if d is None or pd.isna(d) else d.year * 10000 + d.month * 100 + d.day
    )
    is_clean = (
        raw.duplicated(keep="first").map(lambda duplicate: not duplicate)
        & lines["row_id"].notna()
        & ~lines["row_id"].duplicated(keep="first")
        & lines["order_id"].notna()
        & lines["customer_id"].notna()
        & lines["order_date"].notna()
        & (lines["date_key"] == expected_key)
        & lines["sales"].map(lambda v: v is not None and v >= 0)
        & (lines["quantity"] >= 1)
        & lines["discount"].map(lambda v: v is not None and 0 <= v <= 1)
        & lines["profit"].notna()
    )
    clean = lines[is_clean].copy()
    clean["customer_id"] = clean["customer_id"].astype("int64")
    return clean


# --- metrics (docs/analytics.md) ---------------------------------------------------------


def customer_metrics(lines: pd.DataFrame, monetary_measure: str = "profit") -> pd.DataFrame:
    analysis_date = lines["order_date"].max() + pd.Timedelta(days=1)
    lines = lines[lines["order_date"] < analysis_date]
    rows = []
    for customer_id, group in lines.groupby("customer_id"):
        first, last = group["order_date"].min(), group["order_date"].max()
        rows.append(
            {
                "customer_id": int(customer_id),
                "analysis_date": analysis_date.date(),
                "first_order_date": first.date(),
                "last_order_date": last.date(),
                "length_days": (last - first).days,
                "recency_days": (analysis_date - last).days,
                "frequency": group["order_id"].nunique(),
                "monetary": sum(group[monetary_measure], Decimal(0)),
            }
        )
    return pd.DataFrame(rows).set_index("customer_id").sort_index()


# --- scores (docs/analytics.md) ----------------------------------------------------------


def ntile(n_rows: int, buckets: int = 4) -> list[int]:
    """SQL NTILE(buckets) over n_rows ordered rows: bucket of each position.

    Buckets get n // buckets rows each, and the first n % buckets buckets one
    more, in order.
    """
    size, remainder = divmod(n_rows, buckets)
    result = []
    for bucket in range(1, buckets + 1):
        result += [bucket] * (size + (1 if bucket <= remainder else 0))
    return result


def ntile_scores(values: pd.Series, ascending: bool) -> pd.Series:
    """NTILE(4) ordered by value (asc or desc), ties by customer id ascending."""
    frame = pd.DataFrame({"value": values.astype(float).to_numpy(), "customer_id": values.index.to_numpy()})
    frame = frame.sort_values(["value", "customer_id"], ascending=[ascending, True], kind="mergesort")
    return pd.Series(ntile(len(frame)), index=frame["customer_id"]).reindex(values.index)


def quantile_scores(values: pd.Series, ascending: bool) -> pd.Series:
    """1 + (v > q25) + (v > q50) + (v > q75), linear quartiles; 5 minus that when descending."""
    as_float = values.astype(float)
    q25, q50, q75 = (as_float.quantile(q, interpolation="linear") for q in (0.25, 0.5, 0.75))
    score = 1 + (as_float > q25).astype(int) + (as_float > q50).astype(int) + (as_float > q75).astype(int)
    return score if ascending else 5 - score


def expected_segments(metrics: pd.DataFrame, score_method: str) -> pd.DataFrame:
    score = ntile_scores if score_method == "ntile" else quantile_scores
    expected = metrics.copy()
    expected["l_score"] = score(metrics["length_days"], ascending=True)
    expected["r_score"] = score(metrics["recency_days"], ascending=False)
    expected["f_score"] = score(metrics["frequency"], ascending=True)
    expected["m_score"] = score(metrics["monetary"], ascending=True)
    expected["lrfm_score"] = expected[["l_score", "r_score", "f_score", "m_score"]].sum(axis=1)
    expected["lrfm_code"] = (
        expected["l_score"].astype(str)
        + expected["r_score"].astype(str)
        + expected["f_score"].astype(str)
        + expected["m_score"].astype(str)
    )
    expected["value_segment"] = expected["lrfm_score"].map(
        lambda s: (
            "High-Value"
            if s >= HIGH_VALUE_MIN_LRFM_SCORE
            else "Mid-Value"
            if s >= MID_VALUE_MIN_LRFM_SCORE
            else "Low-Value"
        )
    )
    return expected


# --- the checks ----------------------------------------------------------------

COLUMNS = [
    "analysis_date",
    "first_order_date",
    "last_order_date",
    "length_days",
    "recency_days",
    "frequency",
    "monetary",
    "l_score",
    "r_score",
    "f_score",
    "m_score",
    "lrfm_score",
    "lrfm_code",
    "value_segment",
]


def read_mart(warehouse: Path) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        # monetary as text: the exact decimal, not a float
        columns = ", ".join("cast(monetary as varchar) as monetary" if c == "monetary" else c for c in COLUMNS)
        mart = connection.sql(f"select customer_id, score_method, {columns} from marts.customer_segments").df()
    mart["customer_id"] = mart["customer_id"].astype("int64")
    for column in ("analysis_date", "first_order_date", "last_order_date"):
        mart[column] = pd.to_datetime(mart[column]).dt.date
    return mart.set_index("customer_id").sort_index()


@pytest.fixture(scope="module")
def sample_metrics() -> pd.DataFrame:
    assert SAMPLE_CSV.exists(), f"missing sample {SAMPLE_CSV}"
    return customer_metrics(clean_order_lines(SAMPLE_CSV))


@pytest.mark.unit
def test_ntile_reimplementation_matches_sql_definition():
    # 5 rows -> buckets of 2, 1, 1, 1; 8 rows -> 2 each; 3 rows -> buckets 1..3
    assert ntile(5) == [1, 1, 2, 3, 4]
    assert ntile(8) == [1, 1, 2, 2, 3, 3, 4, 4]
    assert ntile(3) == [1, 2, 3]


@pytest.mark.unit
def test_sample_has_the_spec_shape(sample_metrics):
    assert len(sample_metrics) == 99
    assert str(sample_metrics["analysis_date"].iloc[0]) == "2024-01-01"


@pytest.mark.parametrize("score_method", ["ntile", "quantile"])
def test_customer_segments_match_independent_pandas(build_project, sample_metrics, score_method):
    mart = read_mart(build_project({"score_method": score_method}))
    expected = expected_segments(sample_metrics, score_method)

    assert (mart["score_method"] == score_method).all()
    assert list(mart.index) == list(expected.index), "customers differ"

    mismatches = []
    for customer_id in expected.index:
        for column in COLUMNS:
            want, got = expected.at[customer_id, column], mart.at[customer_id, column]
            if column == "monetary":
                equal = Decimal(got) == want
            elif column in ("lrfm_code", "value_segment") or column.endswith("_date"):
                equal = got == want
            else:
                equal = int(got) == int(want)
            if not equal:
                mismatches.append(f"customer {customer_id} {column}: mart {got!r} != pandas {want!r}")
    assert not mismatches, f"{len(mismatches)} mismatches:\n" + "\n".join(mismatches[:40])
