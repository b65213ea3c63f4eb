"""The loader's rules, in-process (no dbt): which files a load reads and why, the
positions it gives order lines and malformed lines across files and loads, the
manifest it keeps, and one transaction per load."""

from __future__ import annotations

import duckdb
import pytest
from test_staging import HEADER, line, write_csv

from customer_value import loader
from customer_value.loader import InputFile, LoadedFile, plan_load

pytestmark = pytest.mark.unit


def loaded(path: str, size: int = 10, modified: int = 1, first: int = 1, lines: int = 5) -> LoadedFile:
    return LoadedFile(path, size, modified, first_line_number=first, lines=lines)


def test_nothing_loaded_or_full_refresh_reads_every_file():
    files = [InputFile("/in/day_1.csv", 10, 1)]
    assert plan_load(files, [], 0, False).mode == "full"
    assert plan_load(files, [], 0, False).reason == "nothing is loaded yet"
    again = plan_load(files, [loaded("/in/day_1.csv")], 3, True)
    assert (again.mode, again.reason, again.files, again.load_id) == ("full", "--full-refresh", files, 4)


def test_new_files_after_unchanged_ones_are_appended_and_numbered_after_them():
    old = [loaded("/in/day_1.csv", first=1, lines=5), loaded("/in/day_2.csv", first=6, lines=7)]
    files = [InputFile("/in/day_1.csv", 10, 1), InputFile("/in/day_2.csv", 10, 1), InputFile("/in/day_3.csv", 4, 2)]
    plan = plan_load(files, old, 2, False)
    assert (plan.mode, plan.reason) == ("append", "1 new file(s) after the 2 loaded")
    assert (plan.files, plan.lines_before, plan.load_id) == ([files[2]], 12, 3)
    nothing = plan_load(files[:2], old, 2, False)
    assert (nothing.mode, nothing.reason, nothing.files) == ("append", "0 new file(s) after the 2 loaded", [])


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        ([InputFile("/in/day_2.csv", 10, 1)], "file '/in/day_1.csv' is gone since it was loaded"),
        ([InputFile("/in/day_1.csv", 11, 1), InputFile("/in/day_2.csv", 10, 1)], "file '/in/day_1.csv' changed"),
        ([InputFile("/in/day_1.csv", 10, 9), InputFile("/in/day_2.csv", 10, 1)], "file '/in/day_1.csv' changed"),
        (
            [InputFile("/in/day_0.csv", 1, 1), InputFile("/in/day_1.csv", 10, 1), InputFile("/in/day_2.csv", 10, 1)],
            "new file '/in/day_0.csv' sorts before files already loaded",
        ),
    ],
)
def test_a_changed_vanished_or_late_file_makes_a_full_load(files, reason):
    plan = plan_load(files, [loaded("/in/day_1.csv"), loaded("/in/day_2.csv", first=6)], 2, False)
    assert plan.mode == "full" and plan.reason.startswith(reason) and plan.files == files


def load_into(con, path: str, full_refresh: bool = False) -> loader.LoadPlan:
    """One load of `path` into the connection's raw tables, as load() does on DuckDB."""
    files = loader.input_files(path)
    manifest, last, replaced = loader.duckdb_manifest(con)
    plan = plan_load(files, manifest, last, full_refresh, replaced)
    loader.check_files(con, plan, files, path)
    loader.read_lines(con, plan)
    loader.land_duckdb(con, plan)
    return plan


def test_positions_count_malformed_lines_across_files_and_loads(tmp_path):
    folder = tmp_path / "landing"
    folder.mkdir()
    write_csv(folder / "day_1.csv", [line(i) for i in range(1, 4)])
    (folder / "day_2.csv").write_text(
        ",".join(HEADER) + "\n" + ",".join(line(4).values()) + "\n" + "a,b,c\n" + ",".join(line(5).values()) + "\n"
    )
    con = duckdb.connect()
    first = load_into(con, str(folder / "day_1.csv"))
    assert (first.mode, first.counts) == ("full", {"order_lines": 3, "malformed_lines": 0})
    second = load_into(con, str(folder / "day_*.csv"))
    assert (second.mode, second.counts) == ("append", {"order_lines": 2, "malformed_lines": 1})

    assert con.execute(
        "select row_id, source_line_number, load_id from raw.aws_saas_order_lines order by source_line_number"
    ).fetchall() == [("1", 1, 1), ("2", 2, 1), ("3", 3, 1), ("4", 4, 2), ("5", 6, 2)]
    assert con.execute(
        "select source_file_line, source_line_number, raw_line, load_id from raw.aws_saas_malformed_lines"
    ).fetchall() == [(3, 5, "a,b,c", 2)]
    assert con.execute(
        "select source_file, first_line_number, order_lines, malformed_lines, load_id"
        " from raw.aws_saas_loaded_files order by source_file"
    ).fetchall() == [(str(folder / "day_1.csv"), 1, 3, 0, 1), (str(folder / "day_2.csv"), 4, 2, 1, 2)]

    # The same files read in one full load get the same positions.
    full = duckdb.connect()
    load_into(full, str(folder / "day_*.csv"))
    assert full.execute("select row_id, source_line_number from raw.aws_saas_order_lines order by 2").fetchall() == [
        ("1", 1),
        ("2", 2),
        ("3", 3),
        ("4", 4),
        ("5", 6),
    ]


def test_a_full_load_replaces_the_raw_tables(tmp_path):
    path = write_csv(tmp_path / "lines.csv", [line(i) for i in range(1, 4)])
    con = duckdb.connect()
    load_into(con, str(path))
    write_csv(path, [line(i) for i in range(1, 3)])
    again = load_into(con, str(path), full_refresh=True)
    assert again.load_id == 2
    assert con.execute("select count(*), min(load_id) from raw.aws_saas_order_lines").fetchone() == (2, 2)
    assert con.execute("select load_id, load_mode from raw.aws_saas_loads order by 1").fetchall() == [
        (1, "full"),
        (2, "full"),
    ]


def test_raw_tables_of_another_loader_version_are_recreated_and_every_file_loaded(tmp_path):
    # A warehouse an older version wrote: its manifest had a file_modified column.
    path = write_csv(tmp_path / "lines.csv", [line(i) for i in range(1, 4)])
    con = duckdb.connect()
    con.execute("create schema raw")
    con.execute("create table raw.aws_saas_loaded_files (source_file varchar, file_size bigint, file_modified double)")
    con.execute("insert into raw.aws_saas_loaded_files values ('/gone.csv', 1, 1.5)")
    con.execute(
        "create table raw.aws_saas_loads as select 4 as load_id, 'full' as load_mode, '' as reason,"
        " now()::timestamp as loaded_at, 1::bigint as files, 1::bigint as order_lines,"
        " 0::bigint as malformed_lines"
    )

    plan = load_into(con, str(path))

    assert (plan.mode, plan.load_id) == ("full", 5)
    assert plan.reason == "raw tables aws_saas_loaded_files had another version's columns and were recreated"
    assert con.execute("select source_file, order_lines from raw.aws_saas_loaded_files").fetchall() == [(str(path), 3)]
    assert loader.stale_tables(con.execute(loader.RAW_COLUMNS_SQL).fetchall()) == []


def test_a_load_that_fails_lands_nothing(tmp_path):
    path = write_csv(tmp_path / "lines.csv", [line(i) for i in range(1, 4)])
    con = duckdb.connect()
    load_into(con, str(path))
    write_csv(path, [line(i) for i in range(1, 9)])
    files = loader.input_files(str(path))
    manifest, last, _ = loader.duckdb_manifest(con)
    plan = plan_load(files, manifest, last, False)
    loader.read_lines(con, plan)
    con.execute("drop table temp.malformed")  # the malformed lines' insert fails after the order lines'
    with pytest.raises(duckdb.Error):
        loader.land_duckdb(con, plan)
    assert con.execute("select count(*), max(load_id) from raw.aws_saas_order_lines").fetchone() == (3, 1)
    assert con.execute("select count(*) from raw.aws_saas_loads").fetchone() == (1,)


def test_a_spark_load_lands_what_a_duckdb_load_lands_as_parquet(tmp_path, monkeypatch):
    # A glob whose second file has its columns in another order and a malformed line:
    # Spark's raw tables are the loader's, matched by name and positioned as on DuckDB.
    folder = tmp_path / "landing"
    folder.mkdir()
    write_csv(folder / "day_1.csv", [line(i) for i in range(1, 4)])
    reversed_header = list(reversed(HEADER))
    (folder / "day_2.csv").write_text(
        ",".join(reversed_header)
        + "\n"
        + ",".join(reversed(list(line(4).values())))
        + "\nx,y\n"
        + ",".join(reversed(list(line(5).values())))
        + "\n"
    )
    raw_dir = tmp_path / "spark_raw"
    monkeypatch.setenv("CUSTOMER_VALUE_SPARK_RAW_DIR", str(raw_dir))
    monkeypatch.setenv("CUSTOMER_VALUE_TEMP_DIR", str(tmp_path / "tmp"))
    (raw_dir / "stale").mkdir(parents=True)  # a full load replaces the folder whole

    plan = loader.load(str(folder / "day_*.csv"), "spark")
    assert (plan.mode, plan.reason, plan.counts) == (
        "full",
        "on Spark every load reads every file",
        {"order_lines": 5, "malformed_lines": 1},
    )
    assert sorted(path.name for path in raw_dir.iterdir()) == sorted(loader.TABLE_COLUMNS)

    duckdb_load = duckdb.connect()
    load_into(duckdb_load, str(folder / "day_*.csv"))
    for table, columns in loader.TABLE_COLUMNS.items():
        names = ", ".join(name for name, _ in columns if name not in ("loaded_at", "reason"))
        landed = duckdb.sql(f"select {names} from '{raw_dir / table}/*.parquet' order by all").fetchall()
        assert landed == duckdb_load.execute(f"select {names} from raw.{table} order by all").fetchall(), table
        assert landed, table
