"""Nightly runs on a landing folder (docs/operations.md): a run loads only the files it
has not loaded, and after any sequence of runs the exports are byte-identical to a
full build on the same files; a file that changed or disappeared, or a late file that
sorts among the loaded ones, makes the run read every file again, never mix.
"""

from __future__ import annotations

import filecmp
import json

import duckdb
from conftest import SAMPLE_CSV, load_in, run_pipeline_in
from mart_comparison import mart_differences
from test_engines import require

RAW = SAMPLE_CSV.read_bytes().rstrip(b"\n").split(b"\n")
HEADER, DATA = RAW[0], RAW[1:]
ARGS = ("--vars", "{max_reject_rate: 1}")


def write_day(folder, name: str, lines: list[bytes]) -> None:
    (folder / name).write_bytes(b"\n".join([HEADER, *lines]) + b"\n")


def last_load(run) -> dict:
    return json.loads((run.output_dir / "run_summary.json").read_text())["input"]["load"]


def marts(run) -> list[str]:
    return sorted(path.name for path in run.output_dir.iterdir() if path.suffix in (".csv", ".parquet"))


def same_exports(run, reference) -> bool:
    names = marts(reference)
    _, mismatched, errors = filecmp.cmpfiles(reference.output_dir, run.output_dir, names, shallow=False)
    return names == marts(run) and not mismatched and not errors


def nightly_runs(tmp_path):
    """(landing folder, night(*args), full_build(name), load_only(*args)): runs on one
    warehouse, run after run as a scheduler starts them, full builds of the same glob
    beside it, and the load step alone on the nightly warehouse."""
    landing = tmp_path / "landing"
    landing.mkdir()
    glob = landing / "day_*.csv"
    nightly = tmp_path / "nightly"

    def night(*args):
        return run_pipeline_in(nightly, *ARGS, *args, input_path=glob)

    def full_build(name: str):
        return run_pipeline_in(tmp_path / name, *ARGS, input_path=glob)

    def load_only(*args):
        return load_in(nightly, *args, input_path=glob)

    return landing, night, full_build, load_only


def test_runs_that_add_files_equal_a_full_build(tmp_path):
    landing, night, full_build, _ = nightly_runs(tmp_path)
    write_day(landing, "day_1.csv", DATA[:4000])
    assert night().returncode == 0
    # Day 2 repeats two Row IDs of day 1: an exact copy and one with another Order ID.
    write_day(landing, "day_2.csv", DATA[4000:7000] + [DATA[10], DATA[20].replace(b",", b",X", 1)])
    second = night()
    assert second.returncode == 0, second.stderr[-2000:]
    assert last_load(second) == {"mode": "append", "reason": "1 new file(s) after the 1 loaded"}
    # Day 3 has a line the reader cannot split.
    write_day(landing, "day_3.csv", DATA[7000:7100] + [DATA[7100] + b",extra"] + DATA[7100:])
    third = night()
    assert third.returncode == 0 and last_load(third)["mode"] == "append"

    reference = full_build("full_after_day_3")
    assert reference.returncode == 0 and last_load(reference)["mode"] == "full"
    assert same_exports(third, reference)
    with duckdb.connect(str(third.warehouse), read_only=True) as con:
        assert con.execute(
            "select reject_reason, source_line_number from staging.stg_aws_saas__rejected_order_lines order by 2"
        ).fetchall() == [("exact_duplicate_line", 7001), ("duplicate_row_id", 7002), ("malformed_line", 7103)]


def test_a_file_that_changed_after_appends_makes_a_full_rebuild(tmp_path):
    # Which changes make a full load (a changed, vanished or late file) is the
    # loader's rule, tested in-process (tests/test_loader.py); here, that after
    # appends a full load rebuilds dbt's incremental models from it.
    landing, night, full_build, load_only = nightly_runs(tmp_path)
    write_day(landing, "day_1.csv", DATA[:4000])
    write_day(landing, "day_2.csv", DATA[4000:8000])
    assert night().returncode == 0
    write_day(landing, "day_3.csv", DATA[8000:])
    assert last_load(night())["mode"] == "append"

    write_day(landing, "day_1.csv", DATA[:3990])
    changed = night()
    assert last_load(changed) == {
        "mode": "full",
        "reason": f"file '{landing / 'day_1.csv'}' changed since it was loaded",
    }
    assert same_exports(changed, full_build("full_after_change"))

    # Nothing new: nothing read; --full-refresh reads everything (the loader's answer: no build needed).
    assert load_only() == ("append", "0 new file(s) after the 3 loaded")
    assert load_only("--full-refresh") == ("full", "--full-refresh")


def test_a_run_that_built_part_of_the_staging_is_caught_up_by_the_next_one(tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    write_day(landing, "day_1.csv", DATA[:2000])
    glob = landing / "day_*.csv"
    assert run_pipeline_in(tmp_path / "run", *ARGS, input_path=glob).returncode == 0
    write_day(landing, "day_2.csv", DATA[2000:4000] + [DATA[10]])
    # Only the base table: the duplicate check never saw day 2's load.
    partial = run_pipeline_in(tmp_path / "run", *ARGS, "--select", "base_aws_saas__order_lines", input_path=glob)
    assert partial.returncode == 0, partial.stderr[-2000:]
    write_day(landing, "day_3.csv", DATA[4000:5000])

    after = run_pipeline_in(tmp_path / "run", *ARGS, input_path=glob)

    assert after.returncode == 0, after.stderr[-2000:]
    assert last_load(after) == {"mode": "append", "reason": "1 new file(s) after the 2 loaded"}
    assert same_exports(after, run_pipeline_in(tmp_path / "full", *ARGS, input_path=glob))
    with duckdb.connect(str(after.warehouse), read_only=True) as con:
        assert con.execute(
            "select reject_reason, source_line_number from staging.stg_aws_saas__rejected_order_lines"
        ).fetchall() == [("exact_duplicate_line", 4001)]


def test_a_run_that_appends_checks_the_new_files_and_a_bad_one_loads_nothing(tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    glob = landing / "day_*.csv"
    write_day(landing, "day_1.csv", DATA[:2000])
    assert load_in(tmp_path / "run", input_path=glob)[0] == "full"

    def stopped_by(header: bytes) -> str:
        (landing / "day_2.csv").write_bytes(b"\n".join([header, *DATA[2000:2100]]) + b"\n")
        run = run_pipeline_in(tmp_path / "run", *ARGS, input_path=glob)
        assert run.returncode == 2 and "Traceback" not in run.stdout + run.stderr, run.stderr[-2000:]
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1, run.stderr[-2000:]
        return lines[0]

    # The new file is checked, against the first file's header, though the loaded one is not read.
    without_profit = b",".join(HEADER.split(b",")[:-1])
    assert f"Input file '{landing / 'day_2.csv'}': required column 'Profit' is missing" in stopped_by(without_profit)
    other_spelling = HEADER.replace(b"Row ID", b"row_id", 1)
    assert f"Input file '{landing / 'day_2.csv'}': column 'row_id' is spelled 'Row ID'" in stopped_by(other_spelling)

    # A run that stopped at the check loaded nothing: with the file fixed, the next load appends it.
    write_day(landing, "day_2.csv", DATA[2000:2100])
    assert load_in(tmp_path / "run", input_path=glob) == ("append", "1 new file(s) after the 1 loaded")


def test_nightly_runs_on_postgres_append_and_a_changed_file_reloads(tmp_path):
    # The loader's manifest lives in the server's raw tables: a run there appends new
    # files too, and its marts equal DuckDB's full build on the same files.
    require("postgres")
    landing = tmp_path / "landing"
    landing.mkdir()
    glob = landing / "day_*.csv"

    def night():
        return run_pipeline_in(tmp_path / "nightly", *ARGS, "--target", "postgres", input_path=glob)

    write_day(landing, "day_1.csv", DATA[:3000])
    first = night()
    assert first.returncode == 0, first.stderr[-2000:]
    assert last_load(first)["mode"] == "full"  # whatever another test left in the server
    write_day(landing, "day_2.csv", DATA[3000:6000] + [DATA[10]])
    second = night()
    assert second.returncode == 0, second.stderr[-2000:]
    assert last_load(second) == {"mode": "append", "reason": "1 new file(s) after the 1 loaded"}
    reference = run_pipeline_in(tmp_path / "duckdb", *ARGS, input_path=glob)
    assert reference.returncode == 0
    assert mart_differences(reference.output_dir, second.output_dir) == []

    write_day(landing, "day_1.csv", DATA[:2990])
    changed = night()
    assert changed.returncode == 0, changed.stderr[-2000:]
    assert last_load(changed) == {
        "mode": "full",
        "reason": f"file '{landing / 'day_1.csv'}' changed since it was loaded",
    }
