"""The sample generator: deterministic bytes, the export's exact shape."""

import subprocess
import sys

import duckdb
import pytest
from conftest import SAMPLE_CSV

GENERATOR = [sys.executable, "-m", "customer_value", "generate-sample"]
HEADER = (
    "Row ID,Order ID,Order Date,Date Key,Contact Name,Country,City,Region,Subregion,"
    "Customer,Customer ID,Industry,Segment,Product,License,Sales,Quantity,Discount,Profit"
)


def generate(path, *args):
    subprocess.run([*GENERATOR, "--output", str(path), *args], check=True, capture_output=True)
    return path.read_bytes()


def test_same_seed_same_bytes_csv_and_parquet(tmp_path):
    assert generate(tmp_path / "a.csv", "--rows", "3000") == generate(tmp_path / "b.csv", "--rows", "3000")
    assert generate(tmp_path / "a.parquet", "--rows", "3000") == generate(tmp_path / "b.parquet", "--rows", "3000")
    assert generate(tmp_path / "c.csv", "--rows", "3000", "--seed", "7") != (tmp_path / "a.csv").read_bytes()


def test_bundled_sample_is_the_generator_default(tmp_path):
    assert generate(tmp_path / "sample.csv") == SAMPLE_CSV.read_bytes()


@pytest.mark.unit
def test_sample_has_the_export_shape():
    assert SAMPLE_CSV.read_text().splitlines()[0] == HEADER
    with duckdb.connect() as con:
        lines, orders, customers, first, last, negative, mismatched, comma_names = con.execute(
            """
            select
                count(*),
                count(distinct "Order ID"),
                count(distinct "Customer ID"),
                min(strptime("Order Date", '%m/%d/%Y'))::date::varchar,
                max(strptime("Order Date", '%m/%d/%Y'))::date::varchar,
                avg(("Profit"::double < 0)::int),
                count(*) filter (where strftime(strptime("Order Date", '%m/%d/%Y'), '%Y%m%d') != "Date Key"),
                count(distinct "Customer") filter (where "Customer" like '%,%')
            from read_csv(?, header = true, all_varchar = true)
            """,
            [str(SAMPLE_CSV)],
        ).fetchone()
    assert lines == 10_000 and 4_500 <= orders <= 5_500 and customers == 99
    assert (first, last) == ("2020-01-04", "2023-12-31")
    assert 0.15 <= negative <= 0.25
    assert mismatched == 0 and comma_names >= 1


def test_bad_usage_exits_2(tmp_path):
    run = subprocess.run([sys.executable, str(GENERATOR), "--rows", "0"], capture_output=True, text=True)
    assert run.returncode == 2 and "Traceback" not in run.stderr
