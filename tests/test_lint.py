"""sqlfluff (duckdb dialect, dbt templater) is part of the test suite."""

import os
import subprocess
import sys

from conftest import PROJECT_DIR


def test_sql_is_sqlfluff_clean(tmp_path):
    env = dict(
        os.environ,
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_TARGET_PATH=str(tmp_path / "target"),
        DBT_LOG_PATH=str(tmp_path / "logs"),
        CUSTOMER_VALUE_DUCKDB_PATH=str(tmp_path / "lint.duckdb"),
    )
    lint = subprocess.run(
        [sys.executable, "-m", "sqlfluff", "lint", "models", "analyses", "tests/data_tests"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
