"""Staging end to end: every raw line ends clean or rejected with the right reason,
odd-but-valid files load, and unreadable input stops with one clear line."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

HEADER = [
    "Row ID",
    "Order ID",
    "Order Date",
    "Date Key",
    "Contact Name",
    "Country",
    "City",
    "Region",
    "Subregion",
    "Customer",
    "Customer ID",
    "Industry",
    "Segment",
    "Product",
    "License",
    "Sales",
    "Quantity",
    "Discount",
    "Profit",
]
GOOD_LINE = {
    "Row ID": "1",
    "Order ID": "EMEA-2022-152156",
    "Order Date": "11/9/2022",
    "Date Key": "20221109",
    "Contact Name": "Nathan Bell",
    "Country": "Ireland",
    "City": "Dublin",
    "Region": "EMEA",
    "Subregion": "UKIR",
    "Customer": "Chevron",
    "Customer ID": "1017",
    "Industry": "Energy",
    "Segment": "SMB",
    "Product": "Marketing Suite",
    "License": "16GRM07R1K",
    "Sales": "261.96",
    "Quantity": "2",
    "Discount": "0",
    "Profit": "41.9136",
}

# One bad line per reject reason: the fields that differ from a good line.
BAD_LINES = {
    "invalid_row_id": {"Row ID": "R-17"},
    "missing_order_id": {"Order ID": "  "},
    "missing_customer_id": {"Customer ID": ""},
    "invalid_customer_id": {"Customer ID": "C1017"},
    "missing_order_date": {"Order Date": ""},
    "unparseable_order_date": {"Order Date": "13/45/2022", "Date Key": "20221345"},
    "date_key_mismatch": {"Date Key": "20221110"},
    "non_numeric_sales": {"Sales": "n/a"},
    "non_numeric_quantity": {"Quantity": "two"},
    "non_integer_quantity": {"Quantity": "1.5"},
    "non_numeric_discount": {"Discount": "10%"},
    "non_numeric_profit": {"Profit": "abc"},
    "quantity_below_one": {"Quantity": "0"},
    "negative_sales": {"Sales": "-5.00"},
    "discount_out_of_range": {"Discount": "1.5"},
}


def line(row_id: int, **changes: str) -> dict[str, str]:
    values = dict(GOOD_LINE, **{"Row ID": str(row_id), "License": f"LIC{row_id:07d}"})
    values.update(changes)
    return values


def write_csv(
    path: Path, rows: list[dict[str, str]], header: list[str] = HEADER, encoding: str = "utf-8", newline: str = "\n"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator=newline, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_bad_line_is_rejected_with_its_reason(tmp_path, run_pipeline):
    rows = [line(i) for i in range(1, 11)]  # ten good lines
    expected = {}
    for offset, (reason, changes) in enumerate(BAD_LINES.items()):
        row_id = 100 + offset
        rows.append(line(row_id, **changes))
        expected[len(rows)] = reason  # line number of the bad line
    rows.append(dict(rows[0]))  # an exact copy of line 1
    expected[len(rows)] = "exact_duplicate_line"
    rows.append(line(2, Sales="999"))  # Row ID 2 again, other values
    expected[len(rows)] = "duplicate_row_id"
    source = write_csv(tmp_path / "bad_lines.csv", rows)

    run = run_pipeline("--vars", "{max_reject_rate: 1}", input_path=source)

    assert run.returncode == 0, run.stderr
    rejected = dict(
        query(
            run.warehouse,
            "select source_line_number, reject_reason from staging.stg_aws_saas__rejected_order_lines",
        )
    )
    assert rejected == expected
    clean_ids = [r[0] for r in query(run.warehouse, "select row_id from staging.stg_aws_saas__order_lines order by 1")]
    assert clean_ids == list(range(1, 11))  # the first copies are kept
    assert len(rows) == len(clean_ids) + len(rejected)


def test_rejected_lines_keep_the_raw_values(tmp_path, run_pipeline):
    rows = [line(i) for i in range(1, 40)] + [line(50, Sales=" n/a ")]
    run = run_pipeline(input_path=write_csv(tmp_path / "one_bad.csv", rows))

    assert run.returncode == 0, run.stderr
    assert query(
        run.warehouse,
        "select raw_row_id, raw_sales, reject_reason from staging.stg_aws_saas__rejected_order_lines",
    ) == [("50", " n/a ", "non_numeric_sales")]


def test_reject_rate_above_threshold_fails_with_counts_and_reasons(tmp_path, run_pipeline):
    rows = [line(i) for i in range(1, 10)] + [line(20, Sales="-1"), line(21, Quantity="0")]
    run = run_pipeline(input_path=write_csv(tmp_path / "too_many.csv", rows))

    assert run.returncode == 1
    # After the progress lines: the header, then one line, the macro's own message
    # without dbt's "Compilation Error in model ..." wrapper or its macro call stack.
    lines = run.stderr.strip().splitlines()
    failed = lines[lines.index("dbt build failed (1 failing nodes):") + 1 :]
    assert len(failed) == 1, run.stderr
    assert failed[0].startswith("  ERROR model.customer_value.stg_aws_saas__rejected_order_lines: Reject rate 18.18%")
    assert "Reject rate 18.18% (2 of 11 lines) is above max_reject_rate 5.00%" in failed[0]
    assert "1 negative_sales, 1 quantity_below_one" in failed[0]
    assert failed[0].endswith('"staging"."stg_aws_saas__rejected_order_lines".')  # where the lines are
    for noise in ("Compilation Error", "called by", "in macro", "Traceback"):
        assert noise not in run.stderr
    assert not run.output_dir.exists()  # nothing published


@pytest.mark.parametrize(
    "name, writer",
    [
        ("bom_crlf", lambda p, rows: write_csv(p, rows, encoding="utf-8-sig", newline="\r\n")),
        ("shuffled_columns", lambda p, rows: write_csv(p, rows, header=list(reversed(HEADER)))),
        (
            "quoted_comma",
            lambda p, rows: write_csv(p, [dict(r, Customer='Berkshire Hathaway, Inc. "BRK"') for r in rows]),
        ),
        ("iso_dates", lambda p, rows: write_csv(p, [dict(r, **{"Order Date": "2022-11-09"}) for r in rows])),
    ],
)
def test_odd_but_valid_files_load_cleanly(tmp_path, run_pipeline, name, writer):
    rows = [line(i) for i in range(1, 6)]
    run = run_pipeline(input_path=writer(tmp_path / f"{name}.csv", rows))

    assert run.returncode == 0, run.stderr
    loaded = query(
        run.warehouse,
        "select row_id, order_date, customer_name, sales, profit from staging.stg_aws_saas__order_lines order by 1",
    )
    assert [r[0] for r in loaded] == [1, 2, 3, 4, 5]
    assert {str(r[1]) for r in loaded} == {"2022-11-09"}
    assert {float(r[3]) for r in loaded} == {261.96}
    assert query(run.warehouse, "select count(*) from staging.stg_aws_saas__rejected_order_lines") == [(0,)]
    if name == "quoted_comma":
        assert {r[2] for r in loaded} == {'Berkshire Hathaway, Inc. "BRK"'}


def test_parquet_and_globs_read_through_the_same_source(tmp_path, run_pipeline):
    first = write_csv(tmp_path / "part1.csv", [line(i) for i in range(1, 4)])
    write_csv(tmp_path / "part2.csv", [line(i) for i in range(4, 7)])
    with duckdb.connect() as con:
        con.execute(
            # typed numbers, dates kept as M/D/YYYY text: the generator's Parquet shape
            'copy (select * replace (cast("Row ID" as bigint) as "Row ID", cast("Sales" as double) as "Sales",'
            ' cast("Quantity" as integer) as "Quantity")'
            f" from read_csv('{first}', header = true, all_varchar = true)) to '{tmp_path / 'lines.parquet'}' (format parquet)"
        )

    from_glob = run_pipeline(input_path=tmp_path / "part*.csv")
    from_parquet = run_pipeline(input_path=tmp_path / "lines.parquet")

    assert from_glob.returncode == 0, from_glob.stderr
    assert query(from_glob.warehouse, "select count(*) from staging.stg_aws_saas__order_lines") == [(6,)]
    assert from_parquet.returncode == 0, from_parquet.stderr
    assert query(from_parquet.warehouse, "select sum(quantity) from staging.stg_aws_saas__order_lines") == [(6,)]


@pytest.mark.parametrize(
    "name, make, message",
    [
        (
            "missing_profit.csv",
            lambda p: write_csv(p, [line(1)], header=HEADER[:-1]),
            "required column 'Profit' is missing",
        ),
        (
            "renamed_profit.csv",
            lambda p: p.write_text(",".join(HEADER[:-1] + ["Margin"]) + "\n"),
            "required column 'Profit' is missing",
        ),
        ("empty.csv", lambda p: p.write_text(""), "file is empty"),
        ("header_only.csv", lambda p: p.write_text(",".join(HEADER) + "\n"), "file has a header but no order lines"),
        ("absent.csv", lambda p: None, "file not found"),
        ("sales.xlsx", lambda p: p.write_bytes(b"PK\x03\x04"), "not a CSV or Parquet file"),
    ],
)
def test_unreadable_input_exits_2_with_one_line(tmp_path, run_pipeline, name, make, message):
    path = tmp_path / name
    make(path)

    run = run_pipeline(input_path=path)

    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert name in lines[0] and message in lines[0]
    assert "Traceback" not in run.stdout + run.stderr


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_line_positions_follow_the_file_across_parallel_chunks(tmp_path, run_pipeline, file_format):
    # Staging reads the file on every thread and takes a line's position from the
    # order of the base table, so that order must be the file's. 400,000 lines span
    # several row groups and CSV chunks; Row ID = line number makes any reordering show.
    total = 400_000
    rows = [line(i, Sales="n/a") if i % 50_000 == 7 else line(i) for i in range(1, total + 1)]
    rows.append(dict(rows[123_455]))  # line 400,001: an exact copy of line 123,456
    rows.append(line(200_000, Sales="1.00"))  # line 400,002: Row ID 200,000 again
    source = write_csv(tmp_path / "many_lines.csv", rows)
    if file_format == "parquet":
        parquet = tmp_path / "many_lines.parquet"
        with duckdb.connect() as con:
            con.execute(
                f"copy (select * from read_csv('{source}', all_varchar = true)) "
                f"to '{parquet}' (format parquet, row_group_size 30000)"
            )
        source = parquet

    run = run_pipeline("--select", "staging", input_path=source)

    assert run.returncode == 0, run.stderr
    expected = {i: "non_numeric_sales" for i in range(1, total + 1) if i % 50_000 == 7}
    expected.update({total + 1: "exact_duplicate_line", total + 2: "duplicate_row_id"})
    assert (
        dict(
            query(
                run.warehouse,
                "select source_line_number, reject_reason from staging.stg_aws_saas__rejected_order_lines",
            )
        )
        == expected
    )
    assert query(
        run.warehouse,
        "select count(*), count(*) filter (where source_line_number != row_id) from staging.stg_aws_saas__order_lines",
    ) == [(total - 8, 0)]
