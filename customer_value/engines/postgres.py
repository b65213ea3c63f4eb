"""PostgreSQL cannot read the user's files, so the loader (customer_value.loader)
reads them with DuckDB, the same reader and the same positions as on the DuckDB
target, and streams the lines into the raw tables with COPY, in one transaction
with the manifest: a failed load leaves the tables as they were.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from customer_value.engines import InputError


def quoted(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _ddl(table: str) -> str:
    from customer_value.loader import RAW_SCHEMA, TABLE_COLUMNS

    columns = ", ".join(f"{name} {kind}" for name, kind in TABLE_COLUMNS[table])
    return f"create table if not exists {RAW_SCHEMA}.{table} ({columns})"


def load(path: str, files: list, full_refresh: bool, connection_settings: dict | None = None):
    """Land the input's new files in the server's raw tables; returns the loader's plan."""
    from customer_value import loader
    from customer_value.loader import (
        FILES_TABLE,
        LOADS_TABLE,
        MALFORMED_TABLE,
        ORDER_LINES_TABLE,
        RAW_SCHEMA,
        TABLE_COLUMNS,
    )

    pg = postgres_connection(connection_settings)
    try:
        with pg, pg.cursor() as cursor:
            cursor.execute(f"create schema if not exists {RAW_SCHEMA}")
            cursor.execute(loader.RAW_COLUMNS_SQL)
            replaced = loader.stale_tables(cursor.fetchall())
            for table in replaced:
                cursor.execute(f"drop table {RAW_SCHEMA}.{table}")
            for table in TABLE_COLUMNS:
                cursor.execute(_ddl(table))
            cursor.execute(
                "select source_file, file_size, file_modified_ns, first_line_number, order_lines + malformed_lines"
                f" from {RAW_SCHEMA}.{FILES_TABLE} order by source_file"
            )
            loaded = [loader.LoadedFile(*row[:3], first_line_number=row[3], lines=row[4]) for row in cursor.fetchall()]
            cursor.execute(f"select coalesce(max(load_id), 0) from {RAW_SCHEMA}.{LOADS_TABLE}")
            last = cursor.fetchone()[0]
        plan = loader.plan_load(files, loaded, last, full_refresh, replaced)
        with tempfile.TemporaryDirectory(prefix="customer_value_load_") as work_dir:
            con = loader.duckdb_connection(":memory:")
            outputs = {
                name: Path(work_dir) / f"{name}.csv" for name in (ORDER_LINES_TABLE, MALFORMED_TABLE, FILES_TABLE)
            }
            try:
                loader.check_files(con, plan, files, path)
                loader.read_lines(con, plan)
                selects = loader.landed_selects(plan)
                selects[ORDER_LINES_TABLE] += " order by source_line_number"
                for name, select in selects.items():
                    con.execute(f"copy ({select}) to {quoted(str(outputs[name]))} (format csv, header true)")
            finally:
                con.close()
            copying = None
            try:
                with pg, pg.cursor() as cursor:
                    if plan.mode == "full":
                        for table in (ORDER_LINES_TABLE, MALFORMED_TABLE, FILES_TABLE):
                            cursor.execute(f"delete from {RAW_SCHEMA}.{table}")
                    for name, csv_path in outputs.items():
                        copying = csv_path
                        with open(csv_path, encoding="utf-8") as lines:
                            cursor.copy_expert(
                                f"copy {RAW_SCHEMA}.{name} from stdin with (format csv, header true)", lines
                            )
                    cursor.execute(
                        f"insert into {RAW_SCHEMA}.{LOADS_TABLE} values (%s, %s, %s, now(), %s, %s, %s)",
                        (
                            plan.load_id,
                            plan.mode,
                            plan.reason,
                            len(plan.files),
                            plan.counts["order_lines"],
                            plan.counts["malformed_lines"],
                        ),
                    )
            except _data_error() as error:
                # e.g. a NUL byte, which PostgreSQL text cannot hold: say so rather than change the line
                where = re.search(r"line (\d+)", str(error))
                position = _position_of_copy_line(copying, int(where.group(1))) if where and copying else None
                line = f" (line {position} of the input)" if position else ""
                raise InputError(
                    f"Input file '{path}': PostgreSQL cannot store a raw line{line}: {str(error).splitlines()[0]}"
                ) from None
    finally:
        pg.close()
    return plan


def _position_of_copy_line(csv_path: Path, copy_line: int) -> int | None:
    """The input position (`source_line_number`) of line `copy_line` of a COPY stream (its header is line 1)."""
    import duckdb

    with duckdb.connect() as con:
        row = con.execute(
            f"select source_line_number from read_csv({quoted(str(csv_path))}, header = true, all_varchar = true)"
            f" limit 1 offset {max(copy_line - 2, 0)}"
        ).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def _data_error():
    import psycopg2

    return psycopg2.DataError


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
