#!/usr/bin/env python3
"""Build the customer value warehouse with dbt and export its marts.

Thin by design: parse arguments, make one `dbt build` call through dbt's
programmatic API (dbtRunner), export every model under models/marts/ as Parquet
and CSV, and exit with a code a scheduler can act on:

    0  success
    1  a model or test failed (the failing nodes are printed)
    2  bad usage or unreadable input (one line on stderr)

Everything that computes something lives in the dbt project.
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import json
import os
import shutil
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_INPUT = PROJECT_DIR / "data" / "sample" / "aws_saas_sales.csv"
DEFAULT_OUTPUT_DIR = PROJECT_DIR / "exports"
INPUT_SUFFIXES = (".csv", ".csv.gz", ".parquet")


class UsageError(Exception):
    """Bad arguments or unreadable input: exit code 2 with one line."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Run `dbt build` on an AWS SaaS Sales export and export the marts.",
    )
    parser.add_argument(
        "--input",
        default=str(DEFAULT_INPUT),
        help="CSV or Parquet file, or a glob of many (default: the bundled sample)",
    )
    parser.add_argument(
        "--output-dir",
        default=str(DEFAULT_OUTPUT_DIR),
        help="where the exports go (default: exports/)",
    )
    parser.add_argument(
        "--analysis-date",
        help="as-of date YYYY-MM-DD (default: the day after the last clean order)",
    )
    parser.add_argument("--target", help="dbt target (default: the profile's, duckdb)")
    parser.add_argument("--select", help="dbt node selection, e.g. +customer_segments")
    parser.add_argument("--vars", help="dbt vars as YAML/JSON, e.g. '{score_method: quantile}'")
    parser.add_argument("--full-refresh", action="store_true", help="rebuild incremental models")
    parser.add_argument("--threads", type=int, help="dbt threads (default: the profile's)")
    parser.add_argument("--verbose", action="store_true", help="show dbt's own log lines")
    return parser.parse_args(argv)


def resolve_input(pattern: str) -> str:
    """The input as an absolute path or glob; fails when nothing matches."""
    path = str(Path(pattern).expanduser().absolute())
    if not path.lower().endswith(INPUT_SUFFIXES):
        raise UsageError(f"Input file '{pattern}': not a CSV or Parquet file (expected .csv, .csv.gz or .parquet)")
    if not glob.glob(path):
        raise UsageError(f"Input file '{pattern}': file not found")
    return path


def dbt_vars(args: argparse.Namespace, input_path: str, export_dir: Path) -> dict:
    """The vars of the build: the user's --vars, then the runner's own flags."""
    import yaml  # shipped with dbt-core

    user_vars = {}
    if args.vars:
        try:
            user_vars = yaml.safe_load(args.vars)
        except yaml.YAMLError as error:
            raise UsageError(f"--vars is not valid YAML/JSON: {str(error).splitlines()[0]}") from None
        if not isinstance(user_vars, dict):
            raise UsageError("--vars must be a mapping, e.g. '{score_method: quantile}'")
    if args.analysis_date:
        try:
            dt.date.fromisoformat(args.analysis_date)
        except ValueError:
            raise UsageError(f"--analysis-date '{args.analysis_date}' is not a date YYYY-MM-DD") from None
        user_vars["analysis_date"] = args.analysis_date
    return {**user_vars, "input_path": input_path, "export_dir": str(export_dir)}


def build_command(args: argparse.Namespace, variables: dict) -> list[str]:
    command = [
        "build",
        "--project-dir", str(PROJECT_DIR),
        "--profiles-dir", os.environ.get("DBT_PROFILES_DIR", str(PROJECT_DIR)),
        "--vars", json.dumps(variables),
        "--log-level", "info" if args.verbose else "none",
    ]
    for flag, value in (("--target", args.target), ("--select", args.select), ("--threads", args.threads)):
        if value is not None:
            command += [flag, str(value)]
    if args.full_refresh:
        command.append("--full-refresh")
    return command


def run_dbt(command: list[str]):
    """One dbt build; returns (result, failing node lines)."""
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(command)
    if result.exception is not None:
        # Raised before any node ran: the input check, a bad project or profile.
        # dbt errors carry the bare message in .msg; str() prefixes the node's context.
        raise UsageError(str(getattr(result.exception, "msg", result.exception)).strip().splitlines()[0])
    failures = [
        f"{node_result.status.upper()} {node_result.node.unique_id}: "
        f"{' '.join((node_result.message or '').split())}"
        for node_result in result.result.results
        if str(node_result.status) in ("error", "fail", "runtime error")
    ]
    return result, failures


def publish(staging_dir: Path, output_dir: Path) -> None:
    """Swap the finished exports in place of the previous ones."""
    previous = output_dir.with_name(f".{output_dir.name}.previous")
    shutil.rmtree(previous, ignore_errors=True)
    if output_dir.exists():
        output_dir.rename(previous)
    staging_dir.rename(output_dir)
    shutil.rmtree(previous, ignore_errors=True)


def exported_row_counts(export_dir: Path) -> dict[str, int]:
    """Rows of every exported mart, read back from its Parquet file."""
    import duckdb

    with duckdb.connect() as con:
        return {
            path.stem: con.execute("select count(*) from read_parquet(?)", [str(path)]).fetchone()[0]
            for path in sorted(export_dir.glob("*.parquet"))
        }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    output_dir = Path(args.output_dir).absolute()
    staging_dir = output_dir.with_name(f".{output_dir.name}.staging-{os.getpid()}")
    try:
        input_path = resolve_input(args.input)
        variables = dbt_vars(args, input_path, staging_dir)
        staging_dir.mkdir(parents=True)
        os.chdir(PROJECT_DIR)  # the profile's relative warehouse path is the project's
        result, failures = run_dbt(build_command(args, variables))
        if failures:
            print(f"dbt build failed ({len(failures)} failing nodes):", file=sys.stderr)
            for line in failures:
                print(f"  {line}", file=sys.stderr)
            return 1
        row_counts = exported_row_counts(staging_dir)
        publish(staging_dir, output_dir)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(staging_dir, ignore_errors=True)
    print(
        f"built {len(result.result.results)} nodes; exported {len(row_counts)} marts to {output_dir}: "
        + ", ".join(f"{name} ({rows} rows)" for name, rows in row_counts.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
