"""`customer-value load`: land the input's raw lines in the warehouse, once.

The EL of the EL + T stack (docs/architecture.md): before `dbt build`, the loader
takes the input (a CSV, CSV.gz or Parquet file, or a glob of many), decides which
files are new from the manifest of the files it loaded before, checks each new
file's header, reads the new files with DuckDB's reader and lands their lines, as
text with their file and position, in raw tables, in one transaction:

    raw.aws_saas_order_lines      every line the reader made into the header's fields
    raw.aws_saas_malformed_lines  every line it could not (docs/cleaning.md): file,
                                  line in the file, position, text, the reader's error
    raw.aws_saas_loaded_files     the manifest: per file its load, size, modification
                                  time, first position and line counts by kind
    raw.aws_saas_loads            one row per load: its mode, reason and counts

Every row carries `load_id`, the load that landed it; staging is incremental by it.

Which files a load reads (plan_load, the one place of the rule):
    append  every loaded file is still there, unchanged (size and modification
            time), and every new file's name sorts after theirs (a landing folder
            of daily files): only the new files are read, numbered after the others;
    full    anything else (nothing loaded yet, --full-refresh, a file that changed
            or disappeared, a new file that sorts among the loaded ones): every
            file is read again and replaces what the raw tables held, so a changed
            file is never mixed with its old lines. dbt must then rebuild its
            incremental models (`dbt build --full-refresh`; the runner does).

Positions: a line's `source_line_number` is its place among the input's data
lines, file by file in name order, malformed lines counted; so the first copy of a
repeated Row ID is the one with the smallest number, on every run.

Engines: DuckDB reads and lands into the warehouse file; for PostgreSQL the lines
are read by DuckDB the same way and streamed in with COPY
(customer_value.engines.postgres); for Spark they are read the same way and land as
one Parquet file per raw table in a folder the cluster reads (spark_raw_dir(),
replaced whole by every load: Spark's staging is rebuilt every run), over which the
dbt operation `register_aws_saas_order_lines` registers the raw tables, as
dbt-external-tables stages a source. So the header rules, the column matching and
the malformed lines' positions are this module's on every engine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import os
import re
import shutil
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from customer_value import input_headers
from customer_value.engines import InputError
from customer_value.input_headers import REQUIRED_COLUMNS, quoted

INPUT_SUFFIXES = (".csv", ".csv.gz", ".parquet")
RAW_SCHEMA = "raw"
ORDER_LINES_TABLE = "aws_saas_order_lines"
MALFORMED_TABLE = "aws_saas_malformed_lines"
FILES_TABLE = "aws_saas_loaded_files"
LOADS_TABLE = "aws_saas_loads"


def raw_column_name(header: str) -> str:
    """`Row ID` -> `row_id`: the raw tables' name of an export column."""
    return header.lower().replace(" ", "_")


RAW_COLUMNS = [raw_column_name(header) for header in REQUIRED_COLUMNS]

# The raw tables' columns and their types, one list for every engine.
TABLE_COLUMNS: dict[str, list[tuple[str, str]]] = {
    ORDER_LINES_TABLE: [
        *((name, "text") for name in RAW_COLUMNS),
        ("source_file", "text"),
        ("source_line_number", "bigint"),
        ("load_id", "bigint"),
    ],
    MALFORMED_TABLE: [
        ("source_file", "text"),
        ("source_file_line", "bigint"),
        ("source_line_number", "bigint"),
        ("raw_line", "text"),
        ("reader_error", "text"),
        ("load_id", "bigint"),
    ],
    FILES_TABLE: [
        ("load_id", "bigint"),
        ("source_file", "text"),
        ("file_size", "bigint"),
        ("file_modified_ns", "bigint"),
        ("first_line_number", "bigint"),
        ("order_lines", "bigint"),
        ("malformed_lines", "bigint"),
    ],
    LOADS_TABLE: [
        ("load_id", "bigint"),
        ("load_mode", "text"),
        ("reason", "text"),
        ("loaded_at", "timestamp"),
        ("files", "bigint"),
        ("order_lines", "bigint"),
        ("malformed_lines", "bigint"),
    ],
}


# ---------------------------------------------------------------- the plan


@dataclass(frozen=True)
class InputFile:
    """A file of the input as the manifest records it."""

    path: str
    size: int
    modified_ns: int


@dataclass(frozen=True)
class LoadedFile(InputFile):
    """A file the raw tables hold: its first position and its data lines."""

    first_line_number: int = 1
    lines: int = 0


@dataclass
class LoadPlan:
    """What one load does: `mode` full or append, why, which files, numbered from where."""

    mode: str
    reason: str
    files: list[InputFile]
    lines_before: int = 0
    previous_load_id: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def load_id(self) -> int:
        return self.previous_load_id + 1


def plan_load(
    files: list[InputFile],
    loaded: list[LoadedFile],
    previous_load_id: int,
    full_refresh: bool,
    replaced_tables: Iterable[str] = (),
) -> LoadPlan:
    """The files to read and how (module docstring); `files` and `loaded` in name
    order; `replaced_tables` the raw tables just recreated (stale_tables)."""

    def full(reason: str) -> LoadPlan:
        return LoadPlan("full", reason, files, 0, previous_load_id)

    if full_refresh:
        return full("--full-refresh")
    if replaced_tables:
        return full(f"raw tables {', '.join(replaced_tables)} had another version's columns and were recreated")
    if not loaded:
        return full("nothing is loaded yet")
    now = {file.path: file for file in files}
    for old in loaded:
        if old.path not in now:
            return full(f"file '{old.path}' is gone since it was loaded")
    for old in loaded:
        current = now[old.path]
        if (current.size, current.modified_ns) != (old.size, old.modified_ns):
            return full(f"file '{old.path}' changed since it was loaded")
    loaded_paths = {old.path for old in loaded}
    last_loaded = max(loaded_paths)
    new = [file for file in files if file.path not in loaded_paths]
    for file in new:
        if file.path < last_loaded:
            return full(f"new file '{file.path}' sorts before files already loaded")
    lines_before = max(old.first_line_number + old.lines - 1 for old in loaded)
    reason = f"{len(new)} new file(s) after the {len(loaded)} loaded"
    return LoadPlan("append", reason, new, lines_before, previous_load_id)


# ---------------------------------------------------------------- the input


def resolve_input(pattern: str) -> str:
    """The input as an absolute path or glob; one line when it is no CSV/Parquet or matches nothing."""
    path = str(Path(pattern).expanduser().absolute())
    if not path.lower().endswith(INPUT_SUFFIXES):
        raise InputError(f"Input file '{pattern}': not a CSV or Parquet file (expected .csv, .csv.gz or .parquet)")
    if not glob.glob(path):
        raise InputError(f"Input file '{pattern}': file not found")
    return path


def input_files(path: str) -> list[InputFile]:
    """The files of the input, in name order, with their size and modification time."""
    files = []
    for name in sorted(glob.glob(path)):
        stat = os.stat(name)
        files.append(InputFile(name, stat.st_size, stat.st_mtime_ns))
    return files


# ---------------------------------------------------------------- reading


def _file_list(files: Iterable[InputFile]) -> str:
    return "[" + ", ".join(quoted(file.path) for file in files) + "]"


def reader_sql(files: list[InputFile]) -> str:
    """Every line of `files` as the 19 columns as text and its file, in file order.

    Header names match case-insensitively, with a space, an underscore or nothing
    between words (`Row ID`, `row_id`); a CSV glob's files are matched by name.
    """
    names = _file_list(files)
    if files[0].path.lower().endswith(".parquet"):
        reader = f"read_parquet({names}, union_by_name = true, filename = true)"
    else:
        reader = (
            f"read_csv({names}, header = true, all_varchar = true, filename = true,"
            " store_rejects = true, rejects_table = 'reject_errors', rejects_scan = 'reject_scans')"
        )
    columns = [
        f"columns('(?i)^{header.lower().replace(' ', '.?')}$')::varchar as {raw_column_name(header)}"
        for header in REQUIRED_COLUMNS
    ]
    return f"select {', '.join(columns)}, filename as source_file from {reader}"


# The reader's rejects as malformed lines with their positions: the reader gives a
# line's number in its file (the header is line 1, blank lines count); its position
# among the input's data lines is that number minus the header, plus the data lines of
# the earlier files, kept between its neighbours (a blank line before it would push it
# past the next order line).
MALFORMED_LINES_SQL = """
create temp table malformed as
with rejected_lines as (
    select scans.file_path as source_file, cast(errors.line as bigint) as source_file_line,
        arg_min(errors.csv_line, errors.column_idx) as raw_line,
        arg_min(errors.error_type || ' - ' || errors.error_message, errors.column_idx) as reader_error
    from reject_errors as errors
    inner join reject_scans as scans on errors.scan_id = scans.scan_id and errors.file_id = scans.file_id
    group by scans.file_path, errors.line
),
files as (
    select source_file, sum(lines) as data_lines
    from (select source_file, count(*) as lines from lines group by source_file
          union all select source_file, count(*) from rejected_lines group by source_file)
    group by source_file
),
file_offsets as (
    select source_file, data_lines, coalesce(sum(data_lines) over (
        order by source_file rows between unbounded preceding and 1 preceding), 0) as lines_before
    from files
),
ranked as (
    select *, row_number() over (partition by source_file order by source_file_line) as rank_in_file,
        count(*) over (partition by source_file) as malformed_in_file
    from rejected_lines
)
select ranked.source_file, ranked.source_file_line,
    {lines_before} + file_offsets.lines_before + greatest(ranked.rank_in_file, least(ranked.source_file_line - 1,
        file_offsets.data_lines - (ranked.malformed_in_file - ranked.rank_in_file))) as source_line_number,
    trim(ranked.raw_line, chr(13) || chr(10)) as raw_line, ranked.reader_error
from ranked inner join file_offsets on ranked.source_file = file_offsets.source_file
"""
NO_MALFORMED_LINES_SQL = """
create temp table malformed (source_file varchar, source_file_line bigint, source_line_number bigint,
    raw_line varchar, reader_error varchar)
"""
# An order line's position: its place among the lines read (DuckDB keeps insertion
# order, so rowid + 1), plus the malformed lines before it, plus the earlier loads' lines.
POSITIONED_LINES_SQL = """
select lines.*, {lines_before} + lines.rowid + 1 + coalesce(steps.malformed_lines_so_far, 0) as source_line_number
from lines
asof left join (
    select order_lines_before, sum(count(*)) over (order by order_lines_before) as malformed_lines_so_far
    from (select source_line_number - {lines_before} - row_number() over (order by source_line_number)
              as order_lines_before
          from malformed)
    group by order_lines_before
) as steps on lines.rowid + 1 > steps.order_lines_before
order by lines.rowid
"""


def check_files(con, plan: LoadPlan, all_files: list[InputFile], input_name: str) -> None:
    """The header of every file the plan reads (customer_value.input_headers), against the
    input's first file for a CSV glob's spelling; one line naming the file and the problem."""
    reference = all_files[0].path if all_files and all_files[0] not in plan.files else None
    try:
        problem = input_headers.files_problem(
            con,
            [file.path for file in plan.files],
            reference=reference,
            require_lines=plan.mode == "full",
            input_name=input_name,
        )
    except Exception as error:  # noqa: BLE001 (duckdb raises its own classes, e.g. on a .parquet that is not Parquet)
        first_line = str(error).strip().splitlines()[0]
        raise InputError(
            input_headers.sniff_problem(first_line) or f"Input file '{plan.files[0].path}': {first_line}"
        ) from None
    if problem:
        raise InputError(problem)


def check_input(con, path: str) -> None:
    """Every file of the input checked as a full load checks them; one line on the first problem."""
    files = input_files(path)
    if not files:
        raise InputError(f"Input file '{path}': file not found")
    check_files(con, LoadPlan("full", "check", files), files, path)


def read_lines(con, plan: LoadPlan) -> None:
    """The plan's files read into the connection's temp tables `positioned` (order lines) and
    `malformed`, numbered after `plan.lines_before`; the counts into `plan.counts`."""
    for table in ("lines", "malformed", "positioned"):
        con.execute(f"drop table if exists temp.{table}")
    if not plan.files:
        columns = ", ".join(f"{name} varchar" for name in [*RAW_COLUMNS, "source_file"])
        con.execute(f"create temp table lines ({columns})")
        con.execute(NO_MALFORMED_LINES_SQL)
    else:
        try:
            # Written to a table first: DuckDB keeps insertion order, so rowid + 1 is
            # the line's place among the lines read.
            con.execute(f"create temp table lines as {reader_sql(plan.files)}")
        except Exception as error:  # noqa: BLE001 (duckdb's own error classes; one line, no traceback)
            first_line = str(error).strip().splitlines()[0]
            raise InputError(
                input_headers.sniff_problem(first_line) or f"Input file '{plan.files[0].path}': {first_line}"
            ) from None
        if plan.files[0].path.lower().endswith(".parquet"):
            con.execute(NO_MALFORMED_LINES_SQL)
        else:
            spanning = con.execute(
                "select scans.file_path, errors.line from reject_errors as errors inner join reject_scans as scans"
                " on errors.scan_id = scans.scan_id and errors.file_id = scans.file_id"
                " where position(chr(10) in trim(errors.csv_line, chr(13) || chr(10))) > 0"
                " order by scans.file_path, errors.line limit 1"
            ).fetchone()
            if spanning:
                # The reader read the lines after a broken quote into one field: which of
                # them are order lines is not known, and rejecting the record as one line
                # would lose them unseen.
                raise InputError(
                    f"Input file '{spanning[0]}': line {spanning[1]} opens a quoted field that runs over the"
                    " lines after it (a broken quote?), so the reader cannot tell which of them are order"
                    " lines; close or remove that quote"
                )
            con.execute(MALFORMED_LINES_SQL.format(lines_before=plan.lines_before))
    con.execute(f"create temp table positioned as {POSITIONED_LINES_SQL.format(lines_before=plan.lines_before)}")
    plan.counts = {
        "order_lines": con.execute("select count(*) from positioned").fetchone()[0],
        "malformed_lines": con.execute("select count(*) from malformed").fetchone()[0],
    }


def file_manifest_sql(plan: LoadPlan) -> str:
    """The manifest rows of the plan's files, from the temp tables read_lines made."""
    values = (
        ", ".join(f"({quoted(file.path)}, {file.size}, {file.modified_ns})" for file in plan.files)
        or "(null, null, null)"
    )
    return f"""
        with files (source_file, file_size, file_modified_ns) as (values {values}),
        lines as (
            select source_file, source_line_number, 1 as is_order_line from positioned
            union all select source_file, source_line_number, 0 from malformed
        ),
        counted as (
            select source_file, min(source_line_number) as first_line_number,
                sum(is_order_line) as order_lines, count(*) - sum(is_order_line) as malformed_lines
            from lines group by source_file
        )
        select {plan.load_id} as load_id, files.source_file, files.file_size, files.file_modified_ns,
            coalesce(counted.first_line_number, {plan.lines_before + 1}) as first_line_number,
            coalesce(counted.order_lines, 0) as order_lines, coalesce(counted.malformed_lines, 0) as malformed_lines
        from files left join counted on files.source_file = counted.source_file
        where files.source_file is not null
    """


def landed_selects(plan: LoadPlan) -> dict[str, str]:
    """The rows a load lands in the three data tables, from read_lines' temp tables:
    one definition for every engine (DuckDB, PostgreSQL, Spark's Parquet)."""
    order_columns = ", ".join(name for name, _ in TABLE_COLUMNS[ORDER_LINES_TABLE][:-1])
    malformed_columns = ", ".join(name for name, _ in TABLE_COLUMNS[MALFORMED_TABLE][:-1])
    return {
        ORDER_LINES_TABLE: f"select {order_columns}, {plan.load_id} as load_id from positioned",
        MALFORMED_TABLE: f"select {malformed_columns}, {plan.load_id} as load_id from malformed",
        FILES_TABLE: file_manifest_sql(plan),
    }


# ---------------------------------------------------------------- DuckDB


def _duckdb_ddl(table: str) -> str:
    columns = ", ".join(f"{name} {'varchar' if kind == 'text' else kind}" for name, kind in TABLE_COLUMNS[table])
    return f"create table if not exists {RAW_SCHEMA}.{table} ({columns})"


def stale_tables(columns: Iterable[tuple[str, str]]) -> list[str]:
    """The raw tables that exist with other columns than TABLE_COLUMNS (a warehouse
    an older version of the loader wrote), from (table, column) rows of the raw
    schema in column order. They are recreated and every file loaded again: the
    input files are the source of truth, as after a changed file."""
    existing: dict[str, list[str]] = {}
    for table, column in columns:
        existing.setdefault(table, []).append(column)
    return [
        table
        for table, expected in TABLE_COLUMNS.items()
        if table in existing and existing[table] != [name for name, _ in expected]
    ]


RAW_COLUMNS_SQL = (
    "select table_name, column_name from information_schema.columns"
    f" where table_schema = '{RAW_SCHEMA}' order by table_name, ordinal_position"
)


def duckdb_manifest(con) -> tuple[list[LoadedFile], int, list[str]]:
    """The files the warehouse's raw tables hold, the last load id (0: none), and
    the raw tables recreated because they had another version's columns."""
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    replaced = stale_tables(con.execute(RAW_COLUMNS_SQL).fetchall())
    for table in replaced:
        con.execute(f"drop table {RAW_SCHEMA}.{table}")
    for table in TABLE_COLUMNS:
        con.execute(_duckdb_ddl(table))
    rows = con.execute(
        f"select source_file, file_size, file_modified_ns, first_line_number, order_lines + malformed_lines"
        f" from {RAW_SCHEMA}.{FILES_TABLE} order by source_file"
    ).fetchall()
    last = con.execute(f"select coalesce(max(load_id), 0) from {RAW_SCHEMA}.{LOADS_TABLE}").fetchone()[0]
    return [LoadedFile(*row[:3], first_line_number=row[3], lines=row[4]) for row in rows], last, replaced


def land_duckdb(con, plan: LoadPlan) -> None:
    """The temp tables into the raw tables, in one transaction: a failed load changes nothing."""
    con.execute("begin transaction")
    try:
        if plan.mode == "full":
            for table in (ORDER_LINES_TABLE, MALFORMED_TABLE, FILES_TABLE):
                con.execute(f"delete from {RAW_SCHEMA}.{table}")
        for table, select in landed_selects(plan).items():
            con.execute(f"insert into {RAW_SCHEMA}.{table} {select}")
        con.execute(
            f"insert into {RAW_SCHEMA}.{LOADS_TABLE} values (?, ?, ?, ?, ?, ?, ?)",
            [
                plan.load_id,
                plan.mode,
                plan.reason,
                dt.datetime.now(dt.UTC).replace(tzinfo=None),
                len(plan.files),
                plan.counts["order_lines"],
                plan.counts["malformed_lines"],
            ],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


# ---------------------------------------------------------------- Spark


def spark_raw_dir() -> Path:
    """Where a Spark target's raw tables land as Parquet, for the cluster to read:
    CUSTOMER_VALUE_SPARK_RAW_DIR, else `spark_raw` beside the warehouse file."""
    from customer_value.project import resolved, warehouse_path

    configured = os.environ.get("CUSTOMER_VALUE_SPARK_RAW_DIR")
    return resolved(configured) if configured else warehouse_path().with_name("spark_raw")


def land_parquet(con, plan: LoadPlan, raw_dir: Path) -> None:
    """The temp tables as `raw_dir/<raw table>/part-0.parquet`, replacing the folder
    whole: written beside it first and swapped in, so a failed load leaves the last one."""
    loaded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    selects = {
        **landed_selects(plan),
        LOADS_TABLE: (
            f"select {plan.load_id} as load_id, {quoted(plan.mode)} as load_mode, {quoted(plan.reason)} as reason,"
            f" timestamp {quoted(loaded_at)} as loaded_at, {len(plan.files)} as files,"
            f" {plan.counts['order_lines']} as order_lines, {plan.counts['malformed_lines']} as malformed_lines"
        ),
    }
    raw_dir.parent.mkdir(parents=True, exist_ok=True)
    staged, replaced = raw_dir.with_name(raw_dir.name + ".new"), raw_dir.with_name(raw_dir.name + ".old")
    for folder in (staged, replaced):
        shutil.rmtree(folder, ignore_errors=True)
    for table, columns in TABLE_COLUMNS.items():
        (staged / table).mkdir(parents=True)
        typed = ", ".join(
            f"cast({name} as {'varchar' if kind == 'text' else kind}) as {name}" for name, kind in columns
        )
        target = quoted(str(staged / table / "part-0.parquet"))
        con.execute(f"copy (select {typed} from ({selects[table]}) as landed) to {target} (format parquet)")
    if raw_dir.exists():
        raw_dir.rename(replaced)
    staged.rename(raw_dir)
    shutil.rmtree(replaced, ignore_errors=True)


def duckdb_connection(database: str):
    """A DuckDB connection with the profile's memory limit and spill folder."""
    import duckdb

    from customer_value.project import resolved

    config = {
        "memory_limit": os.environ.get("CUSTOMER_VALUE_MEMORY_LIMIT", "3GB"),
        "temp_directory": str(resolved(os.environ.get("CUSTOMER_VALUE_TEMP_DIR", "warehouse/tmp"))),
    }
    if database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(database, config=config)
    except duckdb.IOException as error:
        message = in_use_message(database, str(error))
        if message:
            raise InputError(message) from None
        raise


def in_use_message(database: str, error: str) -> str | None:
    """DuckDB's "Could not set lock on file" as one line naming the file and its holder, or None."""
    if "Could not set lock on file" not in error:
        return None
    holder = re.search(r"held in (.*?\(PID \d+\))", error)
    by = f" ({holder.group(1)})" if holder else ""
    return f"warehouse '{database}' is in use by another process{by}"


# ---------------------------------------------------------------- the load


def load(path: str, engine: str, full_refresh: bool = False) -> LoadPlan:
    """Land the input `path` for the target's engine; returns what was done (module docstring)."""
    files = input_files(path)
    if engine == "duckdb":
        from customer_value.project import warehouse_path

        con = duckdb_connection(str(warehouse_path()))
        try:
            loaded, last, replaced = duckdb_manifest(con)
            plan = plan_load(files, loaded, last, full_refresh, replaced)
            check_files(con, plan, files, path)
            read_lines(con, plan)
            land_duckdb(con, plan)
        finally:
            con.close()
        return plan
    if engine == "postgres":
        from customer_value.engines import postgres

        return postgres.load(path, files, full_refresh)
    # Spark: every file read again each run (its staging is rebuilt each run), landed
    # as Parquet the cluster reads; dbt registers the raw tables over it.
    con = duckdb_connection(":memory:")
    try:
        plan = LoadPlan("full", "on Spark every load reads every file", files)
        check_files(con, plan, files, path)
        read_lines(con, plan)
        land_parquet(con, plan, spark_raw_dir())
    finally:
        con.close()
    return plan


def summary(plan: LoadPlan) -> dict:
    """The load as run_summary.json reports it."""
    return {"mode": plan.mode, "reason": plan.reason}


def main(argv: list[str] | None = None) -> int:
    """`customer-value load`: the load alone, before a plain `dbt build`."""
    from customer_value.engines import target_type

    parser = argparse.ArgumentParser(prog="customer-value load", description=__doc__.splitlines()[0])
    parser.add_argument("--input", help="CSV or Parquet file, or a glob of many (default: the bundled sample)")
    parser.add_argument("--target", help="dbt target (default: the profile's, duckdb)")
    parser.add_argument("--full-refresh", action="store_true", help="read every file again")
    args = parser.parse_args(argv)
    try:
        from customer_value.project import SAMPLE_INPUT, project_dir

        path = resolve_input(args.input or str(project_dir() / SAMPLE_INPUT))
        plan = load(path, target_type(args.target), args.full_refresh)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    counts = ", ".join(f"{count} {kind.replace('_', ' ')}" for kind, count in plan.counts.items())
    print(f"{plan.mode} load ({plan.reason}): {len(plan.files)} file(s){', ' + counts if counts else ''}")
    if plan.mode == "full" and plan.previous_load_id > 0:
        print("the raw tables were replaced: run `dbt build --full-refresh`")
    if target_type(args.target) == "spark":
        print(
            "landed for Spark in "
            f"{spark_raw_dir()}: run `dbt run-operation register_aws_saas_order_lines --vars"
            f" '{{spark_raw_dir: {spark_raw_dir()}}}'` before `dbt build`"
        )
    return 0
