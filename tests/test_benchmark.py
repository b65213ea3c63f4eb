"""Smoke test of `customer-value benchmark`: it runs end to end on a tiny input.

One repeat of every contender on 2,000 generated lines, everything in pytest's
tmp dirs; the incremental contender with daily files of a quarter of the lines
each (--daily-share 0.25: a setup build on three files, then the fourth), so it
stays quick. It checks that the JSON and markdown results are written, that
every contender passed with a measured (non-zero) time and memory, that the
target ratios are reported, and that the floor query, both pandas contenders,
the Parquet build and the incremental run put every customer in the same value
segment as the project's customer_segments mart. It never asserts on timings.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from customer_value.benchmark import cli, contenders, inputs

PROJECT_DIR = Path(__file__).resolve().parent.parent
BENCHMARK = [sys.executable, "-m", "customer_value", "benchmark"]
CONTENDERS = ("build", "lrfm", "floor", "pandas", "notebook", "build_parquet", "incremental")
COMPARED = ("floor", "pandas", "notebook", "build_parquet", "incremental")
TARGETS = ("lrfm/notebook", "build/notebook", "build_parquet/build", "incremental/build")


def load_benchmark() -> SimpleNamespace:
    """The benchmark's functions the unit tests call, from its modules."""
    return SimpleNamespace(
        ntile_buckets=contenders.ntile_buckets,
        daily_file_lines=inputs.daily_file_lines,
        split_csv=inputs.split_csv,
        parse_args=cli.parse_args,
    )


@pytest.fixture(scope="module")
def benchmark_results(tmp_path_factory):
    root = tmp_path_factory.mktemp("benchmark")
    completed = subprocess.run(
        [
            *BENCHMARK,
            "--rows",
            "2000",
            "--repeats",
            "1",
            "--cache-dir",
            str(root / "data"),
            "--out-dir",
            str(root / "results"),
            "--work-dir",
            str(root / "work"),
            "--daily-share",
            "0.25",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert completed.returncode == 0, f"benchmark failed:\n{completed.stdout}\n{completed.stderr}"
    return root, completed


@pytest.mark.slow
def test_writes_json_and_markdown_with_every_contender(benchmark_results):
    root, completed = benchmark_results
    results = json.loads((root / "results" / "benchmark.json").read_text())
    table = (root / "results" / "benchmark.md").read_text()

    assert [size["rows"] for size in results["sizes"]] == [2000]
    size = results["sizes"][0]
    assert size["input"]["bytes"] > 0 and Path(size["input"]["path"]).exists()  # cached for reuse
    assert {run["contender"] for run in size["runs"]} == set(CONTENDERS)
    for run in size["runs"]:
        assert run["status"] == "ok", f"{run['contender']} did not pass: {run.get('note')}\n{run.get('output_tail')}"
        assert run["exit_code"] == 0
        assert run["wall_s"] > 0
        assert run["peak_rss_bytes"] > 0
    for name in CONTENDERS:
        summary = size["summary"][name]
        assert summary["runs_ok"] == summary["runs"] == 1
        assert summary["median_wall_s"] > 0
        assert summary["x_floor_wall"] is not None
    assert size["summary"]["floor"]["x_floor_wall"] == 1.0
    assert results["machine"]["cpu_count"] >= 1
    assert results["machine"]["versions"]["duckdb"]

    for label in ("full build", "LRFM path", "floor", "pandas", "notebook way", "from Parquet", "incremental"):
        assert label in table
    assert "| rows | contender | median wall s | peak RSS GB | × floor | runs |" in table
    assert table.strip() in completed.stdout  # printed at the end too


@pytest.mark.slow
def test_target_ratios_are_reported(benchmark_results):
    root, _ = benchmark_results
    results = json.loads((root / "results" / "benchmark.json").read_text())
    table = (root / "results" / "benchmark.md").read_text()
    size = results["sizes"][0]

    assert [target["measure"] for target in size["targets"]] == list(TARGETS)
    assert {target["measure"]: target["max_ratio"] for target in size["targets"]} == {
        "lrfm/notebook": 1.0,
        "build/notebook": 1.25,
        "build_parquet/build": 0.7,
        "incremental/build": 0.35,
    }
    for target in size["targets"]:
        assert target["ratio"] > 0
        assert target["met"] in (True, False)
        assert target["result"] == ("met" if target["met"] else "not met")
        assert target["at_target_size"] is False  # 2,000 lines, not 10M
        assert target["label"] in table
    assert size["summary"]["floor"]["x_floor_wall"] == 1.0  # the floor ratios stay


@pytest.mark.slow
def test_incremental_run_adds_the_last_daily_file(benchmark_results):
    root, _ = benchmark_results
    size = json.loads((root / "results" / "benchmark.json").read_text())["sizes"][0]
    daily = size["inputs"]["daily"]

    assert daily["files"] == ["day_0001.csv", "day_0002.csv", "day_0003.csv", "day_0004.csv"]  # name = load order
    assert daily["last_file_lines"] == 500 and daily["earlier_file_lines"] == [500, 500]
    assert sorted(Path(daily["folder"]).glob("day_*.csv")) == [Path(daily["folder"]) / name for name in daily["files"]]
    assert size["inputs"]["parquet"]["path"].endswith(".parquet")
    (run,) = [run for run in size["runs"] if run["contender"] == "incremental"]
    assert run["setup"]["status"] == "ok" and run["setup"]["landing_files"] == 3
    assert size["summary"]["incremental"]["median_setup_wall_s"] > 0
    # after the daily run the exports are the full build's, byte for byte
    identity = size["agreement"]["incremental_exports"]
    assert identity["files"] > 20 and identity["identical"] == identity["files"] and identity["differing"] == []


@pytest.mark.slow
def test_contenders_agree_with_the_project(benchmark_results):
    root, _ = benchmark_results
    agreement = json.loads((root / "results" / "benchmark.json").read_text())["sizes"][0]["agreement"]

    assert agreement["project_customers"] > 0
    for name in COMPARED:
        entry = agreement[name]
        assert entry["missing_in_contender"] == 0 and entry["extra_in_contender"] == 0
        for column in ("l_score", "r_score", "f_score", "m_score", "value_segment"):
            assert entry[f"{column}_agreement"] == 1.0, f"{name} {column}: {entry}"


@pytest.mark.slow
def test_build_runs_are_isolated_and_cleaned_up(benchmark_results):
    root, _ = benchmark_results
    # every run's warehouse, target, logs and exports lived under the work folder and are gone
    assert list((root / "work").iterdir()) == []


@pytest.mark.unit
def test_ntile_buckets_match_sql_ntile():
    """The pandas contender's bucketing is DuckDB's NTILE(4) for every table size."""
    import duckdb
    import numpy as np

    benchmark = load_benchmark()
    for n_rows in range(1, 60):
        expected = [
            bucket
            for (bucket,) in duckdb.sql(
                f"select ntile(4) over (order by i) from range({n_rows}) t(i) order by i"
            ).fetchall()
        ]
        assert benchmark.ntile_buckets(np.arange(1, n_rows + 1), n_rows).tolist() == expected, n_rows


@pytest.mark.unit
def test_daily_files_split_the_input_in_file_order(tmp_path):
    """Every line once, in order, the header in every file; the last file is the share."""
    benchmark = load_benchmark()
    assert benchmark.daily_file_lines(10_000_000, 0.003)[-1] == 30_000
    assert len(benchmark.daily_file_lines(10_000_000, 0.003)) == 333
    for rows in (2, 7, 2000, 10_000_000):
        assert sum(benchmark.daily_file_lines(rows, 0.003)) == rows
    source = tmp_path / "lines.csv"
    header, lines = b"a,b\n", [f'{i},"x, {i}"\n'.encode() for i in range(10)]
    source.write_bytes(header + b"".join(lines))
    manifest = benchmark.split_csv(source, tmp_path, benchmark.daily_file_lines(10, 0.3))
    assert [entry["lines"] for entry in manifest] == [4, 3, 3]
    parts = [(tmp_path / entry["file"]).read_bytes() for entry in manifest]
    assert all(part.startswith(header) for part in parts)
    assert b"".join(part[len(header) :] for part in parts) == b"".join(lines)


@pytest.mark.unit
def test_only_accepts_the_new_contenders():
    benchmark = load_benchmark()
    assert benchmark.parse_args(["--only", "notebook,incremental,build_parquet"]).contenders == [
        "notebook",
        "build_parquet",
        "incremental",
    ]
    assert "build_parquet" not in benchmark.parse_args(["--format", "parquet"]).contenders
    with pytest.raises(SystemExit):  # the Parquet build beside a Parquet build is the build itself
        benchmark.parse_args(["--format", "parquet", "--only", "build_parquet"])
