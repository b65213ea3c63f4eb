"""The same project on PostgreSQL and on Spark (docs/engines.md): the runner loads
the raw lines, builds, tests and exports there, and every SQL mart equals DuckDB's
cell by cell (tests/mart_comparison.py), on the sample, on a file with a bad line of
every reject class (and one with lines the reader cannot split), and with the
quantile score method.

Spark runs as teams run it, a cluster behind a Thrift server (`spark_thrift`, the
local cluster of .ci/spark-cluster), for every case; the in-process session
(`spark`) only for what differs there: its registration and its export of the
malformed-lines case. Same answers, less CI time.

A test skips when its engine is missing here (no PostgreSQL server at the profile's
address, no pyspark or Java, no Thrift server at CUSTOMER_VALUE_SPARK_HOST/_PORT),
unless REQUIRE_ENGINES is set: CI sets it and starts the servers (.ci/run), so there
a missing engine fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import duckdb
import pytest
from conftest import PROJECT_DIR, RUNNER, isolated_env, run_pipeline_in
from mart_comparison import mart_differences
from test_staging import BAD_LINES, HEADER, line, write_csv

from customer_value.engines import InputError, spark_thrift
from customer_value.engines import postgres as runner_engines


def engine_missing(engine: str) -> str | None:
    """Why `engine` cannot run here, or None when it can."""
    if engine == "postgres":
        try:
            import psycopg2  # noqa: F401
        except ImportError:
            return "psycopg2 is not installed"
        try:
            runner_engines.postgres_connection().close()
        except runner_engines.InputError as error:
            return str(error)
        return None
    if engine == "spark_thrift":
        try:
            import pyhive  # noqa: F401
        except ImportError:
            return "PyHive is not installed"
        try:
            spark_thrift.connection(engine).close()
        except InputError as error:
            return str(error)
        return None
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java runtime"
    return None


def require(engine: str) -> None:
    reason = engine_missing(engine)
    if reason is not None:
        if os.environ.get("REQUIRE_ENGINES"):
            pytest.fail(f"{engine} is required (REQUIRE_ENGINES) but missing: {reason}")
        pytest.skip(f"{engine} is missing: {reason}")


def bad_lines_file(path):
    """Ten good lines, one bad line of every reject class, an impossible date,
    a quantity written as a float, an exact copy and a repeated Row ID."""
    rows = [line(i) for i in range(1, 11)]
    for offset, changes in enumerate(BAD_LINES.values()):
        rows.append(line(100 + offset, **changes))
    rows.append(line(200, **{"Order Date": "2/30/2022", "Date Key": "20220230"}))
    rows.append(line(201, Quantity="2.0e0"))
    rows.append(line(202, Sales="0x10"))
    rows.append(dict(rows[0]))
    rows.append(line(2, Sales="999"))
    return write_csv(path, rows)


def malformed_lines_file(path):
    """The bad-lines file with lines the reader cannot split: a 20th field, a truncated
    line, a byte that is not UTF-8, and a garbage line after two blank ones."""
    text = bad_lines_file(path).read_bytes().rstrip(b"\n").split(b"\n")
    text[3] += b",extra"
    text[5] = text[5][:40]
    text[7] = text[7].replace(b"Nathan", b"Nath\xe1n")
    path.write_bytes(b"\n".join(text + [b"", b"", b"%% end of export"]) + b"\n")
    return path


CASES = {
    "sample": lambda tmp: (None, []),
    "bad_lines": lambda tmp: (bad_lines_file(tmp / "bad_lines.csv"), ["--vars", "{max_reject_rate: 1}"]),
    "malformed_lines": lambda tmp: (malformed_lines_file(tmp / "malformed.csv"), ["--vars", "{max_reject_rate: 1}"]),
    "quantile": lambda tmp: (None, ["--vars", "{score_method: quantile}"]),
}
# The cases per engine: the Thrift cluster runs every case but bad_lines, whose
# lines the malformed-lines file holds too; the session only the malformed-lines
# case (its registration and export differ, the SQL does not).
ENGINE_CASES = {
    "postgres": list(CASES),
    "spark_thrift": ["sample", "malformed_lines", "quantile"],
    "spark": ["malformed_lines"],
}


@pytest.fixture(scope="module")
def duckdb_runs(tmp_path_factory):
    """The DuckDB run of each case, built once: the reference of the comparisons."""
    runs = {}

    def run(case: str):
        if case not in runs:
            workspace = tmp_path_factory.mktemp(f"duckdb_{case}")
            input_path, args = CASES[case](workspace)
            runs[case] = run_pipeline_in(workspace / "run", *args, input_path=input_path)
            assert runs[case].returncode == 0, runs[case].stderr
        return runs[case]

    return run


def summary(run) -> dict:
    return json.loads((run.output_dir / "run_summary.json").read_text())


@pytest.mark.parametrize(
    ("engine", "case"), [(engine, case) for engine, cases in ENGINE_CASES.items() for case in cases]
)
def test_marts_on_the_engine_equal_duckdbs(engine, case, tmp_path, duckdb_runs):
    require(engine)
    reference = duckdb_runs(case)
    input_path, args = CASES[case](tmp_path)

    # The sample run also runs the dbt unit tests (scoring and segment rules at their edges).
    unit_tests = ["--unit-tests"] if case == "sample" else []
    run = run_pipeline_in(tmp_path / "run", "--target", engine, *unit_tests, *args, input_path=input_path)

    assert run.returncode == 0, run.stderr[-3000:]
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert mart_differences(reference.output_dir, run.output_dir) == []
    if case in ("sample", "quantile"):  # the retention marts are compared with rows in them
        exports = summary(run)["exports"]
        assert exports["customer_revenue_movements"]["rows"] > 0 and exports["net_revenue_retention"]["rows"] > 0
    # Nothing lost: raw = clean + rejected, with the same counts as on DuckDB.
    lines, expected_lines = summary(run)["input"], summary(reference)["input"]
    assert lines["rows"] == lines["clean_rows"] + lines["rejected_rows"]
    assert (lines["rows"], lines["clean_rows"], lines["rejected_rows"]) == (
        expected_lines["rows"],
        expected_lines["clean_rows"],
        expected_lines["rejected_rows"],
    )
    assert {path.name for path in run.output_dir.iterdir()} >= {"run_summary.json", "report.html"}
    if engine == "postgres" and case in ("bad_lines", "malformed_lines"):
        assert postgres_rejects() == duckdb_rejects(reference.warehouse)
    if engine == "spark_thrift" and case == "malformed_lines":
        # every reject with the same position, file line and text (the session's SQL is the same)
        assert spark_thrift_rejects() == duckdb_rejects(reference.warehouse)
    if case == "malformed_lines":
        assert [row[1] for row in duckdb_rejects(reference.warehouse)].count("malformed_line") == 4


REJECTS_SQL = (
    "select source_line_number, reject_reason, raw_row_id, raw_quantity, raw_sales, source_file_line, raw_line"
    " from staging.stg_aws_saas__rejected_order_lines order by 1"
)


def postgres_rejects() -> list[tuple]:
    with runner_engines.postgres_connection() as pg, pg.cursor() as cursor:
        cursor.execute(REJECTS_SQL)
        return [tuple(row) for row in cursor.fetchall()]


def spark_thrift_rejects() -> list[tuple]:
    connection = spark_thrift.connection("spark_thrift")
    try:
        cursor = connection.cursor()
        cursor.execute(REJECTS_SQL)
        return [tuple(row) for row in cursor.fetchall()]
    finally:
        connection.close()


def duckdb_rejects(warehouse) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(REJECTS_SQL).fetchall()


def test_bad_lines_get_the_same_reasons_on_duckdb(duckdb_runs):
    # The reference itself: every bad line rejected for its own reason.
    rejects = {row[0]: row[1] for row in duckdb_rejects(duckdb_runs("bad_lines").warehouse)}
    assert sorted(rejects.values()) == sorted(
        [
            *BAD_LINES,
            "unparseable_order_date",
            "non_integer_quantity",
            "non_numeric_sales",
            "exact_duplicate_line",
            "duplicate_row_id",
        ]
    )
    assert rejects[10 + len(BAD_LINES) + 2] == "non_integer_quantity"  # 2.0e0 is not an integer


def test_postgres_unreachable_exits_2_with_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("CUSTOMER_VALUE_PG_PORT", "1")
    run = run_pipeline_in(tmp_path / "run", "--target", "postgres")

    assert run.returncode == 2
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert "PostgreSQL at 127.0.0.1:1" in run.stderr and "Traceback" not in run.stderr


def damaged_glob(folder):
    """Three files of a landing folder with lines the reader cannot split: the first data
    line, a line after a blank one, a byte that is not UTF-8, CRLF line ends, a last
    line with extra fields and a garbage line after two blank ones."""
    folder.mkdir()

    def lines(ids):
        return [",".join(HEADER)] + [",".join(line(i)[name] for name in HEADER) for i in ids]

    day1 = lines(range(1, 11))
    day1[1] += ",x"
    (folder / "day1.csv").write_bytes(("\n".join([*day1, "", "", "garbage"]) + "\n").encode())
    day2 = [text.encode() for text in lines(range(11, 21))]
    day2[3] += b",extra"
    day2.insert(6, b"")
    day2[7] = day2[7][:30]
    day2[9] = day2[9].replace(b"Nathan", b"Nath\xe1n")
    (folder / "day2.csv").write_bytes(b"\r\n".join(day2) + b"\r\n")
    day3 = lines(range(21, 26))
    day3.insert(1, "")
    day3[-1] += ",a,b"
    (folder / "day3.csv").write_bytes(("\n".join(day3) + "\n").encode())
    return folder / "day*.csv"


RAW_SQL = {
    "malformed": "select source_file, source_file_line, source_line_number, raw_line"
    " from raw.aws_saas_malformed_lines order by source_line_number",
    "order_lines": "select source_file, row_id, customer, profit, source_line_number"
    " from raw.aws_saas_order_lines order by source_line_number",
    "files": "select source_file, first_line_number, order_lines, malformed_lines"
    " from raw.aws_saas_loaded_files order by source_file",
}


def test_spark_registers_the_lines_of_a_glob_as_the_loader_numbers_them(tmp_path):
    # The load and the registration alone (no build): the raw tables on the cluster
    # hold the same lines, positions and manifest as the loader's tables on DuckDB.
    require("spark_thrift")
    pattern = str(damaged_glob(tmp_path / "landing"))
    env = isolated_env(tmp_path)
    register = ["run-operation", "register_aws_saas_order_lines", "--target", "spark_thrift"]
    for command in (
        [sys.executable, "-m", "customer_value", "load", "--input", pattern],
        [sys.executable, "-m", "customer_value", "load", "--input", pattern, "--target", "spark_thrift"],
        [
            sys.executable,
            "-m",
            "dbt.cli.main",
            *register,
            "--vars",
            json.dumps({"spark_raw_dir": str(tmp_path / "spark_raw")}),  # beside CUSTOMER_VALUE_DUCKDB_PATH
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
        ],
    ):
        done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]

    connection = spark_thrift.connection("spark_thrift")
    with duckdb.connect(env["CUSTOMER_VALUE_DUCKDB_PATH"], read_only=True) as con:
        try:
            cursor = connection.cursor()
            for name, sql in RAW_SQL.items():
                cursor.execute(sql)
                assert [tuple(row) for row in cursor.fetchall()] == con.execute(sql).fetchall(), name
            assert len(con.execute(RAW_SQL["malformed"]).fetchall()) == 6
        finally:
            connection.close()


def test_spark_thrift_unreachable_exits_2_with_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("CUSTOMER_VALUE_SPARK_PORT", "1")
    run = run_pipeline_in(tmp_path / "run", "--target", "spark_thrift")

    assert run.returncode == 2
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert "Spark Thrift server at 127.0.0.1:1" in run.stderr and "Traceback" not in run.stderr


def test_a_spark_target_the_runner_cannot_export_from_exits_2_before_the_build(tmp_path):
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "profiles.yml").write_text(
        "customer_value:\n  target: databricks\n  outputs:\n    databricks:\n      type: spark\n"
        "      method: http\n      host: example.invalid\n      schema: default\n"
    )
    env = {**isolated_env(tmp_path / "run"), "DBT_PROFILES_DIR": str(profiles)}
    run = subprocess.run(
        [*RUNNER, "--output-dir", str(tmp_path / "exports")], cwd=tmp_path, env=env, capture_output=True, text=True
    )

    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        "error: the runner exports from a Spark target with `method: session` or `thrift`, not `http`;"
        " run `dbt build` there and read the marts where they are (docs/engines.md)"
    ]


def test_a_nul_byte_postgres_cannot_store_exits_2_naming_the_line(tmp_path):
    require("postgres")
    rows = [line(i) for i in range(1, 6)]
    rows[3]["Customer"] = "Chev\x00ron"
    source = write_csv(tmp_path / "nul.csv", rows)

    run = run_pipeline_in(tmp_path / "run", "--target", "postgres", input_path=source)

    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        f"error: Input file '{source}': PostgreSQL cannot store a raw line (line 4 of the input): "
        'invalid byte sequence for encoding "UTF8": 0x00'
    ]
