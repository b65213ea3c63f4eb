#!/usr/bin/env python3
"""Benchmark the customer value build against the alternatives, at several sizes.

For each size (order lines) the project's generator makes one input file, cached
by size and format, then every contender runs `--repeats` times, each run in a
fresh subprocess, in an order that rotates every repeat:

    build          the full runner build: every model, every mart, every data
                   test, the exports (scripts/run_pipeline.py, as a scheduler runs it)
    lrfm           the LRFM path alone: the runner with --select +customer_segments
                   (the models customer_segments needs and their tests)
    floor          ONE hand-written DuckDB query computing the same LRFM segments
                   on the raw file (FLOOR_SQL below): the speed floor of any DuckDB
                   solution
    pandas         what an analyst writes who knows what to read: pandas read_csv
                   of the four columns LRFM needs + groupby, rank and an
                   NTILE-exact bucketing, segments (run_pandas below)
    notebook       pandas the notebook way: every column of the export read with
                   pandas' default types, drop_duplicates() on all of them, then
                   the same LRFM code as `pandas` (run_notebook below)
    build_parquet  the full runner build on the same lines as Parquet (the
                   generator's Parquet file of the same size, cached the same way)
    incremental    one more daily file on top of a warehouse: the lines split in
                   file order into daily files of 0.3% of the lines each (--daily-share)
                   (day_0001.csv, ...; cached); an untimed setup build on all but
                   the last file, then the timed run: the runner on the same glob
                   with the last file added, in the same warehouse and dbt target

Each run records wall time, the peak resident memory of its process tree
(ru_maxrss of the child from os.wait4: the largest RSS the child, or any
descendant it waited for, ever had; DuckDB runs inside the dbt process, so the
runner's RSS is the build's memory) and its exit status. A failed, killed
(e.g. by the out-of-memory killer) or timed-out run is reported as such and
never enters the medians.

After each size, the value segments of the floor, pandas, the notebook way, the
Parquet build and the incremental run are compared, customer by customer, with
the project's customer_segments mart (exported by the first passing build), and
the agreement rates are reported.

Results go to <out-dir>/benchmark.json (every run, medians, ratios to the floor,
the target ratios of TARGETS with met / not met, agreement, machine and
versions) and <out-dir>/benchmark.md (the tables), both rewritten after every
size, and the tables are printed at the end.

    python scripts/benchmark.py --rows 100000 1000000 10000000 --repeats 3

This process imports only the standard library: its own memory (which a forked
child starts from) stays small, and everything heavy (generation, the Parquet
conversion of the daily files, the contenders, the comparison) runs in child
processes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import itertools
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
RUNNER = PROJECT_DIR / "scripts" / "run_pipeline.py"
GENERATOR = PROJECT_DIR / "scripts" / "generate_sample.py"
CONTENDERS = ("build", "lrfm", "floor", "pandas", "notebook", "build_parquet", "incremental")
RUNNER_CONTENDERS = ("build", "lrfm", "build_parquet", "incremental")
CONTENDER_LABELS = {
    "build": "full build (all marts, all tests)",
    "lrfm": "LRFM path (+customer_segments, its tests)",
    "floor": "hand-written DuckDB query (floor)",
    "pandas": "pandas groupby + rank/NTILE",
    "notebook": "pandas the notebook way (all columns, drop_duplicates)",
    "build_parquet": "full build from Parquet",
    "incremental": "incremental: one more daily file",
}
# The results compared with the project's customer_segments, customer by customer.
COMPARED = ("floor", "pandas", "notebook", "build_parquet", "incremental")
# Issue #17 / SPEC §10, §12: median wall time of one contender over another's, at most
# `max`. They are stated for 10M lines; at other sizes the verdict is indicative only.
TARGET_ROWS = 10_000_000
TARGETS = (
    {"measure": "lrfm/notebook", "numerator": "lrfm", "denominator": "notebook", "max": 1.0,
     "label": "LRFM path / pandas the notebook way"},
    {"measure": "build/notebook", "numerator": "build", "denominator": "notebook", "max": 1.25,
     "label": "full build / pandas the notebook way"},
    {"measure": "build_parquet/build", "numerator": "build_parquet", "denominator": "build", "max": 0.7,
     "label": "full build from Parquet / from CSV"},
    {"measure": "incremental/build", "numerator": "incremental", "denominator": "build", "max": 0.35,
     "label": "one more daily file / full build"},
)
# One day's file is 0.3% of the lines (issue #17: "one more daily file (0.3% more
# lines)"), and so is every earlier day's: a warehouse of N lines grew from about
# 333 such files, and whatever the project does per file is part of a daily run.
# (--daily-share changes it, e.g. for a quick test with a few files.)
DAILY_SHARE = 0.003
SEGMENT_COLUMNS = ("l_score", "r_score", "f_score", "m_score", "value_segment")
HIGH_VALUE_MIN_LRFM_SCORE = 13  # dbt_project.yml defaults (SPEC §5)
MID_VALUE_MIN_LRFM_SCORE = 9

# The floor: one hand-written DuckDB query, LRFM as in SPEC §4/§5 (profit as M,
# analysis date = the day after the last order date, NTILE(4) with L, F, M
# ascending, R by recency_days descending, ties by customer_id ascending). It
# reads only the four columns it needs and writes the result, so it runs fully.
FLOOR_SQL = """
copy (
    with order_lines as (
        select
            cast("Customer ID" as bigint) as customer_id,
            cast("Order ID" as varchar) as order_id,
            cast(strptime(cast("Order Date" as varchar), '%m/%d/%Y') as date) as order_date,
            cast("Profit" as decimal(18, 4)) as profit
        from {reader}
    ),
    customers as (
        select
            customer_id,
            min(order_date) as first_order_date,
            max(order_date) as last_order_date,
            count(distinct order_id) as frequency,
            sum(profit) as monetary
        from order_lines
        group by customer_id
    ),
    measured as (
        select
            *,
            last_order_date - first_order_date as length_days,
            (max(last_order_date) over () + 1) - last_order_date as recency_days
        from customers
    ),
    scored as (
        select
            *,
            ntile(4) over (order by length_days asc, customer_id asc) as l_score,
            ntile(4) over (order by recency_days desc, customer_id asc) as r_score,
            ntile(4) over (order by frequency asc, customer_id asc) as f_score,
            ntile(4) over (order by monetary asc, customer_id asc) as m_score
        from measured
    )
    select
        *,
        l_score + r_score + f_score + m_score as lrfm_score,
        case
            when l_score + r_score + f_score + m_score >= {high} then 'High-Value'
            when l_score + r_score + f_score + m_score >= {mid} then 'Mid-Value'
            else 'Low-Value'
        end as value_segment
    from scored
) to {output} (format parquet)
"""


# --- the contenders that are not the runner (run in a child process) -------------


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def floor_sql(input_path: str, output_path: str) -> str:
    if input_path.lower().endswith(".parquet"):
        reader = f"read_parquet({_sql_string(input_path)})"
    else:
        types = "{'Customer ID': 'BIGINT', 'Order Date': 'VARCHAR', 'Profit': 'DECIMAL(18,4)'}"
        reader = f"read_csv({_sql_string(input_path)}, header = true, types = {types})"
    return FLOOR_SQL.format(
        reader=reader,
        output=_sql_string(output_path),
        high=HIGH_VALUE_MIN_LRFM_SCORE,
        mid=MID_VALUE_MIN_LRFM_SCORE,
    )


def run_floor(input_path: str, output_path: str, threads: int, memory_limit: str, temp_dir: str) -> None:
    import duckdb

    connection = duckdb.connect()
    connection.execute(f"set threads = {int(threads)}")
    connection.execute(f"set memory_limit = {_sql_string(memory_limit)}")
    connection.execute(f"set temp_directory = {_sql_string(temp_dir)}")
    connection.execute(floor_sql(input_path, output_path))
    connection.close()


def ntile_buckets(ranks, n_rows: int, buckets: int = 4):
    """SQL NTILE(buckets) of rows ranked 1..n: the first n % buckets buckets get one row more.

    (pd.qcut of the ranks into 4 is close but not the same: its edges are the
    interpolated quantiles 1 + (n - 1) k / 4, so a row at a bucket edge can land
    one bucket off; see the agreement notes of the report.)
    """
    import numpy as np

    size, extra = divmod(n_rows, buckets)
    last_rank_of_bucket = np.cumsum([size + (1 if bucket < extra else 0) for bucket in range(buckets)])
    return np.searchsorted(last_rank_of_bucket, np.asarray(ranks), side="left") + 1


LRFM_COLUMNS = ["Customer ID", "Order ID", "Order Date", "Profit"]


def run_pandas(input_path: str, output_path: str) -> None:
    """Read only the four columns LRFM needs, typed, then pandas_lrfm."""

    def read_lines():
        import pandas as pd

        if input_path.lower().endswith(".parquet"):
            return pd.read_parquet(input_path, columns=LRFM_COLUMNS)  # needs pyarrow or fastparquet
        return pd.read_csv(
            input_path,
            usecols=LRFM_COLUMNS,
            dtype={"Customer ID": "int64", "Order ID": "str", "Order Date": "str", "Profit": "float64"},
        )

    pandas_lrfm(read_lines, output_path)


def run_notebook(input_path: str, output_path: str) -> None:
    """The notebook way: every column with pandas' default types, drop_duplicates(), then pandas_lrfm."""

    def read_lines():
        import pandas as pd

        if input_path.lower().endswith(".parquet"):
            lines = pd.read_parquet(input_path)
        else:
            lines = pd.read_csv(input_path)
        return lines.drop_duplicates()

    pandas_lrfm(read_lines, output_path)


def pandas_lrfm(read_lines, output_path: str) -> None:
    """The LRFM segments of the lines `read_lines()` returns, written to `output_path`.

    It takes a function rather than a frame so that it holds the only reference to
    the lines and can free them after the groupby, as a script that reads and
    aggregates in one place does: the peak memory is then the lines' alone.
    """
    import pandas as pd

    lines = read_lines()
    lines["Order Date"] = pd.to_datetime(lines["Order Date"], format="%m/%d/%Y")
    customers = lines.groupby("Customer ID").agg(
        first_order_date=("Order Date", "min"),
        last_order_date=("Order Date", "max"),
        frequency=("Order ID", "nunique"),
        monetary=("Profit", "sum"),
    )
    del lines
    # Float sums of 4-decimal profits: round back to 4 decimals so equal totals tie exactly.
    customers["monetary"] = customers["monetary"].round(4)
    analysis_date = customers["last_order_date"].max() + pd.Timedelta(days=1)
    customers["length_days"] = (customers["last_order_date"] - customers["first_order_date"]).dt.days
    customers["recency_days"] = (analysis_date - customers["last_order_date"]).dt.days
    # groupby sorts by customer id, and rank(method="first") breaks ties by position:
    # ties go by customer id ascending, as in the project.
    n_rows = len(customers)
    for score, column, ascending in (
        ("l_score", "length_days", True),
        ("r_score", "recency_days", False),
        ("f_score", "frequency", True),
        ("m_score", "monetary", True),
    ):
        ranks = customers[column].rank(method="first", ascending=ascending)
        customers[score] = ntile_buckets(ranks, n_rows)
    customers["lrfm_score"] = customers[["l_score", "r_score", "f_score", "m_score"]].sum(axis=1)
    customers["value_segment"] = pd.cut(
        customers["lrfm_score"],
        bins=[0, MID_VALUE_MIN_LRFM_SCORE - 1, HIGH_VALUE_MIN_LRFM_SCORE - 1, 16],
        labels=["Low-Value", "Mid-Value", "High-Value"],
    ).astype(str)
    result = customers.reset_index().rename(columns={"Customer ID": "customer_id"})
    if output_path.endswith(".parquet"):
        result.to_parquet(output_path, index=False)
    else:
        result.to_csv(output_path, index=False)


def _pandas_can_write_parquet() -> bool:
    for module in ("pyarrow", "fastparquet"):
        try:
            importlib.metadata.version(module)
            return True
        except importlib.metadata.PackageNotFoundError:
            pass
    return False


# --- the correctness guard (runs in a child process) ------------------------------


def compare_segments(project_path: str, others: dict[str, str]) -> dict:
    """Agreement of each contender's scores and value_segment with the project's mart.

    Also reports, for pandas, how often a plain pd.qcut of the ranks (the usual
    notebook shortcut) would agree, to show why the NTILE-exact bucketing is used.
    """
    import duckdb
    import pandas as pd

    def load(path: str):
        reader = "read_parquet" if path.endswith(".parquet") else "read_csv"
        return duckdb.sql(f"select * from {reader}({_sql_string(path)})").df().set_index("customer_id").sort_index()

    project = load(project_path)
    report: dict = {"project_customers": len(project)}
    for name, path in others.items():
        if path is None or not Path(path).exists():
            report[name] = {"status": "no result to compare"}
            continue
        other = load(path)
        common = project.index.intersection(other.index)
        entry = {
            "customers": len(other),
            "missing_in_contender": int(len(project.index.difference(other.index))),
            "extra_in_contender": int(len(other.index.difference(project.index))),
        }
        for column in SEGMENT_COLUMNS:
            same = (project.loc[common, column].astype(str) == other.loc[common, column].astype(str)).sum()
            entry[f"{column}_agreement"] = float(same) / len(project) if len(project) else None
        entry["value_segment_disagreements"] = int(len(project) - round(entry["value_segment_agreement"] * len(project)))
        if name == "pandas":
            entry["plain_qcut_value_segment_agreement"] = _plain_qcut_agreement(project, other, pd)
        report[name] = entry
    return report


def _plain_qcut_agreement(project, other, pd) -> float | None:
    """Agreement of value_segment when the scores are pd.qcut(rank(method='first'), 4)."""
    try:
        total = 0
        for column, ascending in (("length_days", True), ("recency_days", False), ("frequency", True), ("monetary", True)):
            ranks = other[column].astype(float).rank(method="first", ascending=ascending)
            total = total + pd.qcut(ranks, 4, labels=False) + 1
        segment = pd.cut(
            total,
            bins=[0, MID_VALUE_MIN_LRFM_SCORE - 1, HIGH_VALUE_MIN_LRFM_SCORE - 1, 16],
            labels=["Low-Value", "Mid-Value", "High-Value"],
        ).astype(str)
        common = project.index.intersection(segment.index)
        return float((project.loc[common, "value_segment"] == segment.loc[common]).sum()) / len(project)
    except Exception:  # a diagnostic only
        return None


# --- measuring one run ------------------------------------------------------------


def measure(command: list[str], *, cwd: Path, env: dict, log_path: Path, timeout: float) -> dict:
    """Run `command` in a fresh process (its own session); wall time, peak RSS, exit status.

    Peak RSS is ru_maxrss of the child's rusage from os.wait4 (kilobytes on Linux):
    the high-water mark of the child's resident memory, or of any descendant it
    waited for, whichever is larger. Output goes to `log_path`, never to a pipe.
    """
    with open(log_path, "wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
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
        sys.executable, str(RUNNER), "--input", data, "--output-dir", str(output_dir), "--threads", str(args.threads),
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
            python, str(Path(__file__).resolve()), "--internal-run", "floor", "--internal-input", data,
            "--internal-output", str(output), "--threads", str(args.threads), "--memory-limit", args.memory_limit,
            "--internal-temp-dir", str(run_dir / "tmp"),
        ], output
    # pandas and the notebook way
    output = run_dir / (f"{name}_segments.parquet" if _pandas_can_write_parquet() else f"{name}_segments.csv")
    return [
        python, str(Path(__file__).resolve()), "--internal-run", name, "--internal-input", data,
        "--internal-output", str(output),
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


# --- data -------------------------------------------------------------------------


def cached_input(rows: int, fmt: str, cache_dir: Path, timeout: float) -> dict:
    """The generated input of `rows` lines, made once (atomically) and reused."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"aws_saas_{rows}.{fmt}"
    generated_s = None
    if not path.exists():
        partial = cache_dir / f".aws_saas_{rows}.partial-{os.getpid()}.{fmt}"
        print(f"[{rows:,} lines] generating {path} ...", flush=True)
        started = time.perf_counter()
        completed = subprocess.run(
            [sys.executable, str(GENERATOR), "--rows", str(rows), "--output", str(partial)],
            cwd=PROJECT_DIR, capture_output=True, text=True, timeout=timeout,
        )
        if completed.returncode != 0:
            partial.unlink(missing_ok=True)
            raise SystemExit(f"error: generating {rows} lines failed:\n{completed.stdout}{completed.stderr}")
        partial.rename(path)
        generated_s = round(time.perf_counter() - started, 1)
    return {"path": str(path), "bytes": path.stat().st_size, "format": fmt, "generated_in_s": generated_s}


def daily_file_lines(rows: int, share: float) -> list[int]:
    """Lines per daily file: the last holds `share` of `rows`, the earlier ones as nearly
    as possible the same each (the first ones one line more where it does not divide)."""
    last = max(1, round(rows * share))
    earlier = rows - last
    files = max(1, round(earlier / last))
    base, extra = divmod(earlier, files)
    return [base + (1 if index < extra else 0) for index in range(files)] + [last]


def cached_daily_files(rows: int, fmt: str, share: float, cache_dir: Path, timeout: float) -> dict:
    """The generated CSV of `rows` lines split in file order into daily files, made once and reused.

    File order, not order date: the generator's lines are not in date order and one
    of its days is about 0.07% of the lines, not 0.3%; and split in file order, the
    daily files hold exactly the lines of the single file, in its order, so the
    incremental run ends on the same lines as `build` and must export the same
    customer_segments (SPEC §12). The CSV is split byte for byte (the generator never
    writes a line break inside a field; the line count is checked); Parquet daily files
    are the generator's own conversion of each CSV daily file.
    """
    folder = cache_dir / f"aws_saas_{rows}_daily_{share:g}_{fmt}"
    if not folder.exists():
        source = Path(cached_input(rows, "csv", cache_dir, timeout)["path"])
        partial = cache_dir / f".{folder.name}.partial-{os.getpid()}"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        print(f"[{rows:,} lines] splitting {source.name} into daily files in {folder} ...", flush=True)
        try:
            manifest = split_csv(source, partial, daily_file_lines(rows, share))
            if fmt == "parquet":
                completed = subprocess.run(
                    [sys.executable, str(Path(__file__).resolve()), "--internal-to-parquet", str(partial)],
                    cwd=PROJECT_DIR, capture_output=True, text=True, timeout=timeout,
                )
                if completed.returncode != 0:
                    raise SystemExit(f"error: converting the daily files to Parquet failed:\n{completed.stderr}")
                manifest = [{**entry, "file": Path(entry["file"]).with_suffix(".parquet").name} for entry in manifest]
            (partial / "daily.json").write_text(json.dumps(manifest, indent=1) + "\n")
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        partial.rename(folder)
    manifest = json.loads((folder / "daily.json").read_text())
    return {
        "path": str(folder / f"day_*.{fmt}"),
        "folder": str(folder),
        "format": fmt,
        "bytes": sum((folder / entry["file"]).stat().st_size for entry in manifest),
        "files": [entry["file"] for entry in manifest],
        "last_file_lines": manifest[-1]["lines"],
        # the fewest and most lines of the earlier files (daily_file_lines makes at least one)
        "earlier_file_lines": [min(e["lines"] for e in manifest[:-1]), max(e["lines"] for e in manifest[:-1])],
    }


def split_csv(source: Path, folder: Path, file_lines: list[int]) -> list[dict]:
    """Write day_0001.csv, day_0002.csv, ... with the header and the next file_lines[i] lines each.

    Zero-padded numbers, so the names sort in load order.
    """
    width = max(4, len(str(len(file_lines))))
    manifest = []
    with open(source, "rb") as lines:
        header = lines.readline()
        for number, count in enumerate(file_lines, start=1):
            chunk = list(itertools.islice(lines, count))
            if len(chunk) != count:
                raise SystemExit(f"error: {source} has fewer lines than {sum(file_lines)}")
            name = f"day_{number:0{width}d}.csv"
            with open(folder / name, "wb") as out:
                out.write(header)
                out.writelines(chunk)
            manifest.append({"file": name, "lines": count})
        if lines.readline():
            raise SystemExit(f"error: {source} has more physical lines than {sum(file_lines)} (a line break in a field?)")
    return manifest


def to_parquet(folder: str) -> None:
    """Each day_*.csv of `folder` as day_*.parquet, by the generator's own conversion, the CSV removed."""
    sys.path.insert(0, str(GENERATOR.parent))
    import generate_sample

    for csv_path in sorted(Path(folder).glob("day_*.csv")):
        generate_sample.convert_to_parquet(csv_path, csv_path.with_suffix(".parquet"))
        csv_path.unlink()


def size_inputs(rows: int, args: argparse.Namespace, contenders: list[str]) -> dict[str, dict]:
    """The inputs the contenders of one size need, by kind: the --format file, "parquet", "daily"."""
    kinds = {input_kind(name, args) for name in contenders}
    inputs = {}
    for kind in (args.format, "parquet"):
        if kind in kinds and kind not in inputs:
            inputs[kind] = cached_input(rows, kind, args.cache_dir, args.timeout)
    if "daily" in kinds:
        inputs["daily"] = cached_daily_files(rows, args.format, args.daily_share, args.cache_dir, args.timeout)
    return inputs


def input_kind(name: str, args: argparse.Namespace) -> str:
    return {"build_parquet": "parquet", "incremental": "daily"}.get(name, args.format)


def warm_page_cache(path: Path) -> None:
    """Read the input once, untimed, so no contender pays for the first cold read."""
    with open(path, "rb") as handle:
        while handle.read(16 * 1024 * 1024):
            pass


# --- one size ---------------------------------------------------------------------


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
            runner_command(data_path, run_dir / "setup-exports", args), cwd=run_dir, env=env,
            log_path=run_dir / "setup.log", timeout=args.timeout,
        )
        setup["landing_files"] = len(files) - 1
        if setup["status"] == "ok":
            (landing / files[-1].name).symlink_to(files[-1])
    command, result_path = contender_command(name, data_path, run_dir, args)
    if setup is not None and setup["status"] != "ok":
        record = {
            **setup, "status": "failed", "note": f"the untimed setup build did not pass: {setup['note']}",
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
        [sys.executable, str(Path(__file__).resolve()), "--internal-compare", kept_results["project"],
         json.dumps(others)],
        capture_output=True, text=True, cwd=size_dir,
    )
    if completed.returncode != 0:
        return {"status": "comparison failed", "error": completed.stderr[-2000:]}
    return json.loads(completed.stdout)


def summarize(runs: list[dict], contenders: list[str]) -> dict:
    summary = {}
    for name in contenders:
        mine = [run for run in runs if run["contender"] == name]
        ok = [run for run in mine if run["status"] == "ok"]
        summary[name] = {
            "runs": len(mine),
            "runs_ok": len(ok),
            "statuses": [run["status"] for run in mine],
            "wall_s": [run["wall_s"] for run in mine],
            "median_wall_s": round(statistics.median(run["wall_s"] for run in ok), 3) if ok else None,
            "median_peak_rss_bytes": int(statistics.median(run["peak_rss_bytes"] for run in ok)) if ok else None,
            "max_peak_rss_bytes": max(run["peak_rss_bytes"] for run in ok) if ok else None,
            # CPU seconds (user + system) are less sensitive than wall time to other load on the machine
            "median_cpu_s": round(statistics.median(run["user_cpu_s"] + run["system_cpu_s"] for run in ok), 3)
            if ok else None,
        }
        setups = [run["setup"]["wall_s"] for run in ok if run.get("setup")]
        if setups:
            summary[name]["median_setup_wall_s"] = round(statistics.median(setups), 3)
    floor = summary.get("floor", {})
    for name, entry in summary.items():
        both = entry["median_wall_s"] and floor.get("median_wall_s")
        entry["x_floor_wall"] = round(entry["median_wall_s"] / floor["median_wall_s"], 2) if both else None
        both_rss = entry["max_peak_rss_bytes"] and floor.get("max_peak_rss_bytes")
        entry["x_floor_peak_rss"] = round(entry["max_peak_rss_bytes"] / floor["max_peak_rss_bytes"], 2) if both_rss else None
    return summary


def target_ratios(summary: dict, rows: int) -> list[dict]:
    """Each target of TARGETS: the ratio of the medians, and met / not met / not measured."""
    targets = []
    for target in TARGETS:
        numerator = summary.get(target["numerator"], {}).get("median_wall_s")
        denominator = summary.get(target["denominator"], {}).get("median_wall_s")
        ratio = round(numerator / denominator, 3) if numerator and denominator else None
        met = None if ratio is None else ratio <= target["max"]
        targets.append({
            "measure": target["measure"],
            "label": target["label"],
            "ratio": ratio,
            "max_ratio": target["max"],
            "met": met,
            "result": "not measured" if met is None else ("met" if met else "not met"),
            "at_target_size": rows == TARGET_ROWS,
        })
    return targets


# --- machine and report -----------------------------------------------------------


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def machine_info() -> dict:
    memory_bytes = None
    cpu_model = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_bytes = int(line.split()[1]) * 1024
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "-C", str(PROJECT_DIR), "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
        ).stdout.strip() or None
        dirty = bool(subprocess.run(
            ["git", "-C", str(PROJECT_DIR), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True,
        ).stdout.strip())
    except OSError:
        commit, dirty = None, None
    return {
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": cpu_model,
        "memory_bytes": memory_bytes,
        "load_average_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": {
            package: _version(package)
            for package in ("duckdb", "dbt-core", "dbt-duckdb", "pandas", "numpy", "pyarrow")
        },
        "git_commit": commit,
        "git_worktree_dirty": dirty,
    }


def markdown(results: dict) -> str:
    settings = results["settings"]
    machine = results["machine"]
    versions = ", ".join(f"{name} {version}" for name, version in machine["versions"].items() if version)
    memory_gb = machine["memory_bytes"] / 2**30 if machine["memory_bytes"] else float("nan")
    lines = [
        f"Benchmark of {results['finished_at'] or results['started_at']}: {settings['format'].upper()} input, "
        f"{settings['repeats']} repeats per contender (fresh process each, order rotated), threads "
        f"{settings['threads']}, DuckDB memory limit {settings['memory_limit']}; {machine['cpus_usable']} cores, "
        f"{memory_gb:.0f} GiB RAM; {versions}.",
        "",
        "| rows | contender | median wall s | peak RSS GB | × floor | runs |",
        "|---:|---|---:|---:|---:|---|",
    ]
    for size in results["sizes"]:
        for name, entry in size["summary"].items():
            wall = f"{entry['median_wall_s']:.2f}" if entry["median_wall_s"] is not None else "failed"
            rss = f"{entry['max_peak_rss_bytes'] / 1e9:.2f}" if entry["max_peak_rss_bytes"] else "–"
            ratio = f"{entry['x_floor_wall']:.2f}" if entry["x_floor_wall"] is not None else "–"
            detail = " ".join(
                f"{wall_s:.1f}" if status == "ok" else status
                for wall_s, status in zip(entry["wall_s"], entry["statuses"])
            )
            if entry.get("median_setup_wall_s") is not None:
                detail += f" (untimed setup: median {entry['median_setup_wall_s']:.1f})"
            lines.append(
                f"| {size['rows']:,} | {CONTENDER_LABELS[name]} | {wall} | {rss} | {ratio} | "
                f"{entry['runs_ok']}/{entry['runs']} ok: {detail} |"
            )
    lines += [
        "",
        "Median wall time of the passing runs (process start to exit, Python and dbt start-up included); "
        "peak RSS = the largest ru_maxrss of the runs (GB = 10^9 bytes); × floor = median wall / the floor's.",
    ]
    daily = [size for size in results["sizes"] if "daily" in size.get("inputs", {})]
    for size in daily:
        files = size["inputs"]["daily"]
        earlier = files["earlier_file_lines"]
        lines.append(
            f"Incremental at {size['rows']:,} lines: {len(files['files']) - 1} daily files of "
            + (f"{earlier[0]:,} lines" if earlier[0] == earlier[1] else f"{earlier[0]:,}–{earlier[1]:,} lines")
            + f" built untimed, then the run with the last one ({files['last_file_lines']:,} lines) added."
        )
    lines += [
        "",
        f"| rows | target (issue #17, at {TARGET_ROWS:,} lines) | ratio of medians | target | result |",
        "|---:|---|---:|---:|---|",
    ]
    for size in results["sizes"]:
        for target in size["targets"]:
            ratio = f"{target['ratio']:.2f}" if target["ratio"] is not None else "–"
            result = target["result"]
            if target["met"] is not None and not target["at_target_size"]:
                result += f" (indicative: not {TARGET_ROWS:,} lines)"
            lines.append(
                f"| {size['rows']:,} | {target['label']} | {ratio} | ≤ {target['max_ratio']:.2f} | {result} |"
            )
    compared = [name for name in COMPARED if any(name in size["agreement"] for size in results["sizes"])]
    lines += [
        "",
        "| rows | input MB | customers | " + " | ".join(f"{name} agrees" for name in compared)
        + (" | pandas with plain qcut |" if "pandas" in compared else " |"),
        "|---:|---:|---:|" + "---:|" * (len(compared) + ("pandas" in compared)),
    ]
    for size in results["sizes"]:
        agreement = size["agreement"]

        def rate(name: str, key: str = "value_segment_agreement") -> str:
            entry = agreement.get(name)
            value = entry.get(key) if isinstance(entry, dict) else None
            return f"{value:.4%}" if isinstance(value, float) else "–"

        customers = agreement.get("project_customers")
        rates = [rate(name) for name in compared]
        if "pandas" in compared:
            rates.append(rate("pandas", "plain_qcut_value_segment_agreement"))
        lines.append(
            f"| {size['rows']:,} | {size['input']['bytes'] / 1e6:,.1f} | "
            f"{f'{customers:,}' if isinstance(customers, int) else '–'} | " + " | ".join(rates) + " |"
        )
    lines += [
        "",
        "Agreement = share of the project's customers (marts.customer_segments) whose value_segment the "
        "contender computed identically.",
    ]
    return "\n".join(lines) + "\n"


def write_results(results: dict, out_dir: Path) -> str:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "benchmark.json").write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    (out_dir / "benchmark.md").write_text(table)
    return table


# --- command line -----------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000], help="sizes in order lines (default 100000)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per contender and size (default 3)")
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv", help="input format (default csv)")
    parser.add_argument("--cache-dir", type=Path, default=PROJECT_DIR / ".benchmark" / "data",
                        help="generated inputs, reused across runs (default .benchmark/data)")
    parser.add_argument("--out-dir", type=Path, default=PROJECT_DIR / ".benchmark" / "results",
                        help="where benchmark.json and benchmark.md go (default .benchmark/results)")
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()),
                        help="where each run's warehouse, target and exports live, deleted after (default: the temp dir)")
    parser.add_argument("--only", help=f"comma-separated contenders (default all: {','.join(CONTENDERS)}; "
                                       "with --format parquet all but build_parquet)")
    parser.add_argument("--memory-limit", default="3GB", help="DuckDB memory limit of the builds and the floor (default 3GB, the profile's)")
    parser.add_argument("--threads", type=int, default=2, help="DuckDB/dbt threads of the builds and the floor (default 2)")
    parser.add_argument("--timeout", type=float, default=4 * 3600, help="seconds before a run is killed (default 4 h)")
    parser.add_argument("--daily-share", type=float, default=DAILY_SHARE,
                        help=f"incremental: each daily file's share of the lines (default {DAILY_SHARE})")
    parser.add_argument("--keep-work", action="store_true", help="keep the work folders (for debugging)")
    # Internal: how the child processes of the floor, pandas and the comparison are started.
    parser.add_argument("--internal-run", choices=("floor", "pandas", "notebook"), help=argparse.SUPPRESS)
    parser.add_argument("--internal-input", help=argparse.SUPPRESS)
    parser.add_argument("--internal-output", help=argparse.SUPPRESS)
    parser.add_argument("--internal-temp-dir", help=argparse.SUPPRESS)
    parser.add_argument("--internal-compare", nargs=2, metavar=("PROJECT", "OTHERS_JSON"), help=argparse.SUPPRESS)
    parser.add_argument("--internal-to-parquet", metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.internal_run or args.internal_compare or args.internal_to_parquet:
        return args
    # build_parquet is the build on Parquet beside the CSV build: with Parquet input it is the build itself.
    available = [name for name in CONTENDERS if not (name == "build_parquet" and args.format == "parquet")]
    if args.only is None:
        contenders = available
    else:
        contenders = [name.strip() for name in args.only.split(",") if name.strip()]
        unknown = sorted(set(contenders) - set(available))
        if unknown or not contenders:
            parser.error(f"--only: unknown contender(s) {', '.join(unknown)} with --format {args.format}; "
                         f"choose from {', '.join(available)}")
    args.contenders = [name for name in CONTENDERS if name in contenders]
    if any(rows < 1 for rows in args.rows) or args.repeats < 1 or args.threads < 1:
        parser.error("--rows, --repeats and --threads must be >= 1")
    if not 0 < args.daily_share <= 0.5:
        parser.error("--daily-share must be in (0, 0.5]")
    if "incremental" in args.contenders and min(args.rows) < 2:
        parser.error("incremental needs --rows >= 2 (a warehouse and one more daily file)")
    args.cache_dir, args.out_dir, args.work_dir = (p.absolute() for p in (args.cache_dir, args.out_dir, args.work_dir))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.internal_run == "floor":
        run_floor(args.internal_input, args.internal_output, args.threads, args.memory_limit, args.internal_temp_dir)
        return 0
    if args.internal_run == "pandas":
        run_pandas(args.internal_input, args.internal_output)
        return 0
    if args.internal_run == "notebook":
        run_notebook(args.internal_input, args.internal_output)
        return 0
    if args.internal_to_parquet:
        to_parquet(args.internal_to_parquet)
        return 0
    if args.internal_compare:
        project, others = args.internal_compare
        print(json.dumps(compare_segments(project, json.loads(others))))
        return 0

    results = {
        "started_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "finished_at": None,
        "command": [sys.executable, *sys.argv] if argv is None else ["benchmark.py", *argv],
        "settings": {
            "rows": args.rows, "repeats": args.repeats, "format": args.format, "contenders": args.contenders,
            "threads": args.threads, "memory_limit": args.memory_limit, "timeout_s": args.timeout,
            "peak_memory": "ru_maxrss of each run's process (os.wait4), the largest of the runs in the table",
            "targets": {"rows": TARGET_ROWS, "max_ratio_of_median_wall": {t["measure"]: t["max"] for t in TARGETS}},
            "daily_file_share": args.daily_share,
        },
        "machine": machine_info(),
        "sizes": [],
    }
    for rows in args.rows:
        results["sizes"].append(run_size(rows, args, args.contenders))
        write_results(results, args.out_dir)  # partial results survive a long later size
    results["finished_at"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    print()
    print(write_results(results, args.out_dir))
    print(f"wrote {args.out_dir / 'benchmark.json'} and {args.out_dir / 'benchmark.md'}")
    failed = [
        f"{size['rows']}:{name}" for size in results["sizes"] for name, entry in size["summary"].items()
        if entry["runs_ok"] < entry["runs"]
    ]
    if failed:
        print(f"note: some runs did not pass: {', '.join(failed)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
