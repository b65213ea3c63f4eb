"""Every legal export builds (docs/cleaning.md, docs/forecasting.md and
docs/backtest.md, "Minimum data"): small exports of awkward but legal shapes,
written here, run through the runner. Each either exits 0 with sensible marts
(no NaN or infinity in any exported double; a value that cannot be defined is
null with a stated status or a documented fallback) or exits 2 with one line.

Shapes that need no export of their own share one (`mixed`): free customers,
zero and negative margins, a free order that lost money, a 100 % discount, a
margin above 1, two orders on one day, a renamed account, non-Latin and
formula-like names, a majority of one-time buyers, the largest Sales that fits
and one that does not. The others each need their own: a single
order line, one customer, all-loss data, one year of history, a header with no
line. On PostgreSQL the SQL marts of `mixed` and `all_loss` must equal DuckDB's.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import random
from pathlib import Path

import duckdb
import pytest
from conftest import run_pipeline_in
from mart_comparison import mart_differences
from test_engines import require
from test_staging import HEADER

PRODUCTS = ["ContactMatcher", "Data Smasher", "FinanceHub", "Marketing Suite", "Site Analytics"]
START = dt.date(2021, 1, 1)
DAYS = 3 * 365  # three years of history: the backtest has two before its cutoff

FREE_CUSTOMER = 2001  # every order Sales 0, Profit 0
ZERO_MARGIN_CUSTOMER = 2002  # Sales > 0, Profit 0
LOSS_CUSTOMER = 2003  # every order lost money
FREE_LOSS_CUSTOMER = 2004  # one free order that lost money (Sales 0, Profit < 0)
RENAMED_CUSTOMER = 2005  # one Customer ID, three names (non-Latin, formula-like)
BIG_CUSTOMER = 2006  # the largest Sales that fits decimal(18,6)
LARGEST_SALES = "999999999999.99"
TOO_LARGE_SALES = "1000000000000"  # 1e12 does not fit: rejected on every engine
ONE_TIME_LONG_AGO = 3001  # one order in the first month, never again
SAME_DAY_CUSTOMER = 3002  # two orders, both on one day: one order day, no repeat
FULL_DISCOUNT_CUSTOMER = 3003  # a 100 % discount: Sales 0, Discount 1
RICH_MARGIN_CUSTOMER = 3004  # Profit above Sales (a margin above 1)


class Export:
    """Order lines of a small export, written as the AWS SaaS Sales CSV."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def order(self, customer_id: int, day: dt.date, sales, profit, *, name: str | None = None) -> None:
        number = len(self.rows) + 1
        self.rows.append(
            {
                "Row ID": number,
                "Order ID": f"AMER-{day.year}-{100000 + number}",
                "Order Date": f"{day.month}/{day.day}/{day.year}",
                "Date Key": day.strftime("%Y%m%d"),
                "Contact Name": "Ann Lee",
                "Country": "United States",
                "City": "New York City",
                "Region": "AMER",
                "Subregion": "NAMER",
                "Customer": name or f"Customer {customer_id}",
                "Customer ID": customer_id,
                "Industry": "Finance",
                "Segment": "SMB",
                "Product": PRODUCTS[(customer_id + number) % len(PRODUCTS)],
                "License": f"LIC{number:06d}",
                "Sales": sales,
                "Quantity": 1,
                "Discount": 0,
                "Profit": profit,
            }
        )

    def write(self, path: Path) -> Path:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=HEADER)
            writer.writeheader()
            writer.writerows(self.rows)
        return path


def buyers(
    export: Export,
    rng: random.Random,
    customers: range,
    *,
    days: int = DAYS,
    margin=(-0.2, 0.4),
    one_time_share: float = 0.6,
) -> None:
    """Customers who buy at their own rate until they drop out; most buy once."""
    for customer_id in customers:
        first = rng.randrange(days - 30)
        order_days = [first]
        if rng.random() >= one_time_share:
            lifetime = rng.expovariate(1 / 500)
            gap = rng.expovariate(1 / 60)
            day = first + rng.expovariate(1 / gap)
            while day < min(first + lifetime, days):
                order_days.append(int(day))
                day += rng.expovariate(1 / gap)
        spend = rng.uniform(50, 800)
        for offset in sorted(set(order_days)):
            sales = round(spend * rng.gammavariate(4, 0.25), 2)
            export.order(customer_id, START + dt.timedelta(days=offset), sales, round(sales * rng.uniform(*margin), 4))


def mixed(path: Path) -> Path:
    rng = random.Random(23)
    export = Export()
    buyers(export, rng, range(1001, 1121))
    for year in (2021, 2022, 2023):
        export.order(FREE_CUSTOMER, dt.date(year, 3, 1), 0, 0)
        export.order(ZERO_MARGIN_CUSTOMER, dt.date(year, 4, 1), 100, 0)
        export.order(LOSS_CUSTOMER, dt.date(year, 5, 1), 100, -40)
    export.order(FREE_LOSS_CUSTOMER, dt.date(2022, 6, 1), 0, -10)
    for day, name in (
        (dt.date(2021, 7, 1), '=HYPERLINK("http://x","Acme")'),
        (dt.date(2022, 7, 1), "Ünïcödé 株式会社"),
        (dt.date(2023, 7, 1), "شركة «Ромашка»"),
    ):
        export.order(RENAMED_CUSTOMER, day, 200, 50, name=name)
    export.order(BIG_CUSTOMER, dt.date(2023, 8, 1), LARGEST_SALES, 1)
    export.order(BIG_CUSTOMER, dt.date(2023, 9, 1), TOO_LARGE_SALES, 1)
    export.order(ONE_TIME_LONG_AGO, dt.date(2021, 1, 5), 300, 60)
    export.order(SAME_DAY_CUSTOMER, dt.date(2022, 2, 2), 100, 10)
    export.order(SAME_DAY_CUSTOMER, dt.date(2022, 2, 2), 50, 5)
    export.order(FULL_DISCOUNT_CUSTOMER, dt.date(2022, 9, 9), 0, 0)
    export.rows[-1]["Discount"] = 1
    export.order(RICH_MARGIN_CUSTOMER, dt.date(2022, 10, 1), 10, 25)
    export.order(RICH_MARGIN_CUSTOMER, dt.date(2023, 10, 1), 10, 25)
    return export.write(path)


def single_line(path: Path) -> Path:
    export = Export()
    export.order(1001, dt.date(2023, 5, 1), 100, 20)
    return export.write(path)


def one_customer(path: Path) -> Path:
    """One customer, free orders, twice a year for three years."""
    export = Export()
    for year in (2021, 2022, 2023):
        for month in (2, 8):
            export.order(1001, dt.date(year, month, 3), 0, 0)
    return export.write(path)


def all_loss(path: Path) -> Path:
    export = Export()
    buyers(export, random.Random(5), range(1001, 1061), margin=(-0.5, -0.05), one_time_share=0.3)
    return export.write(path)


def one_year(path: Path) -> Path:
    export = Export()
    buyers(export, random.Random(7), range(1001, 1041), days=365, one_time_share=0.3)
    return export.write(path)


def header_only(path: Path) -> Path:
    return Export().write(path)


SHAPES = {
    "mixed": mixed,
    "single_line": single_line,
    "one_customer": one_customer,
    "all_loss": all_loss,
    "one_year": one_year,
    "header_only": header_only,
}


@pytest.fixture(scope="module")
def shape_runs(tmp_path_factory):
    """The DuckDB run of each shape, built once and shared by the checks."""
    runs = {}

    def run(shape: str):
        if shape not in runs:
            workspace = tmp_path_factory.mktemp(f"shape_{shape}")
            runs[shape] = run_pipeline_in(workspace / "run", input_path=SHAPES[shape](workspace / f"{shape}.csv"))
        return runs[shape]

    return run


def non_finite_doubles(export_dir: Path) -> list[str]:
    """Every exported double column holding NaN or infinity, as `mart.column (n)`."""
    found = []
    with duckdb.connect() as con:
        for path in sorted(export_dir.glob("*.parquet")):
            for column, column_type, *_ in con.execute(
                "describe select * from read_parquet(?)", [str(path)]
            ).fetchall():
                if column_type in ("DOUBLE", "FLOAT"):
                    count = con.execute(
                        f'select count(*) from read_parquet(?) where isnan("{column}") or isinf("{column}")',
                        [str(path)],
                    ).fetchone()[0]
                    if count:
                        found.append(f"{path.stem}.{column} ({count})")
    return found


def mart(run, name: str):
    with duckdb.connect() as con:
        return con.execute("select * from read_parquet(?)", [str(run.output_dir / f"{name}.parquet")]).df()


def summary(run) -> dict:
    return json.loads((run.output_dir / "run_summary.json").read_text())


@pytest.mark.parametrize("shape", [shape for shape in SHAPES if shape != "header_only"])
def test_every_legal_shape_builds_with_finite_doubles(shape, shape_runs):
    run = shape_runs(shape)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Traceback" not in run.stderr
    assert non_finite_doubles(run.output_dir) == []
    # every model's status is stated: a forecast, or why not
    clv = mart(run, "customer_lifetime_value")
    assert clv["forecast_status"].notna().all()
    undefined = clv["forecast_status"] != "forecast"
    assert clv.loc[~undefined, ["probability_alive", "predicted_lifetime_value"]].notna().all().all()


def test_a_header_with_no_line_exits_2_with_one_line(shape_runs):
    run = shape_runs("header_only")
    assert run.returncode == 2
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert "file has a header but no order lines" in run.stderr


def test_mixed_shapes_get_sensible_values(shape_runs):
    run = shape_runs("mixed")
    assert run.returncode == 0, run.stderr[-3000:]
    segments = mart(run, "customer_segments").set_index("customer_id")
    clv = mart(run, "customer_lifetime_value").set_index("customer_id")
    fits = mart(run, "clv_model_fits")

    # a renamed account is one customer
    assert RENAMED_CUSTOMER in segments.index and segments.index.is_unique
    # two orders on one day are one order day, no repeat purchase
    assert clv.loc[SAME_DAY_CUSTOMER, ["order_count", "order_days", "repeat_order_days"]].tolist() == [2, 1, 0]
    assert FULL_DISCOUNT_CUSTOMER in clv.index
    assert clv.loc[RICH_MARGIN_CUSTOMER, "profit_margin"] == pytest.approx(2.5)
    # free orders: no margin, and a forecast profit of 0 (its own profit per order day)
    free = clv.loc[FREE_CUSTOMER]
    assert free["total_sales"] == 0 and math.isnan(free["profit_margin"])
    if free["forecast_status"] == "forecast":
        assert free["predicted_value_next_365"] == 0 and free["predicted_lifetime_value"] == 0
    assert clv.loc[ZERO_MARGIN_CUSTOMER, "profit_margin"] == 0
    if clv.loc[LOSS_CUSTOMER, "forecast_status"] == "forecast":
        assert clv.loc[LOSS_CUSTOMER, "predicted_lifetime_value"] < 0
    # the largest Sales that fits is kept; 1e12 is rejected as on every engine
    assert clv.loc[BIG_CUSTOMER, "total_sales"] == pytest.approx(float(LARGEST_SALES))
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        rejects = con.execute(
            "select raw_sales, reject_reason from staging.stg_aws_saas__rejected_order_lines"
        ).fetchall()
    assert rejects == [(TOO_LARGE_SALES, "non_numeric_sales")]

    # three purchase models per snapshot, one chosen where any converged
    for snapshot, snapshot_fits in fits.groupby("snapshot_name"):
        purchase = snapshot_fits[snapshot_fits["fitter"] != "gamma_gamma"]
        assert sorted(purchase["fitter"]) == ["bg_nbd", "mbg_nbd", "pareto_nbd"]
        chosen = purchase[purchase["is_chosen"].astype(bool)]
        assert len(chosen) == int(purchase["is_converged"].any()), snapshot
    # a one-time buyer of long ago: surely alive only under BG/NBD
    long_ago = clv.loc[ONE_TIME_LONG_AGO]
    assert long_ago["repeat_order_days"] == 0
    if long_ago["purchase_model"] in ("mbg_nbd", "pareto_nbd"):
        assert long_ago["probability_alive"] < 0.9


def test_too_little_data_publishes_statuses_and_says_so(shape_runs):
    single = shape_runs("single_line")
    assert single.returncode == 0, single.stderr[-3000:]
    clv = mart(single, "customer_lifetime_value")
    assert list(clv["forecast_status"]) == ["purchase_model_below_minimum_data"]
    assert clv[["probability_alive", "predicted_lifetime_value"]].isna().all().all()
    notes = summary(single)["minimum_data"]
    assert any(note.startswith("the purchase models of snapshot analysis_date were not fitted") for note in notes)
    assert "the backtest was not judged: no customer ordered before the cutoff" in notes

    one = shape_runs("one_customer")
    assert one.returncode == 0, one.stderr[-3000:]
    backtest = mart(one, "segment_backtest")
    assert len(backtest) and (backtest["status"] == "too_few_customers").all() and backtest["value"].isna().all()
    assert mart(one, "backtest_gains")["captured_profit_share"].isna().all()
    assert any(
        note.startswith("the backtest was not judged (too_few_customers") for note in summary(one)["minimum_data"]
    )

    short = shape_runs("one_year")
    assert short.returncode == 0, short.stderr[-3000:]
    backtest = mart(short, "segment_backtest")
    assert (backtest["status"] != "evaluated").all() and backtest["value"].isna().all()


def test_all_loss_data_has_no_profit_shares(shape_runs):
    run = shape_runs("all_loss")
    assert run.returncode == 0, run.stderr[-3000:]
    gains = mart(run, "backtest_gains")
    assert (gains["status"] == "evaluated").all() and (gains["total_future_profit"] < 0).all()
    assert gains["captured_profit_share"].isna().all() and gains["perfect_profit_share"].isna().all()
    backtest = mart(run, "segment_backtest").set_index(["model", "metric"])["value"]
    assert backtest.loc[("last_365_day_profit", "top_10_percent_profit_share")] is None or math.isnan(
        backtest.loc[("last_365_day_profit", "top_10_percent_profit_share")]
    )
    assert not math.isnan(backtest.loc[("last_365_day_profit", "spearman_correlation")])


@pytest.mark.parametrize("shape", ["mixed", "all_loss"])
def test_postgres_judges_the_shapes_as_duckdb_does(shape, shape_runs, tmp_path):
    require("postgres")
    reference = shape_runs(shape)
    run = run_pipeline_in(tmp_path / "run", "--target", "postgres", input_path=SHAPES[shape](tmp_path / "in.csv"))
    assert run.returncode == 0, run.stderr[-3000:]
    assert non_finite_doubles(run.output_dir) == []
    assert mart_differences(reference.output_dir, run.output_dir) == []
    lines, expected = summary(run)["input"], summary(reference)["input"]
    assert (lines["clean_rows"], lines["rejected_rows"]) == (expected["clean_rows"], expected["rejected_rows"])
