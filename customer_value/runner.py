"""`customer-value run`: load the input, build the warehouse with dbt, publish the marts.

Parse the arguments, land the input's new lines in the raw tables (the loader,
customer_value/loader.py), make one `dbt build` call through dbt's programmatic API
(dbtRunner), export every mart as Parquet and CSV into a staging folder
(customer_value/engines/export.py), add the serving DuckDB file for BI tools, run_summary.json and
report.html (and with --docs the static dbt docs page) to it, publish it in place
of the previous exports, and exit with a code a scheduler can act on (while the build runs, one progress line per
finished node goes to stderr, see customer_value/progress.py; --quiet silences it):

    0  success
    1  a model or test failed (the failing nodes are printed, one line each)
    2  bad usage, unreadable input, or the warehouse is in use by another run
       (one line on stderr)

Everything that computes something lives in the dbt project; the summary and the
report are in customer_value/run_summary.py and customer_value/report.py; the
warehouse lock and the atomic publish in customer_value/publishing.py. On a target
other than DuckDB (`--target postgres|spark|spark_thrift`), customer_value/engines/
reads the marts back for the same exports after the build.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import sys
from pathlib import Path

from customer_value import engines, input_headers, loader, progress, publishing, report, run_summary, serving
from customer_value.engines import InputError, export, spark_thrift
from customer_value.project import SAMPLE_INPUT, ProjectNotFound, project_dir, resolved, warehouse_path


class UsageError(Exception):
    """Bad arguments or unreadable input: exit code 2 with one line."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `customer-value run`."""
    parser.add_argument(
        "--input",
        help="CSV or Parquet file, or a glob of many (default: the project's bundled sample)",
    )
    parser.add_argument(
        "--output-dir",
        help="where the exports go (default: the project's exports/)",
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
    parser.add_argument(
        "--docs",
        action="store_true",
        help="also run `dbt docs generate --static` and publish the page as dbt_docs.html",
    )
    parser.add_argument(
        "--unit-tests",
        action="store_true",
        help="also run the dbt unit tests (they check the SQL logic, not the data; CI runs them)",
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="no progress lines (by default one line per finished node on stderr)",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="show dbt's own log lines, and log every SQL statement to logs/dbt.log (debug level)",
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="customer-value run",
        description="Run `dbt build` on an AWS SaaS Sales export and export the marts.",
    )
    add_arguments(parser)
    return parser.parse_args(argv)


def dbt_vars(args: argparse.Namespace) -> dict:
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
    return user_vars


def dbt_command(
    subcommand: list[str], args: argparse.Namespace, variables: dict, full_refresh: bool = False
) -> list[str]:
    command = [
        *subcommand,
        "--project-dir",
        str(project_dir()),
        "--profiles-dir",
        os.environ.get("DBT_PROFILES_DIR", str(project_dir())),
        "--vars",
        json.dumps(variables),
        "--log-level",
        "info" if args.verbose else "none",
        # logs/dbt.log (or $DBT_LOG_PATH): every node's status and error at info level;
        # debug (every SQL statement, several times over) costs about 2 s of a 16 s sample run.
        "--log-level-file",
        "debug" if args.verbose else "info",
    ]
    if args.target is not None:
        command += ["--target", args.target]
    if subcommand == ["build"]:
        for flag, value in (("--select", args.select), ("--threads", args.threads)):
            if value is not None:
                command += [flag, str(value)]
        if args.select is not None:
            # Only the tests whose models this run builds (not e.g. a relationships
            # test that also needs a mart outside the selection).
            command += ["--indirect-selection", "cautious"]
        if not args.unit_tests:
            # Unit tests check the SQL on fixed inputs, not the data: CI runs them.
            command += ["--exclude-resource-type", "unit_test"]
        if full_refresh:
            # --full-refresh, or the loader replaced the raw tables (a full load)
            command.append("--full-refresh")
    return command


def failed_statuses() -> frozenset:
    """The node statuses that fail the build: a model, seed or hook that errored
    (RunStatus), a test that failed or errored (TestStatus). `dbt build` runs no
    source freshness, the only source of FreshnessStatus.RuntimeErr. Imported on
    call, as dbt itself is, so --help and usage errors answer without loading dbt."""
    from dbt.artifacts.schemas.results import RunStatus, TestStatus

    return frozenset({RunStatus.Error, TestStatus.Error, TestStatus.Fail})


def node_message(message: str | None) -> str:
    """The first line of what a failing node says, without dbt's wrapper.

    A node that raised carries str() of a dbt error: a first line "Compilation
    Error in model <name> (<path>)", the message indented below it, then the
    macro call stack ("> in macro ...", "> called by ..."). A test's message
    ("Got 3 results, configured to fail if != 0") is one line already.
    """
    lines = [line.strip() for line in (message or "").splitlines()]
    if len(lines) > 1 and re.match(r"\w+ Error in \S+ \S+", lines[0]):
        lines = lines[1:]
    lines = [line for line in lines if line and not line.startswith(("> in ", "> called by "))]
    return lines[0] if lines else ""


def release_duckdb() -> None:
    """Close the warehouse file dbt-duckdb keeps open in this process after a dbt
    call (its connection manager's class-level environment), so that the exports
    can attach it. The next dbt call opens it again."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    DuckDBConnectionManager.close_all_connections()
    if environment is not None:
        environment.close()


def run_dbt(command: list[str], callbacks: list | None = None):
    """One dbt build; returns (result, failing node lines)."""
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    from dbt.cli.main import dbtRunner

    result = dbtRunner(callbacks=callbacks or []).invoke(command)
    release_duckdb()
    if result.exception is not None:
        # Raised before any node ran: the input check, a bad project or profile.
        # dbt errors carry the bare message in .msg; str() prefixes the node's context.
        message = str(getattr(result.exception, "msg", result.exception)).strip().splitlines()[0]
        in_use = loader.in_use_message(str(warehouse_path()), message)  # another process has the file open
        raise UsageError(in_use or input_headers.sniff_problem(message) or message)
    if command[0] != "build":
        return result, []
    failed = failed_statuses()
    failures = [
        f"{node_result.status.upper()} {node_result.node.unique_id}: {node_message(node_result.message)}"
        for node_result in result.result.results
        if node_result.status in failed
    ]
    return result, failures


def dbt_target_path() -> Path:
    """Where dbt writes its artifacts (DBT_TARGET_PATH, else the project's target/)."""
    return resolved(os.environ.get("DBT_TARGET_PATH", "target"))


def main(argv: list[str] | None = None) -> int:
    started_at = dt.datetime.now(dt.UTC)
    args = parse_args(argv)
    try:
        project = project_dir()
    except ProjectNotFound as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    output_dir = Path(args.output_dir or project / "exports").absolute()
    staging_dir = publishing.staging_dir_for(output_dir)
    try:
        input_path = loader.resolve_input(args.input or str(project / SAMPLE_INPUT))
        engine = engines.target_type(args.target)
        variables = dbt_vars(args)
        publishing.check_output_dir(output_dir)
        # One run at a time per warehouse: the DuckDB file, or the target's schemas elsewhere.
        warehouse = warehouse_path() if engine == "duckdb" else warehouse_path().with_name(f"{engine}_target")
        lock = publishing.lock_warehouse(warehouse)  # noqa: F841 (held until the process ends)
        publishing.clean_stale_staging(output_dir)
        staging_dir.mkdir(parents=True)
        os.chdir(project)  # the profile's relative warehouse path is the project's
        method = engines.target_method(args.target)
        if engine == "spark" and method == "session":
            export.quiet_spark()
        elif engine == "spark" and method == "thrift":
            # a server that cannot be reached: one line naming it, before anything runs
            spark_thrift.close_quietly(spark_thrift.connection(args.target))
        elif engine == "spark":
            raise UsageError(
                f"the runner exports from a Spark target with `method: session` or `thrift`, not `{method}`;"
                " run `dbt build` there and read the marts where they are (docs/engines.md)"
            )
        load = loader.load(input_path, engine, full_refresh=args.full_refresh)
        if engine == "spark":
            # The loader landed Parquet for the cluster: the raw tables over it, registered as an operation
            register = ["run-operation", "register_aws_saas_order_lines"]
            variables["spark_raw_dir"] = str(loader.spark_raw_dir())
            registered, _ = run_dbt(dbt_command(register, args, variables))
            if not registered.success:
                raise UsageError("dbt run-operation register_aws_saas_order_lines failed (see logs/dbt.log)")
        callbacks = [] if args.quiet else [progress.progress_printer()]
        build = dbt_command(["build"], args, variables, full_refresh=args.full_refresh or load.mode == "full")
        result, failures = run_dbt(build, callbacks)
        if failures:
            print(f"dbt build failed ({len(failures)} failing nodes):", file=sys.stderr)
            for line in failures:
                print(f"  {line}", file=sys.stderr)
            return 1
        if engine == "duckdb":
            export.export_duckdb_marts(warehouse_path(), project_marts(), staging_dir)
        else:
            export.export_marts(engine, built_marts(result.result.results), staging_dir, args.target)
        if args.docs:
            docs, _ = run_dbt(dbt_command(["docs", "generate", "--static"], args, variables))
            if not docs.success:
                print("dbt docs generate failed (see logs/dbt.log); nothing published", file=sys.stderr)
                return 1
            shutil.copyfile(dbt_target_path() / "static_index.html", staging_dir / "dbt_docs.html")
        summary = run_summary.build_summary(
            run_results=result.result.results,
            export_dir=staging_dir,
            output_dir=output_dir,
            input_path=input_path,
            input_counts={**run_summary.input_line_counts(staging_dir), "load": loader.summary(load)},
            variables={**project_vars(), **variables},
            passed_vars=variables,
            runner_args=sys.argv[1:] if argv is None else list(argv),
            started_at=started_at,
        )
        (staging_dir / "run_summary.json").write_text(json.dumps(summary, indent=2, default=str) + "\n")
        for fit in summary["clv_fits"]:
            if fit["status"] == "not_converged":
                # not a failure: the build passed and its predictions are null; say so once
                # (a fit skipped for too little data is in summary["minimum_data"] instead)
                print(
                    f"warning: the {fit['fitter']} fit of snapshot {fit['snapshot_name']} did not converge"
                    f" ({fit['message']}); see clv_model_fits",
                    file=sys.stderr,
                )
        report.write_report(staging_dir, staging_dir / "report.html", summary)
        serving.write_serving_file(staging_dir)
        publishing.publish(staging_dir, output_dir)
    except (UsageError, InputError, publishing.PublishError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(staging_dir, ignore_errors=True)
    marts = summary["exports"]
    print(
        f"built {len(result.result.results)} nodes; exported {len(marts)} marts to {output_dir}: "
        + ", ".join(f"{name} ({mart['rows']} rows)" for name, mart in marts.items())
        + f"; wrote {serving.SERVING_FILE}, run_summary.json, report.html"
        + (", dbt_docs.html" if args.docs else "")
    )
    return 0


def built_marts(node_results) -> list:
    """The mart models this build created, for exports off DuckDB."""
    from dbt.artifacts.schemas.results import RunStatus
    from dbt.node_types import NodeType

    return [
        node_result.node
        for node_result in node_results
        if node_result.node.resource_type == NodeType.Model
        and is_mart(node_result.node.original_file_path)
        and node_result.status == RunStatus.Success
    ]


def is_mart(original_file_path: str) -> bool:
    """A model under models/marts/: the models the exports publish."""
    return original_file_path.startswith("models/marts/")


def project_marts() -> list:
    """Every mart model of the project (from the manifest the build wrote), for the
    DuckDB exports: the warehouse also holds the marts a --select run did not build."""
    from types import SimpleNamespace

    with open(dbt_target_path() / "manifest.json", encoding="utf-8") as handle:
        nodes = json.load(handle)["nodes"].values()
    return [
        SimpleNamespace(name=node["name"], schema=node["schema"], alias=node["alias"])
        for node in nodes
        if node["resource_type"] == "model" and is_mart(node["original_file_path"])
    ]


def project_vars() -> dict:
    """The defaults of every var (dbt_project.yml), for the run summary."""
    import yaml  # shipped with dbt-core

    with open(project_dir() / "dbt_project.yml", encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle).get("vars") or {})
