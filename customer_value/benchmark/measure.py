"""Measuring runs: one contender's run in a subprocess (wall time, peak RSS),
and every contender of one size in rotating order.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from customer_value.benchmark.contenders import _pandas_can_write_parquet
from customer_value.benchmark.inputs import input_kind, size_inputs, warm_page_cache
from customer_value.benchmark.results import summarize, target_ratios
from customer_value.benchmark.settings import CHILD, COMPARED, RUNNER, RUNNER_CONTENDERS


def measure(command: list[str], *, cwd: Path, env: dict, log_path: Path, timeout: float) -> dict:
    """Run `command` in a fresh process (its own session); wall time, peak RSS, exit status.

    Peak RSS is ru_maxrss of the child's rusage from os.wait4 (kilobytes on Linux):
    the high-water mark of the child's resident memory, or of any descendant it
    waited for, whichever is larger. Output goes to `log_path`, never to a pipe.
    """
    with open(log_path, "wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        timed_out = threading.Event()

        def kill_on_timeout() -> None:
            timed_out.set()
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill_on_timeout)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:  # Ctrl-C: the run is in its own session, stop it too
            kill_on_timeout()
            process.wait()
            raise
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
    exit_code = process.returncode
    peak_rss = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    if timed_out.is_set():
        state, note = "timeout", f"killed after the {timeout:.0f} s timeout"
    elif exit_code < 0:
        name = signal.Signals(-exit_code).name
        state = "killed"
        note = f"killed by {name}" + (" (probably the out-of-memory killer)" if name == "SIGKILL" else "")
    elif exit_code != 0:
        state, note = "failed", f"exit code {exit_code}"
    else:
        state, note = "ok", None
    return {
        "status": state,
        "exit_code": exit_code,
        "note": note,
        "wall_s": round(wall, 3),
        "peak_rss_bytes": peak_rss,
        "user_cpu_s": round(usage.ru_utime, 3),
        "system_cpu_s": round(usage.ru_stime, 3),
    }


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def runner_command(data: str, output_dir: Path, args: argparse.Namespace) -> list[str]:
    return [
        sys.executable,
        *RUNNER,
        "--input",
        data,
        "--output-dir",
        str(output_dir),
        "--threads",
        str(args.threads),
    ]


def contender_command(name: str, data: str, run_dir: Path, args: argparse.Namespace) -> tuple[list[str], Path | None]:
    """The command of one run on `data` (a file or a glob) and the file its per-customer result lands in."""
    python = sys.executable
    if name in RUNNER_CONTENDERS:
        command = runner_command(data, run_dir / "exports", args)
        if name == "lrfm":
            command += ["--select", "+customer_segments"]
        return command, run_dir / "exports" / "customer_segments.parquet"
    if name == "floor":
        output = run_dir / "floor_segments.parquet"
        return [
            python,
            *CHILD,
            "--internal-run",
            "floor",
            "--internal-input",
            data,
            "--internal-output",
            str(output),
            "--threads",
            str(args.threads),
            "--memory-limit",
            args.memory_limit,
            "--internal-temp-dir",
            str(run_dir / "tmp"),
        ], output
    # pandas and the notebook way
    output = run_dir / (f"{name}_segments.parquet" if _pandas_can_write_parquet() else f"{name}_segments.csv")
    return [
        python,
        *CHILD,
        "--internal-run",
        name,
        "--internal-input",
        data,
        "--internal-output",
        str(output),
    ], output


def contender_env(name: str, run_dir: Path, args: argparse.Namespace) -> dict:
    """A run's environment: its own warehouse, spill folder, dbt target and logs."""
    env = dict(os.environ)
    if name == "lrfm":
        # dbt's default (eager) indirect selection would also pick the tests that have
        # one parent on the path and another off it (raw = clean + rejected, the
        # relationships tests of the other marts), and they fail on tables this run
        # does not build. Cautious: the tests whose parents are all on the path.
        env["DBT_INDIRECT_SELECTION"] = "cautious"
    env.update(
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_TARGET_PATH=str(run_dir / "target"),
        DBT_LOG_PATH=str(run_dir / "logs"),
        CUSTOMER_VALUE_DUCKDB_PATH=str(run_dir / "warehouse.duckdb"),
        CUSTOMER_VALUE_TEMP_DIR=str(run_dir / "tmp"),
        CUSTOMER_VALUE_THREADS=str(args.threads),
        CUSTOMER_VALUE_MEMORY_LIMIT=args.memory_limit,
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def node_timings(run_dir: Path) -> list[dict] | None:
    """The dbt nodes of a build with their execution time, slowest first (target/run_results.json)."""
    try:
        run_results = json.loads((run_dir / "target" / "run_results.json").read_text())
    except (OSError, ValueError):
        return None
    nodes = [
        {"node": result["unique_id"], "status": result.get("status"), "s": round(result.get("execution_time") or 0, 3)}
        for result in run_results.get("results", [])
    ]
    return sorted(nodes, key=lambda node: -node["s"])


def run_size(rows: int, args: argparse.Namespace, contenders: list[str]) -> dict:
    inputs = size_inputs(rows, args, contenders)
    for kind, data in inputs.items():
        if kind == "daily":
            for name in data["files"]:
                warm_page_cache(Path(data["folder"]) / name)
        else:
            warm_page_cache(Path(data["path"]))
    args.work_dir.mkdir(parents=True, exist_ok=True)
    size_dir = Path(tempfile.mkdtemp(prefix=f"benchmark-{rows}-", dir=args.work_dir))
    kept = size_dir / "kept"
    kept.mkdir()
    runs = []
    kept_results: dict[str, str] = {}
    try:
        for repeat in range(args.repeats):
            shift = repeat % len(contenders)
            order = contenders[shift:] + contenders[:shift]
            for position, name in enumerate(order):
                run_dir = size_dir / f"r{repeat}-{name}"
                (run_dir / "tmp").mkdir(parents=True)
                record, result_path = run_contender(name, inputs[input_kind(name, args)], run_dir, args)
                record.update(contender=name, repeat=repeat, position=position)
                # keep one result per contender (the project's mart from the first passing build)
                key = "project" if name in ("build", "lrfm") else name
                if record["status"] == "ok" and key not in kept_results:
                    target = kept / f"{key}{''.join(result_path.suffixes)}"
                    shutil.copyfile(result_path, target)
                    kept_results[key] = str(target)
                if record["status"] == "ok" and name in ("build", "incremental"):
                    keep_exports(run_dir / "exports", kept / f"{name}_exports")
                runs.append(record)
                rss = record["peak_rss_bytes"] / 1e9
                print(
                    f"[{rows:,} lines] repeat {repeat + 1}/{args.repeats} {name:<13} "
                    f"{record['status']:<7} {record['wall_s']:8.2f} s  {rss:6.2f} GB"
                    + (f"  ({record['note']})" if record["note"] else ""),
                    flush=True,
                )
                if not args.keep_work:
                    shutil.rmtree(run_dir, ignore_errors=True)
        agreement = agreement_report(kept_results, [name for name in COMPARED if name in contenders], size_dir)
        if (kept / "build_exports").exists() and (kept / "incremental_exports").exists():
            agreement["incremental_exports"] = exports_identity(kept / "build_exports", kept / "incremental_exports")
    finally:
        if args.keep_work:
            print(f"[{rows:,} lines] kept work folder {size_dir}")
        else:
            shutil.rmtree(size_dir, ignore_errors=True)
    summary = summarize(runs, contenders)
    return {
        "rows": rows,
        "input": inputs.get(args.format) or next(iter(inputs.values())),
        "inputs": inputs,
        "runs": runs,
        "summary": summary,
        "targets": target_ratios(summary, rows),
        "agreement": agreement,
    }


def keep_exports(exports: Path, target: Path) -> None:
    """The marts' Parquet and CSV files of a run's exports, once per contender (the first passing run)."""
    if target.exists() or not exports.exists():
        return
    target.mkdir()
    for path in exports.iterdir():
        if path.suffix in (".parquet", ".csv"):
            shutil.copyfile(path, target / path.name)


def exports_identity(reference: Path, other: Path) -> dict:
    """Whether `other` holds the same mart files as `reference`, byte for byte (docs/operations.md:
    after any sequence of nightly runs the exports equal a full build's)."""
    names = sorted(path.name for path in reference.iterdir())
    differing = [
        name
        for name in names
        if not (other / name).exists() or (other / name).read_bytes() != (reference / name).read_bytes()
    ]
    extra = sorted(path.name for path in other.iterdir() if not (reference / path.name).exists())
    return {"files": len(names), "identical": len(names) - len(differing), "differing": differing + extra}


def run_contender(name: str, data: dict, run_dir: Path, args: argparse.Namespace) -> tuple[dict, Path | None]:
    """One measured run of `name` in `run_dir` (after its untimed setup, for incremental)."""
    env = contender_env(name, run_dir, args)
    setup = None
    data_path = data["path"]
    if name == "incremental":
        # A landing folder of links to the cached daily files: all but the last for the
        # setup build, then the last one added, under the same glob, as a daily load
        # sees its folder. Same warehouse, dbt target (with its partial parse, as a
        # scheduled daily run has) and logs for both; the setup's exports go elsewhere
        # so the timed run's result is its own.
        landing = run_dir / "landing"
        landing.mkdir()
        files = [Path(data["folder"]) / file for file in data["files"]]
        for file in files[:-1]:
            (landing / file.name).symlink_to(file)
        data_path = str(landing / Path(data["path"]).name)
        setup = measure(
            runner_command(data_path, run_dir / "setup-exports", args),
            cwd=run_dir,
            env=env,
            log_path=run_dir / "setup.log",
            timeout=args.timeout,
        )
        setup["landing_files"] = len(files) - 1
        if setup["status"] == "ok":
            (landing / files[-1].name).symlink_to(files[-1])
    command, result_path = contender_command(name, data_path, run_dir, args)
    if setup is not None and setup["status"] != "ok":
        record = {
            **setup,
            "status": "failed",
            "note": f"the untimed setup build did not pass: {setup['note']}",
            "output_tail": _tail(run_dir / "setup.log"),
        }
    else:
        record = measure(command, cwd=run_dir, env=env, log_path=run_dir / "output.log", timeout=args.timeout)
        if record["status"] == "ok" and result_path is not None and not result_path.exists():
            record.update(status="failed", note=f"exit 0 but no result at {result_path.name}")
        if record["status"] != "ok":
            record["output_tail"] = _tail(run_dir / "output.log")
    if setup is not None:
        record["setup"] = setup
    if name in RUNNER_CONTENDERS:
        record["dbt_nodes"] = node_timings(run_dir)
    return record, result_path


def agreement_report(kept_results: dict[str, str], compared: list[str], size_dir: Path) -> dict:
    if "project" not in kept_results:
        return {"status": "no passing build: nothing to compare with"}
    others = {name: kept_results.get(name) for name in compared}
    completed = subprocess.run(
        [sys.executable, *CHILD, "--internal-compare", kept_results["project"], json.dumps(others)],
        capture_output=True,
        text=True,
        cwd=size_dir,
    )
    if completed.returncode != 0:
        return {"status": "comparison failed", "error": completed.stderr[-2000:]}
    return json.loads(completed.stdout)
