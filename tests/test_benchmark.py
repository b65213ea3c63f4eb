"""Smoke test of scripts/benchmark.py: it runs end to end on a tiny input.

One repeat of every contender on 2,000 generated lines, everything in pytest's
tmp dirs. It checks that the JSON and markdown results are written, that every
contender passed with a measured (non-zero) time and memory, and that the floor
query and the pandas implementation put every customer in the same value
segment as the project's customer_segments mart. It never asserts on timings.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
BENCHMARK = PROJECT_DIR / "scripts" / "benchmark.py"
CONTENDERS = ("build", "lrfm", "floor", "pandas")


@pytest.fixture(scope="module")
def benchmark_results(tmp_path_factory):
    root = tmp_path_factory.mktemp("benchmark")
    completed = subprocess.run(
        [
            sys.executable, str(BENCHMARK), "--rows", "2000", "--repeats", "1",
            "--cache-dir", str(root / "data"), "--out-dir", str(root / "results"),
            "--work-dir", str(root / "work"),
        ],
        cwd=root, capture_output=True, text=True, timeout=900,
    )
    assert completed.returncode == 0, f"benchmark failed:\n{completed.stdout}\n{completed.stderr}"
    return root, completed


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

    for label in ("full build", "LRFM path", "floor", "pandas"):
        assert label in table
    assert "| rows | contender | median wall s | peak RSS GB | × floor | runs |" in table
    assert table.strip() in completed.stdout  # printed at the end too


def test_floor_and_pandas_agree_with_the_project(benchmark_results):
    root, _ = benchmark_results
    agreement = json.loads((root / "results" / "benchmark.json").read_text())["sizes"][0]["agreement"]

    assert agreement["project_customers"] > 0
    for name in ("floor", "pandas"):
        entry = agreement[name]
        assert entry["missing_in_contender"] == 0 and entry["extra_in_contender"] == 0
        for column in ("l_score", "r_score", "f_score", "m_score", "value_segment"):
            assert entry[f"{column}_agreement"] == 1.0, f"{name} {column}: {entry}"


def test_build_runs_are_isolated_and_cleaned_up(benchmark_results):
    root, _ = benchmark_results
    # every run's warehouse, target, logs and exports lived under the work folder and are gone
    assert list((root / "work").iterdir()) == []


def test_ntile_buckets_match_sql_ntile():
    """The pandas contender's bucketing is DuckDB's NTILE(4) for every table size."""
    import duckdb
    import numpy as np

    spec = importlib.util.spec_from_file_location("benchmark", BENCHMARK)
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    for n_rows in range(1, 60):
        expected = [
            bucket for (bucket,) in duckdb.sql(f"select ntile(4) over (order by i) from range({n_rows}) t(i) order by i").fetchall()
        ]
        assert benchmark.ntile_buckets(np.arange(1, n_rows + 1), n_rows).tolist() == expected, n_rows
