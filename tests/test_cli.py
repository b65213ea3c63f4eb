"""The `customer-value` command: its commands, the project it finds, one line on bad usage."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import PROJECT_DIR

from customer_value import cli, project

pytestmark = pytest.mark.unit


def test_every_command_has_a_main_and_help():
    for name in cli.COMMANDS:
        assert callable(cli.command_main(name))


def test_the_project_is_the_option_else_here_else_the_checkout(tmp_path, monkeypatch):
    monkeypatch.delenv(project.PROJECT_DIR_VARIABLE, raising=False)
    monkeypatch.chdir(tmp_path)
    assert project.project_dir() == PROJECT_DIR  # an editable install's checkout
    (tmp_path / "dbt_project.yml").write_text("name: other\n")
    assert project.project_dir() == tmp_path
    monkeypatch.setenv(project.PROJECT_DIR_VARIABLE, str(tmp_path / "nowhere"))
    with pytest.raises(project.ProjectNotFound, match="holds no dbt_project.yml"):
        project.project_dir()


def test_an_unknown_command_or_a_bad_project_exits_2_with_one_line(tmp_path):
    unknown = subprocess.run([sys.executable, "-m", "customer_value", "bogus"], capture_output=True, text=True)
    assert unknown.returncode == 2 and "invalid choice: 'bogus'" in unknown.stderr
    nowhere = subprocess.run(
        [sys.executable, "-m", "customer_value", "--project-dir", str(tmp_path), "run"],
        capture_output=True,
        text=True,
    )
    assert nowhere.returncode == 2
    assert nowhere.stderr.strip().splitlines() == [
        f"error: {project.PROJECT_DIR_VARIABLE}='{tmp_path}' holds no dbt_project.yml"
    ]
