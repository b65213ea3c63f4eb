"""What the runner does on a target other than DuckDB: load the raw lines before
the build, and read the marts back for the export after it.

On DuckDB neither is needed: the source reads the export where it lies and the
on-run-end hook (macros/mart_exports/export_marts.sql) writes the files. Elsewhere (SPEC §11):

- PostgreSQL cannot read the user's files, so every raw line is streamed into
  `raw.aws_saas_order_lines` with COPY, as text, with its file and position. The
  lines are read by DuckDB, with the same reader the DuckDB source uses, so the
  three engines see the same fields.
- Spark reads the files where they lie: the on-run-start hook puts a table over
  the path (macros/aws_saas/load_aws_saas_order_lines.sql); nothing is loaded here.
- Exports: each mart is read from the engine (PostgreSQL: COPY TO STDOUT; Spark:
  the dbt session's DataFrame as Arrow) into an in-memory DuckDB, cast to the
  contract's column types, and written with the same statements as on DuckDB, so
  the files have the same schema and formatting on every engine.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

# The export's header, in its order (as macros/aws_saas/aws_saas_required_columns.sql lists it),
# and the input checks made before loading.
from input_headers import REQUIRED_COLUMNS, input_problem

PROJECT_DIR = Path(__file__).resolve().parent.parent

RAW_SCHEMA, RAW_TABLE = "raw", "aws_saas_order_lines"


class InputError(Exception):
    """The input cannot be read: one line naming the file and the problem."""


def target_type(target: str | None) -> str:
    """The adapter type of a target of this project's profile (default: its default target)."""
    import yaml  # shipped with dbt-core

    profiles_dir = Path(os.environ.get("DBT_PROFILES_DIR", PROJECT_DIR))
    with open(profiles_dir / "profiles.yml", encoding="utf-8") as handle:
        profile = yaml.safe_load(handle)["customer_value"]
    name = target or profile.get("target", "duckdb")
    output = (profile.get("outputs") or {}).get(name)
    if output is None:
        raise InputError(f"--target '{name}' is not a target of profiles.yml "
                         f"(targets: {', '.join(profile.get('outputs') or {})})")
    return str(output["type"])


# ---------------------------------------------------------------- reading input

def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _reader(path: str) -> str:
    if path.lower().endswith(".parquet"):
        return f"read_parquet({_quoted(path)}, union_by_name = true, filename = true)"
    return (f"read_csv({_quoted(path)}, header = true, all_varchar = true, union_by_name = true,"
            " filename = true, null_padding = true)")


def raw_column_name(header: str) -> str:
    """`Row ID` -> `row_id`, as the source names the columns."""
    return header.lower().replace(" ", "_")


def raw_lines_select(path: str) -> str:
    """Every line of the input as 19 text columns and its file, in file order.

    The same column matching as the DuckDB source (_aws_saas__sources.yml):
    case-insensitive, a space or an underscore, or nothing, between words.
    """
    columns = [
        f"columns('(?i)^{header.lower().replace(' ', '.?')}$')::varchar as {raw_column_name(header)}"
        for header in REQUIRED_COLUMNS
    ]
    return f"select {', '.join(columns)}, filename as source_file from {_reader(path)}"


def check_input(con, path: str) -> None:
    """The checks the DuckDB on-run-start hook makes, file by file, for engines that load first
    (scripts/input_headers.py): one line naming the file and the problem."""
    try:
        problem = input_problem(con, path)
    except Exception as error:  # duckdb raises its own error classes, e.g. on a .parquet that is not Parquet
        raise InputError(f"Input file '{path}': {str(error).strip().splitlines()[0]}") from None
    if problem:
        raise InputError(problem)


def load_postgres(path: str, connection_settings: dict | None = None) -> int:
    """Replace raw.aws_saas_order_lines with every line of `path`; returns the line count.

    DuckDB writes the lines, numbered in file order, to a temporary CSV file that
    is streamed to the server with COPY FROM STDIN, in one transaction: a failed
    load leaves the previous table as it was.
    """
    import duckdb
    import psycopg2

    raw_columns = [raw_column_name(header) for header in REQUIRED_COLUMNS]
    with tempfile.TemporaryDirectory(prefix="customer_value_load_") as work_dir:
        con = duckdb.connect(str(Path(work_dir) / "load.duckdb"))
        try:
            check_input(con, path)
            # Written to a table first: DuckDB keeps insertion order, so rowid + 1
            # is the line's position, as on the DuckDB target (macros/aws_saas/base_line_number.sql).
            con.execute(f"create table lines as {raw_lines_select(path)}")
            csv_path = Path(work_dir) / "lines.csv"
            con.execute(
                f"copy (select *, rowid + 1 as source_line_number from lines order by rowid)"
                f" to {_quoted(str(csv_path))} (format csv, header true)"
            )
            line_count = con.execute("select count(*) from lines").fetchone()[0]
        finally:
            con.close()

        columns_ddl = ", ".join(f"{name} text" for name in raw_columns + ["source_file"])
        pg = postgres_connection(connection_settings)
        try:
            with pg, pg.cursor() as cursor, open(csv_path, encoding="utf-8") as lines:
                cursor.execute(f"create schema if not exists {RAW_SCHEMA}")
                cursor.execute(f"drop table if exists {RAW_SCHEMA}.{RAW_TABLE} cascade")
                cursor.execute(
                    f"create table {RAW_SCHEMA}.{RAW_TABLE} ({columns_ddl}, source_line_number bigint)"
                )
                cursor.copy_expert(
                    f"copy {RAW_SCHEMA}.{RAW_TABLE} from stdin with (format csv, header true)", lines
                )
        except psycopg2.DataError as error:
            # e.g. a NUL byte, which PostgreSQL text cannot hold: say so rather than change the line
            where = re.search(r"line (\d+)", str(error))
            line = f" (line {int(where.group(1)) - 1} of the input)" if where else ""
            raise InputError(
                f"Input file '{path}': PostgreSQL cannot store a raw line{line}: {str(error).splitlines()[0]}"
            ) from None
        finally:
            pg.close()
    return line_count


def postgres_connection(settings: dict | None = None):
    """A psycopg2 connection, or one line saying which server could not be reached."""
    import psycopg2

    settings = settings or postgres_settings()
    try:
        return psycopg2.connect(**settings)
    except psycopg2.OperationalError as error:
        reason = " ".join(str(error).split()) or "connection refused"
        raise InputError(
            f"PostgreSQL at {settings['host']}:{settings['port']} (database {settings['dbname']}, user "
            f"{settings['user']}): {reason}; set CUSTOMER_VALUE_PG_HOST, _PG_PORT, _PG_USER, _PG_PASSWORD, "
            "_PG_DATABASE"
        ) from None


def postgres_settings() -> dict:
    """psycopg2 connection settings from the profile's environment variables."""
    env = os.environ.get
    return {
        "host": env("CUSTOMER_VALUE_PG_HOST", "127.0.0.1"),
        "port": int(env("CUSTOMER_VALUE_PG_PORT", "5432")),
        "user": env("CUSTOMER_VALUE_PG_USER", "postgres"),
        "password": env("CUSTOMER_VALUE_PG_PASSWORD", ""),
        "dbname": env("CUSTOMER_VALUE_PG_DATABASE", "customer_value"),
    }


# ---------------------------------------------------------------- exports

def export_marts(engine: str, marts: list, export_dir: Path) -> None:
    """Write every built mart (dbt nodes) as Parquet and CSV into `export_dir`.

    Also `_input_lines.json`, the clean and rejected line counts for the run summary,
    as the DuckDB hook does.
    """
    import duckdb

    con = duckdb.connect()
    try:
        fetch = _fetch_postgres if engine == "postgres" else _fetch_spark
        for node in sorted(marts, key=lambda node: node.name):
            columns = [(name, column.data_type) for name, column in node.columns.items()]
            fetch(con, f"{node.schema}.{node.alias}", columns, "fetched")
            typed = ", ".join(f"cast({_ident(name)} as {data_type}) as {_ident(name)}" for name, data_type in columns)
            con.execute(f"create or replace table mart as select {typed} from fetched")
            write_mart(con, "mart", export_dir / node.name)
        # For the run summary: raw lines = clean + rejected (duplicates are rejected).
        counts = ("(select count(*) from staging.stg_aws_saas__order_lines) as clean_rows,"
                  " (select count(*) from staging.stg_aws_saas__rejected_order_lines) as rejected_rows")
        fetch(con, f"(select {counts}) as counts", [("clean_rows", "bigint"), ("rejected_rows", "bigint")], "fetched")
        con.execute(f"copy (select * from fetched) to {_quoted(str(export_dir / '_input_lines.json'))} (format json)")
    finally:
        con.close()


def write_mart(con, table: str, base_path: Path) -> None:
    """The same files as macros/mart_exports/export_marts.sql: rows in a stable order; CSV cells
    starting with =, +, - or @ get a leading quote (no spreadsheet formulas)."""
    described = con.execute(f"describe {table}").fetchall()
    csv_columns = [
        f"case when regexp_matches({_ident(name)}, '^[=+\\-@]') then '''' || {_ident(name)} else {_ident(name)} end"
        f" as {_ident(name)}" if data_type == "VARCHAR" else _ident(name)
        for name, data_type, *_ in described
    ]
    con.execute(f"copy (select * from {table} order by all) to {_quoted(str(base_path) + '.parquet')} (format parquet)")
    con.execute(
        f"copy (select {', '.join(csv_columns)} from (select * from {table} order by all))"
        f" to {_quoted(str(base_path) + '.csv')} (format csv, header true)"
    )


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _fetch_postgres(con, relation: str, columns: list, into: str, select: str = "*") -> None:
    with tempfile.NamedTemporaryFile(prefix="customer_value_export_", suffix=".csv") as handle:
        with postgres_connection() as pg, pg.cursor() as cursor:
            cursor.copy_expert(
                f"copy (select {select} from {relation}) to stdout with (format csv, header true)", handle
            )
        pg.close()
        handle.flush()
        types = "{" + ", ".join(f"{_quoted(name)}: {_quoted(data_type)}" for name, data_type in columns) + "}"
        con.execute(
            f"create or replace table {into} as select * from read_csv({_quoted(handle.name)}, header = true,"
            f" columns = {types}, allow_quoted_nulls = false, auto_detect = false, quote = '\"', escape = '\"')"
        )


def quiet_spark() -> None:
    """Keep PySpark's own messages off the terminal: the runner reports dbt's errors.

    PySpark logs every failed SQL statement with its Java stack as JSON on stderr
    (logger SQLQueryContextLogger), and warns about the pandas version, which the
    exports do not use (they read Arrow). Spark's JVM log goes to a file
    (config/spark-log4j2.properties).
    """
    import logging
    import warnings

    from pyspark.logger import PySparkLogger

    PySparkLogger.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
    warnings.filterwarnings("ignore", category=FutureWarning, module=r"pyspark\..*")


def _fetch_spark(con, relation: str, columns: list, into: str, select: str = "*") -> None:
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    if SparkContext._active_spark_context is None:  # dbt ran no statement in this process
        raise InputError("exports from a Spark target need the profile's `method: session`")
    spark = SparkSession.builder.getOrCreate()  # the session dbt's statements ran in
    arrow_table = spark.sql(f"select {select} from {relation}").toArrow()  # noqa: F841 (read by DuckDB below)
    con.execute(f"create or replace table {into} as select * from arrow_table")
