"""Load, then plain `dbt build` (no runner) on the bundled sample, as any EL + T stack
runs: every model, data test and unit test passes. The runner leaves unit tests
out; this is where they run."""

import json
import os
import subprocess
import sys
from collections import Counter

from conftest import PROJECT_DIR, isolated_env


def test_dbt_build_runs_every_model_data_test_and_unit_test(tmp_path):
    env = isolated_env(tmp_path)
    load = subprocess.run(
        [sys.executable, "-m", "customer_value", "load"], cwd=PROJECT_DIR, env=env, capture_output=True, text=True
    )
    assert load.returncode == 0, load.stderr
    assert load.stdout.startswith(
        "full load (nothing is loaded yet): 1 file(s), 10000 order lines, 0 malformed lines\n"
    )
    dbt = [sys.executable, "-c", "from dbt.cli.main import cli; cli()"]
    build = subprocess.run(
        dbt + ["build", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert build.returncode == 0, build.stdout[-4000:]

    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    statuses = Counter(result["status"] for result in results)
    kinds = Counter(result["unique_id"].split(".")[0] for result in results)
    assert set(statuses) <= {"success", "pass", "no-op"}, statuses  # no-op: the exposures
    assert kinds["unit_test"] >= 10 and kinds["test"] >= 50 and kinds["model"] >= 10, kinds
    assert os.path.exists(tmp_path / "warehouse.duckdb")
