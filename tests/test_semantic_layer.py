"""The semantic layer (docs/semantic_layer.md): MetricFlow's `mf` on the DuckDB warehouse.

The semantic manifest validates (also against the warehouse), the README's `mf`
commands run and return rows, and the numbers `mf query` gives equal the same
numbers computed in SQL from the marts: customers and profit by value segment,
profit by quarter, the profit-share ratio, and the SQL of `mf query --explain`
run as a BI tool would run it.

`mf` reads the project, `profiles.yml` and `target/semantic_manifest.json` of the
folder it runs in (it ignores DBT_TARGET_PATH), so each test module gets a folder
that links to the project's files and holds its own `target/` and a copy of a
sample warehouse built by the `build_project` fixture (tests/conftest.py).
"""

from __future__ import annotations

import csv
import json
import math
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR, isolated_env

MF = [sys.executable, "-c", "from dbt_metricflow.cli.main import cli; cli()"]
PROJECT_ENTRIES = [
    "dbt_project.yml",
    "profiles.yml",
    "models",
    "macros",
    "seeds",
    "tests",
    "analyses",
    "data",
    "config",
    "python",
]
REQUIRED_METRICS = {
    "customers",
    "high_value_customers",
    "churn_risk_customers",
    "total_profit",
    "total_sales",
    "average_order_value",
    "orders",
    "profit_share",
    "average_lrfm_score",
    "predicted_clv_total",
    "net_revenue_retention",
    "gross_revenue_retention",
    "logo_retention",
    "expansion_revenue",
    "churned_revenue",
}
RETENTION_METRICS = [
    "net_revenue_retention",
    "gross_revenue_retention",
    "logo_retention",
    "expansion_revenue",
    "churned_revenue",
]
# the group-by of each dimension of the net_revenue_retention mart
RETENTION_DIMENSIONS = {
    "value_segment": "revenue_movement__value_segment_year_before",
    "industry": "customer__industry",
    "region": "customer__primary_region",
    "first_order_year": "customer__first_order_year",
}


class MetricFlow:
    """`mf` in a folder of its own, on a copy of a sample warehouse."""

    def __init__(self, folder: Path, build_workspace: Path):
        self.folder = folder
        folder.mkdir(parents=True)
        for entry in PROJECT_ENTRIES:
            (folder / entry).symlink_to(PROJECT_DIR / entry)
        (folder / "target").mkdir()
        shutil.copy(build_workspace / "target" / "semantic_manifest.json", folder / "target")
        self.warehouse = folder / "warehouse.duckdb"
        shutil.copy(build_workspace / "warehouse.duckdb", self.warehouse)
        self.env = isolated_env(folder)

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            MF + list(args),
            cwd=self.folder,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def query(self, metrics: str, group_by: str | None = None) -> list[dict]:
        """The rows of `mf query` (through --csv), values as text ('' for null)."""
        output = self.folder / "query.csv"
        output.unlink(missing_ok=True)
        args = ["query", "--metrics", metrics, "--csv", str(output), "--quiet"]
        if group_by:
            args += ["--group-by", group_by]
        completed = self.run(*args)
        assert completed.returncode == 0, completed.stdout + completed.stderr
        assert output.exists(), f"mf query wrote no rows:\n{completed.stdout}"
        with output.open(newline="") as handle:
            return list(csv.DictReader(handle))

    def sql(self, sql: str) -> list[dict]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            cursor = con.execute(sql)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]


@pytest.fixture(scope="module")
def mf(build_project, tmp_path_factory) -> MetricFlow:
    warehouse = build_project()
    return MetricFlow(tmp_path_factory.mktemp("metricflow") / "project", warehouse.parent)


def number(value) -> float | None:
    if value is None or value == "":
        return None
    return float(value)


def by_key(rows: list[dict], keys: list[str]) -> dict[tuple, dict]:
    """Rows keyed by their group-by values (times as YYYY-MM-DD: mf gives timestamps)."""
    keyed = {}
    for row in rows:
        key = tuple(str(row[k])[:10] if k.startswith("metric_time") else str(row[k]) for k in keys)
        assert key not in keyed, f"two rows for {key}"
        keyed[key] = row
    return keyed


def assert_same_numbers(metricflow_rows: list[dict], sql_rows: list[dict], keys: list[str], metrics: list[str]):
    """Same groups, and every metric equal (nulls where SQL has nulls)."""
    actual, expected = by_key(metricflow_rows, keys), by_key(sql_rows, keys)
    assert sorted(actual) == sorted(expected)
    for key, expected_row in expected.items():
        for metric in metrics:
            left, right = number(actual[key][metric]), number(expected_row[metric])
            if right is None:
                assert left is None, f"{metric} {key}: mf {left}, SQL null"
            else:
                assert left is not None and math.isclose(left, right, rel_tol=1e-12, abs_tol=1e-9), (
                    f"{metric} {key}: mf {left} != SQL {right}"
                )


# --- the manifest ------------------------------------------------------------------


def test_the_semantic_manifest_validates_against_the_warehouse(mf):
    completed = mf.run("validate-configs")

    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert "Successfully validated the semantics of built manifest (ERRORS: 0, FUTURE_ERRORS: 0, WARNINGS: 0)" in output
    for part in ("semantic models", "dimensions", "entities", "measures", "metrics"):
        assert f"Successfully validated {part} against data warehouse (ERRORS: 0" in output, output


def test_every_metric_and_semantic_model_is_described(mf):
    manifest = json.loads((mf.folder / "target" / "semantic_manifest.json").read_text())

    metrics = {metric["name"]: metric for metric in manifest["metrics"]}
    assert set(metrics) >= REQUIRED_METRICS
    assert metrics["profit_share"]["type"] == "ratio"
    models = {model["name"]: model for model in manifest["semantic_models"]}
    assert set(models) == {"customer_segments", "order_facts", "customer_revenue_movements"}
    for name in ("net_revenue_retention", "gross_revenue_retention", "logo_retention"):
        assert metrics[name]["type"] == "ratio"
    dimensions = {d["name"] for d in models["customer_segments"]["dimensions"]}
    assert {
        "value_segment",
        "clv_segment",
        "industry",
        "primary_region",
        "primary_sales_segment",
        "first_order_year",
        "is_churn_risk",
        "first_order_date",
    } <= dimensions
    described = [*metrics.values(), *models.values()] + [
        element
        for model in models.values()
        for kind in ("entities", "dimensions", "measures")
        for element in model[kind]
    ]
    assert [e["name"] for e in described if not (e.get("description") or "").strip()] == []
    spines = manifest["project_configuration"]["time_spines"]
    assert [(s["node_relation"]["alias"], s["primary_column"]["name"]) for s in spines] == [
        ("metricflow_time_spine", "date_day")
    ]


def readme_mf_commands() -> list[str]:
    readme = (PROJECT_DIR / "README.md").read_text()
    section = readme.split("## Query metrics by name", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [line.strip() for line in block.splitlines() if line.strip().startswith("mf ")]


def test_the_readme_mf_commands_run_and_return_rows(mf):
    commands = readme_mf_commands()
    assert len([c for c in commands if c.startswith("mf query")]) >= 3, commands

    for command in commands:
        completed = mf.run(*shlex.split(command)[1:])
        output = completed.stdout + completed.stderr
        assert completed.returncode == 0, f"{command}\n{output}"
        assert not re.search(r"^ERROR", output, re.M), f"{command}\n{output}"
        assert "empty result set" not in output, f"{command}\n{output}"
        if "--explain" in command:
            assert re.search(r'FROM "warehouse"\."marts"\."order_facts"', output), output
        elif command.startswith("mf query"):
            # a table: a header, a dashed rule, at least one row
            lines = [line for line in completed.stdout.splitlines() if line.strip()]
            rule = next(i for i, line in enumerate(lines) if set(line.replace(" ", "")) == {"-"})
            assert len(lines) > rule + 1, f"{command}\n{output}"


# --- numbers equal SQL on the marts ---------------------------------------------------


def test_customers_and_profit_by_value_segment_equal_the_marts(mf):
    metrics = [
        "customers",
        "high_value_customers",
        "churn_risk_customers",
        "active_customers",
        "total_profit",
        "total_sales",
        "orders",
        "average_lrfm_score",
        "predicted_clv_total",
    ]

    rows = mf.query(",".join(metrics), "customer__value_segment")

    # from customer_segments alone (mf reads profit, sales and orders from order_facts)
    expected = mf.sql("""
        select
            value_segment as customer__value_segment,
            count(*) as customers,
            nullif(count(*) filter (where value_segment = 'High-Value'), 0) as high_value_customers,
            nullif(count(*) filter (where is_churn_risk), 0) as churn_risk_customers,
            count(*) as active_customers,
            sum(total_profit) as total_profit,
            sum(total_sales) as total_sales,
            sum(frequency) as orders,
            avg(lrfm_score) as average_lrfm_score,
            sum(predicted_clv) as predicted_clv_total
        from marts.customer_segments
        group by value_segment
    """)
    assert {row["customer__value_segment"] for row in expected} == {"High-Value", "Mid-Value", "Low-Value"}
    assert all(row["customers"] > 0 and row["orders"] > row["customers"] for row in expected)
    assert_same_numbers(rows, expected, ["customer__value_segment"], metrics)


def test_the_readme_example_profit_and_customers_by_segment_and_quarter_equal_the_marts(mf):
    rows = mf.query("total_profit,customers", "customer__value_segment,metric_time__quarter")

    # profit by order quarter (order_facts), customers by first-order quarter (customer_segments)
    expected = mf.sql("""
        with
        profit as (
            select value_segment, date_trunc('quarter', order_date) as quarter_start, sum(profit) as total_profit
            from marts.order_facts
            group by all
        ),
        customers as (
            select value_segment, date_trunc('quarter', first_order_date) as quarter_start, count(*) as customers
            from marts.customer_segments
            group by all
        )
        select
            coalesce(profit.value_segment, customers.value_segment) as customer__value_segment,
            cast(coalesce(profit.quarter_start, customers.quarter_start) as varchar) as metric_time__quarter,
            profit.total_profit,
            customers.customers
        from profit
        full outer join customers
            on profit.value_segment = customers.value_segment and profit.quarter_start = customers.quarter_start
    """)
    assert len(expected) >= 3 * 16  # the sample: 3 segments x 16 quarters
    assert_same_numbers(
        rows, expected, ["customer__value_segment", "metric_time__quarter"], ["total_profit", "customers"]
    )
    total = mf.sql("select sum(total_profit) as profit, count(*) as customers from marts.customer_segments")[0]
    assert math.isclose(sum(number(r["total_profit"]) for r in rows), float(total["profit"]), rel_tol=1e-12)
    assert sum(number(r["customers"]) or 0 for r in rows) == total["customers"]


def test_profit_sales_and_orders_by_quarter_equal_the_marts(mf):
    metrics = ["total_profit", "total_sales", "orders", "average_order_value", "active_customers"]

    rows = mf.query(",".join(metrics), "metric_time__quarter")

    expected = mf.sql("""
        select
            cast(date_trunc('quarter', order_date) as varchar) as metric_time__quarter,
            sum(profit) as total_profit,
            sum(sales) as total_sales,
            count(*) as orders,
            cast(sum(sales) as double) / count(*) as average_order_value,
            count(distinct customer_id) as active_customers
        from marts.order_facts
        group by all
    """)
    assert len(expected) == 16 and all(row["orders"] > 0 for row in expected)
    assert_same_numbers(rows, expected, ["metric_time__quarter"], metrics)


def test_profit_share_ratio_equals_the_marts(mf):
    shares = ["profit_share", "mid_value_profit_share", "low_value_profit_share"]

    overall = mf.query(",".join(shares + ["average_order_value"]))
    by_year = mf.query(",".join(shares), "metric_time__year")

    # overall from customer_segments, by year from order_facts
    expected_overall = mf.sql("""
        select
            sum(total_profit) filter (where value_segment = 'High-Value') / sum(total_profit) as profit_share,
            sum(total_profit) filter (where value_segment = 'Mid-Value') / sum(total_profit) as mid_value_profit_share,
            sum(total_profit) filter (where value_segment = 'Low-Value') / sum(total_profit) as low_value_profit_share,
            sum(total_sales) / sum(frequency) as average_order_value
        from marts.customer_segments
    """)
    expected_by_year = mf.sql("""
        select
            cast(date_trunc('year', order_date) as varchar) as metric_time__year,
            sum(profit) filter (where value_segment = 'High-Value') / sum(profit) as profit_share,
            sum(profit) filter (where value_segment = 'Mid-Value') / sum(profit) as mid_value_profit_share,
            sum(profit) filter (where value_segment = 'Low-Value') / sum(profit) as low_value_profit_share
        from marts.order_facts
        group by all
    """)
    assert len(overall) == 1
    assert 0.5 < number(overall[0]["profit_share"]) < 1  # High-Value customers bring most of the profit
    assert_same_numbers(overall, expected_overall, [], shares + ["average_order_value"])
    assert_same_numbers(by_year, expected_by_year, ["metric_time__year"], shares)
    for row in overall + by_year:
        assert math.isclose(sum(number(row[share]) for share in shares), 1, rel_tol=1e-12)


def test_the_explained_sql_run_by_a_bi_tool_gives_mf_query_numbers(mf):
    metrics, group_by = "total_profit,customers,profit_share", "customer__primary_region,metric_time__year"
    explained = mf.run("query", "--metrics", metrics, "--group-by", group_by, "--explain", "--quiet")
    assert explained.returncode == 0, explained.stdout + explained.stderr

    rows = mf.query(metrics, group_by)

    # the generated SQL as it is, on a read-only connection (as a BI tool opens the file)
    sql_rows = mf.sql(explained.stdout)
    assert len(sql_rows) >= 3 * 4  # 3 regions x 4 years on the sample
    assert_same_numbers(rows, sql_rows, ["customer__primary_region", "metric_time__year"], metrics.split(","))


# --- revenue retention: mf equals the net_revenue_retention mart ---------------------


def retention_rows(mf, dimension: str, group_by: str) -> list[dict]:
    """The mart's rows of one dimension, keyed as mf names them."""
    return mf.sql(f"""
        select
            cast(period_end as varchar) as metric_time__day,
            dimension_value as "{group_by}",
            net_revenue_retention, gross_revenue_retention, logo_retention, expansion_revenue, churned_revenue
        from marts.net_revenue_retention
        where dimension = '{dimension}'
    """)


def test_the_readme_nrr_query_equals_the_mart(mf):
    command = next(c for c in readme_mf_commands() if "net_revenue_retention" in c)
    args = shlex.split(command)
    metrics, group_by = args[args.index("--metrics") + 1], args[args.index("--group-by") + 1]
    assert group_by.split(",") == ["metric_time__day", RETENTION_DIMENSIONS["value_segment"]], command

    rows = mf.query(metrics, group_by)

    expected = retention_rows(mf, "value_segment", RETENTION_DIMENSIONS["value_segment"])
    assert len(expected) == 8 * 4  # the sample: 8 period ends x High, Mid, Low, New
    assert_same_numbers(rows, expected, group_by.split(","), metrics.split(","))
    # New customers had no revenue a year before: the ratios are null, not NaN
    assert all(
        row["net_revenue_retention"] is None for row in expected if row[RETENTION_DIMENSIONS["value_segment"]] == "New"
    )


@pytest.mark.parametrize("dimension", ["industry", "region", "first_order_year"])
def test_retention_metrics_by_customer_dimension_equal_the_mart(mf, dimension):
    group_by = RETENTION_DIMENSIONS[dimension]

    rows = mf.query(",".join(RETENTION_METRICS), f"metric_time__day,{group_by}")

    expected = retention_rows(mf, dimension, group_by)
    assert len(expected) >= 8 * 3
    assert_same_numbers(rows, expected, ["metric_time__day", group_by], RETENTION_METRICS)


def test_retention_metrics_without_a_time_group_by_are_the_last_period_ends(mf):
    rows = mf.query(",".join(RETENTION_METRICS))

    expected = mf.sql("""
        select net_revenue_retention, gross_revenue_retention, logo_retention, expansion_revenue, churned_revenue
        from marts.net_revenue_retention
        where dimension = 'all' and period_end = (select max(period_end) from marts.net_revenue_retention)
    """)
    assert_same_numbers(rows, expected, [], RETENTION_METRICS)
