"""The runner's work that depends on the target: loading the raw lines into
PostgreSQL before the build (customer_value.engines.postgres), and the exports
after it (customer_value.engines.export: written from the DuckDB warehouse, or
read back from PostgreSQL or Spark into DuckDB and written the same way).
"""

from __future__ import annotations

import os
from pathlib import Path

from customer_value.project import project_dir


class InputError(Exception):
    """The input cannot be read: one line naming the file and the problem."""


def profiles_dir() -> Path:
    """The folder of profiles.yml: DBT_PROFILES_DIR, else the project's."""
    return Path(os.environ.get("DBT_PROFILES_DIR", project_dir()))


def target_output(target: str | None) -> dict:
    """A target of this project's profile as written (default: its default target), not rendered."""
    import yaml  # shipped with dbt-core

    with open(profiles_dir() / "profiles.yml", encoding="utf-8") as handle:
        profile = yaml.safe_load(handle)["customer_value"]
    name = target or profile.get("target", "duckdb")
    output = (profile.get("outputs") or {}).get(name)
    if output is None:
        raise InputError(
            f"--target '{name}' is not a target of profiles.yml (targets: {', '.join(profile.get('outputs') or {})})"
        )
    return output


def target_type(target: str | None) -> str:
    """The adapter type of a target of this project's profile (default: its default target)."""
    return str(target_output(target)["type"])


def target_method(target: str | None) -> str | None:
    """The connection method of a Spark target (`session`, `thrift`, `http`), else None."""
    method = target_output(target).get("method")
    return None if method is None else str(method)
