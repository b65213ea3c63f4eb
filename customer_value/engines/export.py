"""The exports of a passing build: every mart as `<mart>.parquet` and `<mart>.csv`,
rows in a stable order (two runs give identical bytes), CSV text cells that begin
with =, +, - or @ prefixed with a quote so that a spreadsheet does not run them as
formulas (Parquet keeps the raw values), and `_input_lines.json`, the clean and
rejected line counts for the run summary.

On DuckDB the files are written from the warehouse, attached read-only once dbt
has closed it. Off DuckDB each mart is read from the engine (PostgreSQL: COPY TO
STDOUT; Spark in session mode: the dbt session's DataFrame as Arrow; a Spark
Thrift server: a PyHive cursor, in batches) into an in-memory DuckDB, cast to the
contract's column types, and written with the same statements, so the files have
the same schema and formatting on every engine.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from customer_value.engines import InputError, spark_thrift, target_method
from customer_value.engines.postgres import postgres_connection
from customer_value.engines.postgres import quoted as _quoted

COUNTS_SQL = (
    "(select count(*) from {schema}stg_aws_saas__order_lines) as clean_rows,"
    " (select count(*) from {schema}stg_aws_saas__rejected_order_lines) as rejected_rows"
)


def export_duckdb_marts(warehouse: Path, marts: list, export_dir: Path) -> None:
    """Write every mart (dbt nodes) that is in the DuckDB `warehouse` as Parquet and
    CSV into `export_dir`, and `_input_lines.json` when the staging tables are there.
    A run with --select exports the marts of earlier runs too: the warehouse holds them."""
    import duckdb

    con = duckdb.connect()
    try:
        con.execute(f"attach {_quoted(str(warehouse))} as warehouse (read_only)")
        tables = {
            (schema, name)
            for schema, name in con.execute(
                "select table_schema, table_name from information_schema.tables where table_catalog = 'warehouse'"
            ).fetchall()
        }
        for node in sorted(marts, key=lambda node: node.name):
            if (node.schema, node.alias) in tables:
                write_mart(con, f"warehouse.{_ident(node.schema)}.{_ident(node.alias)}", export_dir / node.name)
        staged = {"stg_aws_saas__order_lines", "stg_aws_saas__rejected_order_lines"}
        if staged <= {name for schema, name in tables if schema == "staging"}:
            counts = COUNTS_SQL.format(schema="warehouse.staging.")
            con.execute(f"copy (select {counts}) to {_quoted(str(export_dir / '_input_lines.json'))} (format json)")
    finally:
        con.close()


def export_marts(engine: str, marts: list, export_dir: Path, target: str | None = None) -> None:
    """Write every built mart (dbt nodes) of a PostgreSQL or Spark target as Parquet
    and CSV into `export_dir`, and `_input_lines.json`. `target` tells a Spark
    session from a Thrift server (the profile's `method`).
    """
    import duckdb

    con = duckdb.connect()
    hive_connection = None
    try:
        if engine == "postgres":
            fetch = _fetch_postgres
        elif target_method(target) == "session":
            fetch = _fetch_spark
        else:  # `method: thrift` (the runner refuses the others before the build)
            hive_connection = spark_thrift.connection(target)

            def fetch(con, relation: str, columns: list, into: str, select: str = "*") -> None:
                spark_thrift.fetch_into(hive_connection, con, f"select {select} from {relation}", into)

        for node in sorted(marts, key=lambda node: node.name):
            columns = [(name, column.data_type) for name, column in node.columns.items()]
            fetch(con, f"{node.schema}.{node.alias}", columns, "fetched")
            typed = ", ".join(f"cast({_ident(name)} as {data_type}) as {_ident(name)}" for name, data_type in columns)
            con.execute(f"create or replace table mart as select {typed} from fetched")
            write_mart(con, "mart", export_dir / node.name)
        # For the run summary: raw lines = clean + rejected (duplicates are rejected).
        counts = COUNTS_SQL.format(schema="staging.")
        fetch(con, f"(select {counts}) as counts", [("clean_rows", "bigint"), ("rejected_rows", "bigint")], "fetched")
        con.execute(f"copy (select * from fetched) to {_quoted(str(export_dir / '_input_lines.json'))} (format json)")
    finally:
        con.close()
        if hive_connection is not None:
            spark_thrift.close_quietly(hive_connection)


def write_mart(con, table: str, base_path: Path) -> None:
    """`base_path`.parquet and .csv of `table`: rows in a stable order; CSV cells
    starting with =, +, - or @ get a leading quote (no spreadsheet formulas)."""
    described = con.execute(f"describe {table}").fetchall()
    csv_columns = [
        f"case when regexp_matches({_ident(name)}, '^[=+\\-@]') then '''' || {_ident(name)} else {_ident(name)} end"
        f" as {_ident(name)}"
        if data_type == "VARCHAR"
        else _ident(name)
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
        raise InputError("no Spark session in this process: the build ran no statement")
    spark = SparkSession.builder.getOrCreate()  # the session dbt's statements ran in
    arrow_table = spark.sql(f"select {select} from {relation}").toArrow()  # noqa: F841 (read by DuckDB below)
    con.execute(f"create or replace table {into} as select * from arrow_table")
