"""The benchmark's inputs: generated files of each size and format, cached, and
the daily files an incremental run lands one by one.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from customer_value.benchmark.settings import CHILD, GENERATOR
from customer_value.project import project_dir


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
            [sys.executable, *GENERATOR, "--rows", str(rows), "--output", str(partial)],
            cwd=project_dir(),
            capture_output=True,
            text=True,
            timeout=timeout,
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
    customer_segments (docs/operations.md). The CSV is split byte for byte (the generator never
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
                    [sys.executable, *CHILD, "--internal-to-parquet", str(partial)],
                    cwd=project_dir(),
                    capture_output=True,
                    text=True,
                    timeout=timeout,
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
            raise SystemExit(
                f"error: {source} has more physical lines than {sum(file_lines)} (a line break in a field?)"
            )
    return manifest


def to_parquet(folder: str) -> None:
    """Each day_*.csv of `folder` as day_*.parquet, by the generator's own conversion, the CSV removed."""
    from customer_value.sample import convert_to_parquet

    for csv_path in sorted(Path(folder).glob("day_*.csv")):
        convert_to_parquet(csv_path, csv_path.with_suffix(".parquet"))
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
