"""The runner as a scheduler and a BI tool meet it: published outputs, run summary,
atomic publish (failed and killed runs), byte-identical reruns, the warehouse lock,
spreadsheet-safe CSV and read-only access from another process."""

from __future__ import annotations

import csv
import importlib.metadata
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import RUNNER, SAMPLE_CSV, isolated_env, run_pipeline_in
from test_staging import HEADER

PROJECT_DIR = Path(__file__).resolve().parent.parent
MARTS = sorted(p.stem for p in (PROJECT_DIR / "models" / "marts").rglob("*.*") if p.suffix in (".sql", ".py"))


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a folder, by name, with its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def data_files(folder: Path) -> dict[str, bytes]:
    return {name: data for name, data in snapshot(folder).items() if name.endswith((".parquet", ".csv"))}


def seed_previous_exports(sample_run, workspace: Path) -> dict[str, bytes]:
    """Put a copy of a good run's exports where a new run in `workspace` will publish."""
    workspace.mkdir(parents=True)
    shutil.copytree(sample_run.output_dir, workspace / "exports")
    return snapshot(workspace / "exports")


def start_runner(workspace: Path, *args: str) -> subprocess.Popen:
    workspace.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [*RUNNER, "--output-dir", str(workspace / "exports"), *args],
        cwd=workspace,
        env=isolated_env(workspace),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_log(workspace: Path, needle: str, process: subprocess.Popen, timeout: float = 180) -> None:
    """Wait until dbt's log of the workspace contains `needle` (the run is that far)."""
    log = workspace / "logs" / "dbt.log"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and needle in log.read_text(errors="replace"):
            return
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"runner ended before '{needle}' appeared (exit {process.returncode}):\n{out}\n{err}")
        time.sleep(0.1)
    process.kill()
    pytest.fail(f"'{needle}' did not appear in {log} within {timeout}s")


def write_orders(path: Path, customers: dict[int, tuple[str, float]]) -> Path:
    """Three orders per customer: {customer_id: (customer name, profit per line)}."""
    rows, row_id = [], 0
    for customer_id, (name, profit) in customers.items():
        for order in range(3):
            row_id += 1
            day = 1 + (customer_id % 7) * 3 + order
            rows.append(
                {
                    "Row ID": row_id,
                    "Order ID": f"AMER-2023-{customer_id}{order:02d}",
                    "Order Date": f"3/{day}/2023",
                    "Date Key": f"202303{day:02d}",
                    "Contact Name": "Ann Lee",
                    "Country": "United States",
                    "City": "Boston",
                    "Region": "AMER",
                    "Subregion": "NAMER",
                    "Customer": name,
                    "Customer ID": customer_id,
                    "Industry": "Tech",
                    "Segment": "SMB",
                    "Product": "FinanceHub",
                    "License": f"LIC{row_id:06d}",
                    "Sales": "100.00",
                    "Quantity": 1 + order,
                    "Discount": "0",
                    "Profit": f"{profit:.2f}",
                }
            )
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


# --- what a run publishes ------------------------------------------------------------


def test_a_run_publishes_exports_report_and_summary(sample_run):
    published = sorted(p.name for p in sample_run.output_dir.iterdir())

    assert published == sorted(
        [f"{mart}.{ext}" for mart in MARTS for ext in ("parquet", "csv")]
        + ["customer_value.duckdb", "report.html", "run_summary.json", "dbt_docs.html"]
    )
    leftovers = [p.name for p in sample_run.output_dir.parent.iterdir() if p.name.startswith(".exports.")]
    assert leftovers == []  # no staging or previous folder left beside the exports
    assert "wrote customer_value.duckdb, run_summary.json, report.html, dbt_docs.html" in sample_run.stdout


def test_run_summary_has_nodes_counts_input_date_vars_and_versions(sample_run):
    summary = json.loads((sample_run.output_dir / "run_summary.json").read_text())

    assert summary["status"] == "success" and summary["exit_code"] == 0
    nodes = {node["unique_id"]: node for node in summary["nodes"]}
    for mart in MARTS:
        node = nodes[f"model.customer_value.{mart}"]
        assert node["status"] == "success"
        assert node["execution_time"] >= 0 and node["started_at"] and node["completed_at"]
    assert {n["status"] for n in summary["nodes"] if n["resource_type"] == "test"} == {"pass"}
    assert sum(summary["node_status_counts"].values()) == len(summary["nodes"])

    with duckdb.connect() as con:
        for mart in MARTS:
            parquet = str(sample_run.output_dir / f"{mart}.parquet")
            assert (
                summary["exports"][mart]["rows"]
                == con.execute("select count(*) from read_parquet(?)", [parquet]).fetchone()[0]
            )
        analysis_dates = con.execute(
            "select distinct analysis_date::varchar from read_parquet(?)",
            [str(sample_run.output_dir / "customer_segments.parquet")],
        ).fetchall()
    assert [summary["analysis_date"]] == [row[0] for row in analysis_dates]

    with SAMPLE_CSV.open(newline="", encoding="utf-8-sig") as handle:
        sample_lines = sum(1 for _ in csv.reader(handle)) - 1
    source = summary["input"]
    assert source["path"] == str(SAMPLE_CSV)
    assert source["rows"] == sample_lines == source["clean_rows"] + source["rejected_rows"]

    assert summary["vars"]["max_reject_rate"] == 0.05  # the project defaults are listed too
    assert summary["output_dir"] == str(sample_run.output_dir)
    for package in ("dbt-core", "dbt-duckdb", "duckdb"):
        assert summary["versions"][package] == importlib.metadata.version(package)


# --- atomic publish and idempotence --------------------------------------------------


def test_two_runs_on_the_same_input_give_identical_export_bytes(sample_run, tmp_path):
    again = run_pipeline_in(tmp_path / "again")  # a fresh warehouse, the same input

    assert again.returncode == 0, again.stderr
    first, second = data_files(sample_run.output_dir), data_files(again.output_dir)
    assert sorted(first) == sorted(second)
    differing = [name for name in first if first[name] != second[name]]
    assert differing == [], f"exports differ between two runs: {differing}"


def test_a_repeat_run_reuses_the_parsed_project_and_gives_the_same_bytes(tmp_path):
    """The runner's vars stay the same between runs on the same input (the export
    folder goes by environment), so dbt's partial parse is reused, not redone.
    --verbose: dbt says whether it parsed at debug level, which only --verbose logs."""
    workspace = tmp_path / "nightly"
    first = run_pipeline_in(workspace, "--verbose")
    assert first.returncode == 0, first.stderr
    exports = data_files(first.output_dir)
    log = workspace / "logs" / "dbt.log"
    first_log_size = log.stat().st_size

    second = run_pipeline_in(workspace, "--verbose")

    assert second.returncode == 0, second.stderr
    second_run_log = log.read_text(encoding="utf-8", errors="replace")[first_log_size:]
    assert "skipping parsing" in second_run_log, "the second run parsed the project again"
    assert "Starting full parse" not in second_run_log
    assert data_files(second.output_dir) == exports


def test_a_failed_build_leaves_the_previous_exports_and_cleans_stale_staging(sample_run, tmp_path):
    workspace = tmp_path / "failing"
    before = seed_previous_exports(sample_run, workspace)
    stale = workspace / ".exports.staging-999999999"  # left by a killed run (no such process)
    stale.mkdir()
    (stale / "customer_segments.csv").write_text("half-written")
    bad = write_orders(tmp_path / "bad.csv", {1001: ("Acme", 10.0)})
    lines = bad.read_text().splitlines()
    bad.write_text("\n".join(lines + [lines[-1].replace("100.00", "-5.00", 1)]) + "\n")  # 25% rejected

    run = run_pipeline_in(workspace, input_path=bad)

    assert run.returncode == 1
    assert "Reject rate" in run.stderr
    assert snapshot(workspace / "exports") == before
    assert sorted(p.name for p in workspace.iterdir() if p.name.startswith(".exports.")) == []


def test_a_run_killed_mid_build_leaves_the_previous_exports_byte_for_byte(sample_run, tmp_path):
    workspace = tmp_path / "killed"
    before = seed_previous_exports(sample_run, workspace)

    process = start_runner(workspace)
    wait_for_log(workspace, " START sql ", process)  # dbt's info line as a model begins
    time.sleep(0.5)
    assert process.poll() is None, "the run finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)

    assert process.returncode == -signal.SIGKILL
    assert snapshot(workspace / "exports") == before
    staging = [p.name for p in workspace.iterdir() if p.name.startswith(".exports.staging-")]
    assert staging in ([], [f".exports.staging-{process.pid}"])  # removed by the next run


# --- the warehouse lock --------------------------------------------------------------


def test_a_second_run_while_one_holds_the_warehouse_exits_2_and_the_first_finishes(tmp_path):
    workspace = tmp_path / "busy"
    first = start_runner(workspace)
    wait_for_log(workspace, "Running with dbt=", first)  # the lock is taken before dbt starts

    started = time.monotonic()
    second = subprocess.run(
        [*RUNNER, "--output-dir", str(tmp_path / "other_exports")],
        cwd=workspace,
        env=isolated_env(workspace),
        capture_output=True,
        text=True,
        timeout=120,
    )
    waited = time.monotonic() - started
    first_still_running = first.poll() is None
    out, err = first.communicate(timeout=900)

    assert second.returncode == 2
    warehouse = workspace / "warehouse.duckdb"
    assert second.stderr.strip().splitlines() == [f"error: warehouse '{warehouse}' is in use by another run"]
    assert first_still_running and waited < 60, "the second run waited for the first instead of failing fast"
    assert not (tmp_path / "other_exports").exists()
    assert first.returncode == 0, err
    assert (workspace / "exports" / "report.html").exists()
    assert (workspace / "exports" / "customer_segments.parquet").exists()


def test_a_bi_tool_holding_the_warehouse_open_makes_the_runner_exit_2(sample_run, tmp_path):
    workspace = sample_run.warehouse.parent
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\n"
            f"con = duckdb.connect({str(sample_run.warehouse)!r}, read_only=True)\n"
            "print('open', flush=True)\n"
            "time.sleep(600)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        before = snapshot(sample_run.output_dir)
        run = subprocess.run(
            [*RUNNER, "--output-dir", str(sample_run.output_dir)],
            cwd=workspace,
            env=isolated_env(workspace),
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        holder.kill()
        holder.wait()

    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith(f"error: warehouse '{sample_run.warehouse}' is in use by another process (")
    assert snapshot(sample_run.output_dir) == before


def test_an_output_dir_holding_other_files_is_refused(tmp_path, run_pipeline):
    precious = tmp_path / "home"
    (precious / "notes").mkdir(parents=True)
    (precious / "notes" / "todo.txt").write_text("keep me")

    run = run_pipeline("--output-dir", str(precious))

    assert run.returncode == 2
    assert "holds more than exports" in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert (precious / "notes" / "todo.txt").read_text() == "keep me"


# --- safe CSV and BI access ----------------------------------------------------------


def test_csv_text_cells_cannot_run_as_formulas_but_parquet_keeps_raw_values(tmp_path, run_pipeline):
    names = {
        1001: ('=HYPERLINK("http://example.com","x")', 50.0),
        1002: ("+SUM(1,2)", 40.0),
        1003: ("-2+3", 30.0),
        1004: ("@cmd", 20.0),
        1005: ("Plain Co", -15.0),  # negative profit: a number, left as it is
    }
    run = run_pipeline(input_path=write_orders(tmp_path / "formulas.csv", names))
    assert run.returncode == 0, run.stderr

    with (run.output_dir / "customer_segments.csv").open(newline="", encoding="utf-8") as handle:
        rows = {int(row["customer_id"]): row for row in csv.DictReader(handle)}
    for customer_id, (name, _) in names.items():
        expected = name if customer_id == 1005 else "'" + name
        assert rows[customer_id]["customer_name"] == expected
    assert rows[1005]["monetary"].startswith("-")  # numeric cells are not quoted

    with duckdb.connect() as con:
        raw = dict(
            con.execute(
                "select customer_id, customer_name from read_parquet(?)",
                [str(run.output_dir / "customer_segments.parquet")],
            ).fetchall()
        )
    assert raw == {customer_id: name for customer_id, (name, _) in names.items()}

    # The rule holds for every cell of every exported CSV: a cell that starts with
    # = + - @ is a number; text that would start so starts with a single quote.
    for path in run.output_dir.glob("*.csv"):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    if cell[:1] in ("=", "+", "-", "@"):
                        float(cell)  # raises for a text cell that slipped through


BI_CLIENT = """
import duckdb, json, sys
export_dir, warehouse = sys.argv[1], sys.argv[2]
out = {}
with duckdb.connect(warehouse, read_only=True) as con:
    out["warehouse"] = con.execute(
        "select value_segment, count(*), sum(monetary)::double from marts.customer_segments group by 1 order by 1"
    ).fetchall()
    try:
        con.execute("create table marts.bi_scratch as select 1 as x")
        out["write"] = "allowed"
    except duckdb.Error:
        out["write"] = "refused"
with duckdb.connect() as con:  # the exports: no warehouse needed at all
    out["parquet"] = con.execute(
        "select value_segment, count(*), sum(monetary)::double"
        " from read_parquet(? || '/customer_segments.parquet') group by 1 order by 1", [export_dir]
    ).fetchall()
    out["marts"] = sorted(
        r[0] for r in con.execute("select parse_filename(file, true) from glob(? || '/*.parquet')", [export_dir]).fetchall()
    )
print(json.dumps(out))
"""


def test_bi_tools_read_the_marts_read_only_from_another_process(sample_run):
    completed = subprocess.run(
        [sys.executable, "-c", BI_CLIENT, str(sample_run.output_dir), str(sample_run.warehouse)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)

    assert result["write"] == "refused"
    assert result["marts"] == MARTS
    assert {row[0] for row in result["warehouse"]} <= {"High-Value", "Mid-Value", "Low-Value"}
    assert sum(row[1] for row in result["warehouse"]) > 0
    assert [row[:2] for row in result["parquet"]] == [row[:2] for row in result["warehouse"]]
    for from_parquet, from_warehouse in zip(result["parquet"], result["warehouse"]):
        assert from_parquet[2] == pytest.approx(from_warehouse[2])


SERVING_CLIENT = """
import duckdb, json, sys
con = duckdb.connect(sys.argv[1], read_only=True)  # a BI tool's connection, held across the run

def state():
    return con.execute(
        "select (select count(*) from marts.customer_segments where value_segment = 'High-Value'),"
        " (select count(*) from information_schema.tables where table_schema = 'marts')"
    ).fetchone()

print(json.dumps(state()), flush=True)
sys.stdin.readline()  # the run is over
print(json.dumps(state()), flush=True)
"""


def test_a_bi_tool_holding_the_serving_file_never_blocks_a_run_nor_sees_it_half_done(sample_run, tmp_path):
    workspace = tmp_path / "serving"
    exports = workspace / "exports"
    seed_previous_exports(sample_run, workspace)
    serving = exports / "customer_value.duckdb"
    with duckdb.connect(str(serving), read_only=True) as con:
        assert (
            sorted(
                r[0]
                for r in con.execute(
                    "select table_name from information_schema.tables where table_schema = 'marts'"
                ).fetchall()
            )
            == MARTS
        )
        before = con.execute(
            "select count(*) from marts.customer_segments where value_segment = 'High-Value'"
        ).fetchone()
    holder = subprocess.Popen(
        [sys.executable, "-c", SERVING_CLIENT, str(serving)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        first = json.loads(holder.stdout.readline())
        # Another threshold: the new marts have fewer High-Value customers.
        run = run_pipeline_in(workspace, "--vars", "{high_value_min_lrfm_score: 15}")
        holder.stdin.write("\n")
        holder.stdin.flush()
        during = json.loads(holder.stdout.readline())
    finally:
        holder.kill()
        holder.wait()

    assert run.returncode == 0, run.stderr[-3000:]
    assert first == during == [before[0], len(MARTS)]  # the old marts, whole, all along
    with duckdb.connect(str(serving), read_only=True) as con:  # a new connection: the new marts
        after = con.execute(
            "select count(*) from marts.customer_segments where value_segment = 'High-Value'"
        ).fetchone()
    assert after[0] < before[0]
