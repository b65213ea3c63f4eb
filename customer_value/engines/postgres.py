"""PostgreSQL cannot read the user's files, so every raw line is streamed into
`raw.aws_saas_order_lines` with COPY, as text, with its file and position. The
lines are read by DuckDB, with the same reader the DuckDB source uses, so the
three engines see the same fields.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from customer_value.engines import InputError

# The export's header, in its order (as macros/aws_saas/aws_saas_required_columns.sql lists it),
# and the input checks made before loading.
from customer_value.input_headers import REQUIRED_COLUMNS, input_problem, sniff_problem

RAW_SCHEMA, RAW_TABLE = "raw", "aws_saas_order_lines"
MALFORMED_TABLE = "aws_saas_malformed_lines"  # the lines the reader cannot split (docs/cleaning.md)


def quoted(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _reader(path: str) -> str:
    if path.lower().endswith(".parquet"):
        return f"read_parquet({quoted(path)}, union_by_name = true, filename = true)"
    return (
        f"read_csv({quoted(path)}, header = true, all_varchar = true, filename = true,"
        " store_rejects = true, rejects_table = 'reject_errors', rejects_scan = 'reject_scans')"
    )


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
    except Exception as error:  # noqa: BLE001 (duckdb raises its own error classes, e.g. on a .parquet that is not Parquet)
        first_line = str(error).strip().splitlines()[0]
        raise InputError(sniff_problem(first_line) or f"Input file '{path}': {first_line}") from None
    if problem:
        raise InputError(problem)


# The malformed lines from the reader's rejects, and every line's position in the input,
# as the DuckDB target computes them (macros/aws_saas/store_malformed_lines.sql and
# positioned_among_malformed_lines.sql): the reader gives a malformed line's number in
# its file; an order line's position counts the malformed lines before it.
MALFORMED_LINES_SQL = """
create table malformed as
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
    file_offsets.lines_before + greatest(ranked.rank_in_file, least(ranked.source_file_line - 1,
        file_offsets.data_lines - (ranked.malformed_in_file - ranked.rank_in_file))) as source_line_number,
    trim(ranked.raw_line, chr(13) || chr(10)) as raw_line, ranked.reader_error
from ranked inner join file_offsets on ranked.source_file = file_offsets.source_file
"""
POSITIONED_LINES_SQL = """
select lines.*, lines.rowid + 1 + coalesce(steps.malformed_lines_so_far, 0) as source_line_number
from lines
asof left join (
    select order_lines_before, sum(count(*)) over (order by order_lines_before) as malformed_lines_so_far
    from (select source_line_number - row_number() over (order by source_line_number) as order_lines_before
          from malformed)
    group by order_lines_before
) as steps on lines.rowid + 1 > steps.order_lines_before
order by lines.rowid
"""


def load_postgres(path: str, connection_settings: dict | None = None) -> int:
    """Replace raw.aws_saas_order_lines with every line of `path` the reader can split, and
    raw.aws_saas_malformed_lines with those it cannot; returns the line count.

    DuckDB writes the lines, numbered in file order, to temporary CSV files that are
    streamed to the server with COPY FROM STDIN, in one transaction: a failed load
    leaves the previous tables as they were.
    """
    import duckdb
    import psycopg2

    raw_columns = [raw_column_name(header) for header in REQUIRED_COLUMNS]
    malformed_columns = (
        "source_file text, source_file_line bigint, source_line_number bigint, raw_line text, reader_error text"
    )
    with tempfile.TemporaryDirectory(prefix="customer_value_load_") as work_dir:
        con = duckdb.connect(str(Path(work_dir) / "load.duckdb"))
        try:
            check_input(con, path)
            # Written to a table first: DuckDB keeps insertion order, so rowid + 1
            # is the line's place among the lines read, as on the DuckDB target
            # (macros/aws_saas/base_line_number.sql).
            con.execute(f"create table lines as {raw_lines_select(path)}")
            if path.lower().endswith(".parquet"):
                con.execute(
                    "create table malformed (source_file varchar, source_file_line bigint,"
                    " source_line_number bigint, raw_line varchar, reader_error varchar)"
                )
            else:
                spanning = con.execute(
                    "select scans.file_path, errors.line from reject_errors as errors inner join reject_scans as scans"
                    " on errors.scan_id = scans.scan_id and errors.file_id = scans.file_id"
                    " where position(chr(10) in trim(errors.csv_line, chr(13) || chr(10))) > 0"
                    " order by scans.file_path, errors.line limit 1"
                ).fetchone()
                if spanning:  # as macros/aws_saas/store_malformed_lines.sql: a broken quote stops the run
                    raise InputError(
                        f"Input file '{spanning[0]}': line {spanning[1]} opens a quoted field that runs over the"
                        " lines after it (a broken quote?), so the reader cannot tell which of them are order"
                        " lines; close or remove that quote"
                    )
                con.execute(MALFORMED_LINES_SQL)
            csv_path = Path(work_dir) / "lines.csv"
            malformed_path = Path(work_dir) / "malformed.csv"
            con.execute(f"copy ({POSITIONED_LINES_SQL}) to {quoted(str(csv_path))} (format csv, header true)")
            con.execute(f"copy malformed to {quoted(str(malformed_path))} (format csv, header true)")
            line_count = con.execute(
                "select (select count(*) from lines) + (select count(*) from malformed)"
            ).fetchone()[0]
        finally:
            con.close()

        columns_ddl = ", ".join(f"{name} text" for name in raw_columns + ["source_file"])
        pg = postgres_connection(connection_settings)
        try:
            with (
                pg,
                pg.cursor() as cursor,
                open(csv_path, encoding="utf-8") as lines,
                open(malformed_path, encoding="utf-8") as malformed,
            ):
                cursor.execute(f"create schema if not exists {RAW_SCHEMA}")
                cursor.execute(f"drop table if exists {RAW_SCHEMA}.{RAW_TABLE} cascade")
                cursor.execute(f"create table {RAW_SCHEMA}.{RAW_TABLE} ({columns_ddl}, source_line_number bigint)")
                cursor.copy_expert(f"copy {RAW_SCHEMA}.{RAW_TABLE} from stdin with (format csv, header true)", lines)
                cursor.execute(f"drop table if exists {RAW_SCHEMA}.{MALFORMED_TABLE} cascade")
                cursor.execute(f"create table {RAW_SCHEMA}.{MALFORMED_TABLE} ({malformed_columns})")
                cursor.copy_expert(
                    f"copy {RAW_SCHEMA}.{MALFORMED_TABLE} from stdin with (format csv, header true)", malformed
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
