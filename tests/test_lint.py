"""Lint is part of the test suite: ruff (lint and format) on the Python, sqlfluff
(duckdb dialect, dbt templater) on the SQL, configured in pyproject.toml and .sqlfluff
as pre-commit runs them (.pre-commit-config.yaml)."""

import os
import subprocess
import sys

import pytest
from conftest import PROJECT_DIR


@pytest.mark.unit
@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_python_is_ruff_clean(command):
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "."], cwd=PROJECT_DIR, capture_output=True, text=True
    )
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr


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
