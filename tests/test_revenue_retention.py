"""Independent check of the revenue retention marts (docs/analytics.md).

A plain pandas implementation written from the definitions, sharing no code or SQL
with the dbt models, recomputes every customer's revenue now and a year before,
its movement class, and the `all` rows of net_revenue_retention (the bridge and
the three ratios) at every period end of the bundled sample, and compares them
with the marts of a sample build. Money is summed as Decimal, as the marts sum it
in an exact type, so revenues and the bridge compare exactly.

The warehouse comes from the `build_project` fixture (tests/conftest.py).
"""

from __future__ import annotations

import calendar
import math
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
SAMPLE_CSV = PROJECT_DIR / "data" / "sample" / "aws_saas_sales.csv"
YEAR = timedelta(days=365)


def sample_orders() -> pd.DataFrame:
    """One row per order: customer, date and Sales (every line of the sample is clean)."""
    lines = pd.read_csv(SAMPLE_CSV, dtype=str)
    lines["order_date"] = pd.to_datetime(lines["Order Date"], format="%m/%d/%Y").dt.date
    lines["sales"] = lines["Sales"].map(Decimal)
    lines["customer_id"] = lines["Customer ID"].astype(int)
    return lines.groupby(["Order ID", "customer_id"], as_index=False).agg(
        order_date=("order_date", "min"), sales=("sales", "sum")
    )


def quarters_back(day: date, k: int) -> date:
    """`day` minus k quarters (3k months at once), the day clamped to the month's length."""
    year, month = divmod(day.year * 12 + day.month - 1 - 3 * k, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def period_ends(orders: pd.DataFrame) -> list[date]:
    analysis_date = max(orders["order_date"]) + timedelta(days=1)
    first = min(orders["order_date"])
    ends, k = [], 0
    while quarters_back(analysis_date, k) - 2 * YEAR >= first:
        ends.append(quarters_back(analysis_date, k))
        k += 1
    return sorted(ends)


def expected_movements(orders: pd.DataFrame) -> pd.DataFrame:
    rows = []
    first_orders = orders.groupby("customer_id")["order_date"].min()
    for end in period_ends(orders):
        for customer_id, first_order in first_orders.items():
            if first_order >= end:
                continue
            own = orders[orders["customer_id"] == customer_id]
            now = sum(own.loc[(own["order_date"] >= end - YEAR) & (own["order_date"] < end), "sales"], Decimal(0))
            before = sum(
                own.loc[(own["order_date"] >= end - 2 * YEAR) & (own["order_date"] < end - YEAR), "sales"], Decimal(0)
            )
            if now == 0 and before == 0:
                continue
            if before > 0:
                movement = (
                    "expansion"
                    if now > before
                    else "flat"
                    if now == before
                    else "contraction"
                    if now > 0
                    else "churned"
                )
            else:
                movement = "new" if first_order >= end - YEAR else "reactivated"
            rows.append(
                {
                    "period_end": end,
                    "customer_id": customer_id,
                    "revenue": now,
                    "revenue_year_before": before,
                    "movement": movement,
                }
            )
    return pd.DataFrame(rows)


def frame(con, sql: str) -> pd.DataFrame:
    """Rows as Python values: decimals stay Decimal (.df() would make them floats)."""
    cursor = con.execute(sql)
    return pd.DataFrame(cursor.fetchall(), columns=[column[0] for column in cursor.description])


@pytest.fixture(scope="module")
def marts(build_project):
    with duckdb.connect(str(build_project()), read_only=True) as con:
        movements = frame(
            con,
            "select period_end, customer_id, revenue, revenue_year_before, movement, movement_amount"
            " from marts.customer_revenue_movements order by period_end, customer_id",
        )
        retention = frame(con, "select * from marts.net_revenue_retention where dimension = 'all' order by period_end")
    return movements, retention


def test_every_customer_movement_matches_an_independent_count(marts):
    movements, _ = marts
    expected = expected_movements(sample_orders())

    assert len(expected) > 500  # the sample: 8 period ends x about 90 customers
    assert sorted(set(expected["period_end"])) == sorted(set(movements["period_end"]))
    actual_rows = {(r.period_end, r.customer_id): r for r in movements.itertuples(index=False)}
    expected_rows = {(r.period_end, r.customer_id): r for r in expected.itertuples(index=False)}
    assert sorted(actual_rows) == sorted(expected_rows)
    for key, want in expected_rows.items():
        got = actual_rows[key]
        assert (got.revenue, got.revenue_year_before, got.movement) == (
            want.revenue,
            want.revenue_year_before,
            want.movement,
        ), key
        assert got.movement_amount == want.revenue - want.revenue_year_before, key
    assert set(expected["movement"]) == {"new", "expansion", "contraction", "churned", "reactivated"}


def test_the_all_rows_match_the_definitions_and_the_bridge_holds(marts):
    _, retention = marts
    expected = expected_movements(sample_orders())

    assert len(retention) == len(set(expected["period_end"]))
    for row in retention.itertuples(index=False):
        at = expected[expected["period_end"] == row.period_end]
        had = at[at["revenue_year_before"] > 0]
        amount = {
            m: sum(
                at.loc[at["movement"] == m, "revenue"] - at.loc[at["movement"] == m, "revenue_year_before"], Decimal(0)
            )
            for m in ("new", "expansion", "reactivated", "contraction", "churned")
        }
        assert row.revenue_year_before == sum(at["revenue_year_before"], Decimal(0))
        assert row.revenue == sum(at["revenue"], Decimal(0))
        assert (row.new_revenue, row.expansion_revenue, row.reactivated_revenue) == (
            amount["new"],
            amount["expansion"],
            amount["reactivated"],
        )
        assert (row.contraction_revenue, row.churned_revenue) == (-amount["contraction"], -amount["churned"])
        assert row.revenue == (
            row.revenue_year_before
            + row.new_revenue
            + row.expansion_revenue
            + row.reactivated_revenue
            - row.contraction_revenue
            - row.churned_revenue
        )
        before = sum(had["revenue_year_before"], Decimal(0))
        nrr = sum(had["revenue"], Decimal(0)) / before
        grr = sum((min(n, b) for n, b in zip(had["revenue"], had["revenue_year_before"])), Decimal(0)) / before
        logo = Decimal(int((had["revenue"] > 0).sum())) / len(had)
        for got, want in (
            (row.net_revenue_retention, nrr),
            (row.gross_revenue_retention, grr),
            (row.logo_retention, logo),
        ):
            assert math.isclose(got, float(want), rel_tol=1e-12), (row.period_end, got, want)
