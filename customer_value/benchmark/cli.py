"""Benchmark the customer value build against the alternatives, at several sizes.

For each size (order lines) the project's generator makes one input file, cached
by size and format, then every contender runs `--repeats` times, each run in a
fresh subprocess, in an order that rotates every repeat:

    build          the full runner build: every model, every mart, every data
                   test, the exports (customer-value run, as a scheduler runs it)
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

    customer-value benchmark --rows 100000 1000000 10000000 --repeats 3

This process imports only the standard library: its own memory (which a forked
child starts from) stays small, and everything heavy (generation, the Parquet
conversion of the daily files, the contenders, the comparison) runs in child
processes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

from customer_value.benchmark.contenders import (
    compare_segments,
    run_floor,
    run_notebook,
    run_pandas,
)
from customer_value.benchmark.inputs import to_parquet
from customer_value.benchmark.measure import run_size
from customer_value.benchmark.results import machine_info, write_results
from customer_value.benchmark.settings import (
    CONTENDERS,
    DAILY_SHARE,
    TARGET_ROWS,
    TARGETS,
)
from customer_value.project import project_dir


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="customer-value benchmark", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000], help="sizes in order lines (default 100000)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per contender and size (default 3)")
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv", help="input format (default csv)")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=project_dir() / ".benchmark" / "data",
        help="generated inputs, reused across runs (default .benchmark/data)",
    )
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=project_dir() / ".benchmark" / "results",
        help="where benchmark.json and benchmark.md go (default .benchmark/results)",
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=Path(tempfile.gettempdir()),
        help="where each run's warehouse, target and exports live, deleted after (default: the temp dir)",
    )
    parser.add_argument(
        "--only",
        help=f"comma-separated contenders (default all: {','.join(CONTENDERS)}; "
        "with --format parquet all but build_parquet)",
    )
    parser.add_argument(
        "--memory-limit",
        default="3GB",
        help="DuckDB memory limit of the builds and the floor (default 3GB, the profile's)",
    )
    parser.add_argument(
        "--threads", type=int, default=2, help="DuckDB/dbt threads of the builds and the floor (default 2)"
    )
    parser.add_argument("--timeout", type=float, default=4 * 3600, help="seconds before a run is killed (default 4 h)")
    parser.add_argument(
        "--daily-share",
        type=float,
        default=DAILY_SHARE,
        help=f"incremental: each daily file's share of the lines (default {DAILY_SHARE})",
    )
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
            parser.error(
                f"--only: unknown contender(s) {', '.join(unknown)} with --format {args.format}; "
                f"choose from {', '.join(available)}"
            )
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
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "finished_at": None,
        "command": [sys.executable, *sys.argv] if argv is None else ["customer-value", "benchmark", *argv],
        "settings": {
            "rows": args.rows,
            "repeats": args.repeats,
            "format": args.format,
            "contenders": args.contenders,
            "threads": args.threads,
            "memory_limit": args.memory_limit,
            "timeout_s": args.timeout,
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
    results["finished_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    print()
    print(write_results(results, args.out_dir))
    print(f"wrote {args.out_dir / 'benchmark.json'} and {args.out_dir / 'benchmark.md'}")
    failed = [
        f"{size['rows']}:{name}"
        for size in results["sizes"]
        for name, entry in size["summary"].items()
        if entry["runs_ok"] < entry["runs"]
    ]
    if failed:
        print(f"note: some runs did not pass: {', '.join(failed)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
