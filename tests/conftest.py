"""Shared fixtures: run the pipeline end to end in an isolated workspace.

Every build gets its own warehouse file, dbt target/log folders and export
folder under pytest's tmp dirs, so tests never touch the developer's
warehouse/ or exports/ and can run in any order.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
# The runner as a scheduler starts it: the `customer-value run` command of the installed package.
RUNNER = [sys.executable, "-m", "customer_value", "run"]
SAMPLE_CSV = PROJECT_DIR / "data" / "sample" / "aws_saas_sales.csv"


# Markers (pyproject.toml): a test marked `unit` runs in-process without dbt; every
# other test runs dbt or the runner (`e2e`), those of the engine modules need a
# PostgreSQL server or Spark (`engines`), and the marked ones take minutes (`slow`).
ENGINE_MODULES = {"test_engines"}
# Modules whose tests share a module-scoped build: on one worker, it is built once.
SHARED_BUILD_MODULES = {
    "test_benchmark",
    "test_export_shapes",
    "test_report",
    "test_revenue_retention",
    "test_semantic_layer",
}


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """Mark every test that is not `unit` as `e2e`, and the engine modules' as `engines`.

    The engine tests share one PostgreSQL database and one Spark Thrift server (their
    schemas and metastore), so they run one after another on one pytest-xdist worker
    (`--dist loadgroup`, pyproject.toml); every other test has its own workspace.
    """
    for item in items:
        if item.get_closest_marker("unit") is None:
            item.add_marker(pytest.mark.e2e)
        if item.module.__name__ in ENGINE_MODULES or "postgres" in item.name or "spark" in item.name:
            item.add_marker(pytest.mark.engines)
            item.add_marker(pytest.mark.xdist_group("engines"))
        elif item.module.__name__ in SHARED_BUILD_MODULES:
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


@dataclass
class PipelineRun:
    """What one run of `customer-value run` left behind."""

    returncode: int
    stdout: str
    stderr: str
    warehouse: Path
    output_dir: Path


def isolated_env(workspace: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_TARGET_PATH=str(workspace / "target"),
        DBT_LOG_PATH=str(workspace / "logs"),
        CUSTOMER_VALUE_DUCKDB_PATH=str(workspace / "warehouse.duckdb"),
        CUSTOMER_VALUE_TEMP_DIR=str(workspace / "tmp"),
        CUSTOMER_VALUE_SPARK_DIR=str(workspace / "spark"),
    )
    return env


def run_pipeline_in(workspace: Path, *args: str, input_path: Path | str | None = None) -> PipelineRun:
    """Run the runner in a subprocess, as a scheduler would."""
    workspace.mkdir(parents=True, exist_ok=True)
    output_dir = workspace / "exports"
    command = [*RUNNER, "--output-dir", str(output_dir)]
    if input_path is not None:
        command += ["--input", str(input_path)]
    completed = subprocess.run(
        command + list(args),
        cwd=workspace,
        env=isolated_env(workspace),
        capture_output=True,
        text=True,
        timeout=900,
    )
    return PipelineRun(
        completed.returncode,
        completed.stdout,
        completed.stderr,
        workspace / "warehouse.duckdb",
        output_dir,
    )


def load_in(workspace: Path, *args: str, input_path: Path | str) -> tuple[str, str]:
    """`customer-value load` alone (no dbt) in the workspace's warehouse, as a
    scheduler's load step would; returns the (mode, reason) of the load it made."""
    workspace.mkdir(parents=True, exist_ok=True)
    completed = subprocess.run(
        [sys.executable, "-m", "customer_value", "load", "--input", str(input_path), *args],
        cwd=workspace,
        env=isolated_env(workspace),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    with duckdb.connect(str(workspace / "warehouse.duckdb"), read_only=True) as con:
        return con.execute("select load_mode, reason from raw.aws_saas_loads order by load_id desc limit 1").fetchone()


@pytest.fixture
def run_pipeline(tmp_path):
    """run_pipeline(*runner_args, input_path=None) -> PipelineRun, in a fresh workspace."""
    counter = iter(range(1_000))

    def run(*args: str, input_path: Path | str | None = None) -> PipelineRun:
        return run_pipeline_in(tmp_path / f"run{next(counter)}", *args, input_path=input_path)

    return run


@pytest.fixture(scope="session")
def build_project(tmp_path_factory, request):
    """build_project(vars=None) -> Path of a warehouse built on the bundled sample.

    Builds are cached per vars for the whole session; a failed build fails the
    test that asked for it with the runner's output. With the default vars it is
    sample_run's warehouse: one sample build per worker, not two.
    """
    cache: dict[str, Path] = {}

    def build(vars: dict | None = None) -> Path:
        key = json.dumps(vars or {}, sort_keys=True)
        if key not in cache and not vars:
            cache[key] = request.getfixturevalue("sample_run").warehouse
        if key not in cache:
            workspace = tmp_path_factory.mktemp("sample_build")
            args = ["--vars", key] if vars else []
            run = run_pipeline_in(workspace, *args)
            assert run.returncode == 0, f"sample build failed:\n{run.stdout}\n{run.stderr}"
            cache[key] = run.warehouse
        return cache[key]

    return build


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> PipelineRun:
    """One runner run on the bundled sample with --docs, shared by the output tests.

    Tests must not change its folders; copy what they need elsewhere first.
    """
    run = run_pipeline_in(tmp_path_factory.mktemp("sample_run"), "--docs")
    assert run.returncode == 0, f"sample run failed:\n{run.stdout}\n{run.stderr}"
    return run
