"""run_summary.json: what a scheduler needs to know about one run of the runner.

Per-node status and timing come from dbt's run results (the same objects dbt
writes to target/run_results.json); row counts and the analysis date are read
back from the exported Parquet files; the input line count is read from the
staging counts the exports wrote (see `input_line_counts`).
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import platform
from collections import Counter
from pathlib import Path

CLEAN_MODEL = "stg_aws_saas__order_lines"
REJECTED_MODEL = "stg_aws_saas__rejected_order_lines"


def node_results(run_results) -> list[dict]:
    """One entry per node of the build: status, timing and dbt's message."""
    nodes = []
    for result in run_results:
        timing = {t.name: t for t in (result.timing or [])}
        started = [t.started_at for t in timing.values() if t.started_at]
        completed = [t.completed_at for t in timing.values() if t.completed_at]
        nodes.append(
            {
                "unique_id": result.node.unique_id,
                "resource_type": str(result.node.resource_type),
                "status": str(result.status),
                "execution_time": round(float(result.execution_time or 0.0), 3),
                "started_at": _iso(min(started)) if started else None,
                "completed_at": _iso(max(completed)) if completed else None,
                "failures": result.failures,
                "message": " ".join(str(result.message).split()) if result.message else None,
            }
        )
    return nodes


INPUT_LINES_FILE = "_input_lines.json"  # written by the exports (customer_value/engines/export.py)


def input_line_counts(export_dir: Path) -> dict:
    """Raw input lines = clean + rejected, as the exports counted them.

    The exports (customer_value/engines/export.py) write one JSON object to
    `_input_lines.json` beside the marts; it is read here and removed, so only the
    summary carries it.
    """
    path = export_dir / INPUT_LINES_FILE
    if not path.exists():
        return {
            "rows": None,
            "clean_rows": None,
            "rejected_rows": None,
            "note": "the staging models are not in the warehouse",
        }
    counts = json.loads(path.read_text())
    path.unlink()
    lines = {
        "rows": counts["clean_rows"] + counts["rejected_rows"],
        "clean_rows": counts["clean_rows"],
        "rejected_rows": counts["rejected_rows"],
    }
    return lines


def exported_marts(export_dir: Path) -> dict[str, dict]:
    """Rows and files of every exported mart, read back from its Parquet file."""
    import duckdb

    with duckdb.connect() as con:
        return {
            path.stem: {
                "rows": con.execute("select count(*) from read_parquet(?)", [str(path)]).fetchone()[0],
                "files": sorted(p.name for p in export_dir.glob(f"{path.stem}.*")),
            }
            for path in sorted(export_dir.glob("*.parquet"))
        }


def exported_analysis_date(export_dir: Path) -> str | None:
    """The analysis date the marts were computed as of (customer_segments.analysis_date)."""
    import duckdb

    path = export_dir / "customer_segments.parquet"
    if not path.exists():
        return None
    with duckdb.connect() as con:
        columns = {row[0] for row in con.execute("describe select * from read_parquet(?)", [str(path)]).fetchall()}
        if "analysis_date" not in columns:
            return None
        dates = con.execute(
            "select distinct analysis_date from read_parquet(?) where analysis_date is not null", [str(path)]
        ).fetchall()
    return str(dates[0][0]) if len(dates) == 1 else None


CLV_FITS_MART = "clv_model_fits"


def exported_clv_fits(export_dir: Path) -> list[dict]:
    """Every purchase-model and Gamma-Gamma fit of the run (clv_model_fits), with its
    converged flag: a fit that does not converge leaves the build green (its
    predictions are null), so a scheduler reads it here. Empty when the mart was
    not exported (off DuckDB, or not selected)."""
    import duckdb

    path = export_dir / f"{CLV_FITS_MART}.parquet"
    if not path.exists():
        return []
    with duckdb.connect() as con:
        rows = con.execute(
            "select snapshot_name, fitter, is_converged, status, message, customers from read_parquet(?)"
            " order by snapshot_name, fitter",
            [str(path)],
        ).fetchall()
    return [
        {
            "snapshot_name": snapshot,
            "fitter": fitter,
            "is_converged": bool(converged),
            "status": status,
            "message": message,
            "customers": customers,
        }
        for snapshot, fitter, converged, status, message, customers in rows
    ]


BACKTEST_MART = "segment_backtest"


def minimum_data_notes(export_dir: Path, variables: dict) -> list[str]:
    """One line for each forecast or backtest that the data was too small for
    (docs/forecasting.md and docs/backtest.md, "Minimum data"): the run still
    succeeds, and its nulls have a stated reason here, in the marts' status
    columns and in the report. Empty when everything had enough data."""
    import duckdb

    notes: list[str] = []
    fits_path = export_dir / f"{CLV_FITS_MART}.parquet"
    if fits_path.exists():
        with duckdb.connect() as con:
            rows = con.execute(
                "select snapshot_name, fitter, status, message from read_parquet(?) order by snapshot_name, fitter",
                [str(fits_path)],
            ).fetchall()
        for snapshot in sorted({row[0] for row in rows}):
            below = {
                fitter: message
                for name, fitter, status, message in rows
                if name == snapshot and status == "below_minimum_data"
            }
            if "bg_nbd" in below:
                notes.append(
                    f"the purchase models of snapshot {snapshot} were not fitted, {below['bg_nbd']}:"
                    " probability_alive and the forecast values are null"
                )
            elif "gamma_gamma" in below:
                notes.append(
                    f"Gamma-Gamma of snapshot {snapshot} was not fitted, {below['gamma_gamma']}:"
                    " the forecast values are null"
                )
    backtest_path = export_dir / f"{BACKTEST_MART}.parquet"
    if backtest_path.exists():
        with duckdb.connect() as con:
            statuses = con.execute(
                "select status, max(evaluated_customers) from read_parquet(?) where status <> 'evaluated'"
                " group by status",
                [str(backtest_path)],
            ).fetchall()
            judged = con.execute("select count(*) from read_parquet(?)", [str(backtest_path)]).fetchone()[0]
        for status, customers in statuses:
            minimum = (
                f"{customers} customers before the cutoff, minimum {variables.get('backtest_min_customers')}"
                if status == "too_few_customers"
                else f"minimum {variables.get('backtest_min_history_days')} days of orders before the cutoff"
            )
            notes.append(f"the backtest was not judged ({status}: {minimum}): segment_backtest's values are null")
        if not judged:
            notes.append("the backtest was not judged: no customer ordered before the cutoff")
    return notes


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in ("dbt-core", "dbt-duckdb", "duckdb", "plotly", "lifetimes"):
        try:
            found[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            found[package] = None
    return found


def build_summary(
    *,
    run_results,
    export_dir: Path,
    output_dir: Path,
    input_path: str,
    input_counts: dict,
    variables: dict,
    passed_vars: dict,
    runner_args: list[str],
    started_at: dt.datetime,
) -> dict:
    nodes = node_results(run_results)
    finished_at = dt.datetime.now(dt.UTC)
    return {
        "status": "success",
        "exit_code": 0,
        "started_at": _iso(started_at),
        "finished_at": _iso(finished_at),
        "elapsed_seconds": round((finished_at - started_at).total_seconds(), 3),
        "input": {"path": input_path, **input_counts},
        "analysis_date": exported_analysis_date(export_dir) or variables.get("analysis_date"),
        "vars": variables,
        "vars_passed": passed_vars,
        "runner_args": runner_args,
        "output_dir": str(output_dir),
        "exports": exported_marts(export_dir),
        "clv_fits": exported_clv_fits(export_dir),
        "minimum_data": minimum_data_notes(export_dir, variables),
        "node_status_counts": dict(sorted(Counter(node["status"] for node in nodes).items())),
        "nodes": nodes,
        "versions": versions(),
    }


def _iso(moment: dt.datetime) -> str:
    if moment.tzinfo is None:  # dbt's timing is naive UTC
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
