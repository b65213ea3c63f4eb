"""Where the dbt project is, and the paths the profile resolves against it.

The package is installed (pip install .) apart from the project it runs, as
dbt itself is: the project is `--project-dir`, else $CUSTOMER_VALUE_PROJECT_DIR,
else the current folder when it holds dbt_project.yml, else the source checkout
this package sits in (an editable install, the tests).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR_VARIABLE = "CUSTOMER_VALUE_PROJECT_DIR"
DEFAULT_WAREHOUSE = "warehouse/customer_value.duckdb"  # as in profiles.yml
SAMPLE_INPUT = Path("data") / "sample" / "aws_saas_sales.csv"


class ProjectNotFound(Exception):
    """No dbt project where the runner looked: one line saying where to point it."""


def project_dir() -> Path:
    """The dbt project's folder (see the module's docstring for the order)."""
    explicit = os.environ.get(PROJECT_DIR_VARIABLE)
    if explicit:
        path = Path(explicit).expanduser().absolute()
        if not (path / "dbt_project.yml").is_file():
            raise ProjectNotFound(f"{PROJECT_DIR_VARIABLE}='{explicit}' holds no dbt_project.yml")
        return path
    for candidate in (Path.cwd(), Path(__file__).resolve().parent.parent):
        if (candidate / "dbt_project.yml").is_file():
            return candidate
    raise ProjectNotFound("no dbt project here: run from the customer_value project folder or pass --project-dir")


def resolved(path: str | Path) -> Path:
    """A profile path: absolute as given, relative ones against the project."""
    path = Path(path).expanduser()
    return path if path.is_absolute() else project_dir() / path


def warehouse_path() -> Path:
    """The DuckDB file of the profile."""
    return resolved(os.environ.get("CUSTOMER_VALUE_DUCKDB_PATH", DEFAULT_WAREHOUSE))
