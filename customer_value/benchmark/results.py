"""The benchmark's results: medians, target ratios, machine facts, and the
benchmark.json and benchmark.md they are written to.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import statistics
import subprocess
from pathlib import Path

from customer_value.benchmark.settings import (
    COMPARED,
    CONTENDER_LABELS,
    TARGET_ROWS,
    TARGETS,
)
from customer_value.project import project_dir


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
            if ok
            else None,
        }
        setups = [run["setup"]["wall_s"] for run in ok if run.get("setup")]
        if setups:
            summary[name]["median_setup_wall_s"] = round(statistics.median(setups), 3)
    floor = summary.get("floor", {})
    for entry in summary.values():
        both = entry["median_wall_s"] and floor.get("median_wall_s")
        entry["x_floor_wall"] = round(entry["median_wall_s"] / floor["median_wall_s"], 2) if both else None
        both_rss = entry["max_peak_rss_bytes"] and floor.get("max_peak_rss_bytes")
        entry["x_floor_peak_rss"] = (
            round(entry["max_peak_rss_bytes"] / floor["max_peak_rss_bytes"], 2) if both_rss else None
        )
    return summary


def target_ratios(summary: dict, rows: int) -> list[dict]:
    """Each target of TARGETS: the ratio of the medians, and met / not met / not measured."""
    targets = []
    for target in TARGETS:
        numerator = summary.get(target["numerator"], {}).get("median_wall_s")
        denominator = summary.get(target["denominator"], {}).get("median_wall_s")
        ratio = round(numerator / denominator, 3) if numerator and denominator else None
        met = None if ratio is None else ratio <= target["max"]
        targets.append(
            {
                "measure": target["measure"],
                "label": target["label"],
                "ratio": ratio,
                "max_ratio": target["max"],
                "met": met,
                "result": "not measured" if met is None else ("met" if met else "not met"),
                "at_target_size": rows == TARGET_ROWS,
            }
        )
    return targets


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
        commit = (
            subprocess.run(
                ["git", "-C", str(project_dir()), "rev-parse", "--short", "HEAD"],
                capture_output=True,
                text=True,
            ).stdout.strip()
            or None
        )
        dirty = bool(
            subprocess.run(
                ["git", "-C", str(project_dir()), "status", "--porcelain", "--untracked-files=no"],
                capture_output=True,
                text=True,
            ).stdout.strip()
        )
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
            package: _version(package) for package in ("duckdb", "dbt-core", "dbt-duckdb", "pandas", "numpy", "pyarrow")
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
            lines.append(f"| {size['rows']:,} | {target['label']} | {ratio} | ≤ {target['max_ratio']:.2f} | {result} |")
    compared = [name for name in COMPARED if any(name in size["agreement"] for size in results["sizes"])]
    lines += [
        "",
        "| rows | input MB | customers | "
        + " | ".join(f"{name} agrees" for name in compared)
        + (" | pandas with plain qcut |" if "pandas" in compared else " |"),
        "|---:|---:|---:|" + "---:|" * (len(compared) + ("pandas" in compared)),
    ]
    for size in results["sizes"]:
        agreement = size["agreement"]

        def rate(name: str, key: str = "value_segment_agreement", agreement: dict = agreement) -> str:
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
    for size in results["sizes"]:
        identity = size["agreement"].get("incremental_exports")
        if identity:
            differing = f" (differing: {', '.join(identity['differing'])})" if identity["differing"] else ""
            lines.append(
                f"At {size['rows']:,} lines the incremental run's exports are byte-identical to the full build's: "
                f"{identity['identical']} of {identity['files']} files{differing}."
            )
    return "\n".join(lines) + "\n"


def write_results(results: dict, out_dir: Path) -> str:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "benchmark.json").write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    (out_dir / "benchmark.md").write_text(table)
    return table
