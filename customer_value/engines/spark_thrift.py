"""A Spark cluster behind a Thrift (HiveServer2) server: the `spark_thrift` target.

dbt builds there through dbt-spark's `method: thrift`; the runner reads the marts
back over a connection of its own, opened with the same credentials: the target of
profiles.yml rendered by dbt itself (its `env_var` defaults live once, in the
profile). The rows come in batches (`fetchmany`) into DuckDB, never all in one
Python list (customer_value.engines.export).
"""

from __future__ import annotations

import argparse
import decimal
import os
from collections.abc import Iterator

from customer_value.engines import InputError, profiles_dir

# Rows per fetch from the server, and per batch handed to DuckDB.
BATCH_ROWS = 10_000

# HiveServer2 column types (cursor.description) as DuckDB types. Dates, timestamps and
# decimals come as text; the export casts every column to its contract type after.
DUCKDB_TYPES = {
    "BOOLEAN_TYPE": "boolean",
    "TINYINT_TYPE": "bigint",
    "SMALLINT_TYPE": "bigint",
    "INT_TYPE": "bigint",
    "BIGINT_TYPE": "bigint",
    "FLOAT_TYPE": "double",
    "DOUBLE_TYPE": "double",
}


def credentials(target: str | None):
    """The target's dbt-spark credentials, rendered from profiles.yml as dbt renders them."""
    from dbt.config.profile import Profile, read_profile
    from dbt.config.renderer import ProfileRenderer
    from dbt.flags import set_from_args
    from dbt_common.context import set_invocation_context

    set_invocation_context(dict(os.environ))
    set_from_args(argparse.Namespace(), {})
    profile = Profile.from_raw_profiles(
        raw_profiles=read_profile(str(profiles_dir())),
        profile_name="customer_value",
        renderer=ProfileRenderer({}),
        target_override=target,
    )
    return profile.credentials


def connection(target: str | None):
    """A PyHive connection to the target's Thrift server, or one line saying which could not be reached."""
    from dbt.adapters.spark.connections import build_ssl_transport
    from pyhive import hive

    creds = credentials(target)
    try:
        if creds.use_ssl:
            transport = build_ssl_transport(
                host=creds.host,
                port=creds.port,
                username=creds.user,
                auth=creds.auth,
                kerberos_service_name=creds.kerberos_service_name,
                password=creds.password,
            )
            return hive.connect(thrift_transport=transport, configuration=creds.server_side_parameters)
        return hive.connect(
            host=creds.host,
            port=creds.port,
            username=creds.user,
            auth=creds.auth,
            kerberos_service_name=creds.kerberos_service_name,
            password=creds.password,
            configuration=creds.server_side_parameters,
        )
    except Exception as error:  # noqa: BLE001 (thrift and sasl raise classes of their own)
        reason = " ".join(str(error).split()) or type(error).__name__
        raise InputError(
            f"Spark Thrift server at {creds.host}:{creds.port} (user {creds.user}): {reason};"
            " set CUSTOMER_VALUE_SPARK_HOST, _SPARK_PORT, _SPARK_USER (docs/engines.md)"
        ) from None


def close_quietly(hive_connection) -> None:
    """Close a session whose work is done, ignoring a server that fails to close it.

    Spark 4's Thrift server ships without Hive's LLAP jars, and closing a session can
    reach Hive's function registry, which needs them: the server then answers
    CloseSession with a NoClassDefFoundError although every statement of the session
    succeeded. The session's results are already read; the server drops it on its
    own idle timeout.
    """
    try:
        hive_connection.close()
    except Exception:  # noqa: BLE001 (PyHive and thrift raise classes of their own)
        pass


def batches(cursor, sql: str) -> Iterator[tuple[list[tuple[str, str]], list[tuple]]]:
    """The rows of `sql` in batches of BATCH_ROWS, each with the columns as (name, DuckDB type)."""
    cursor.arraysize = BATCH_ROWS
    cursor.execute(sql)
    columns = [
        (name.rsplit(".", 1)[-1], DUCKDB_TYPES.get(type_code, "varchar")) for name, type_code, *_ in cursor.description
    ]
    while True:
        rows = cursor.fetchmany(BATCH_ROWS)
        yield columns, rows
        if len(rows) < BATCH_ROWS:
            return


def _as_text(value) -> str | None:
    """A text column's value as text: PyHive gives decimals as Decimal, dates and
    timestamps as Python objects; the export casts the text to the contract's type."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    return str(value)


def fetch_into(hive_connection, con, sql: str, into: str) -> None:
    """The rows of `sql` on the server into the DuckDB table `into`, batch by batch through Arrow."""
    import pyarrow as pa

    arrow_types = {"boolean": pa.bool_(), "bigint": pa.int64(), "double": pa.float64(), "varchar": pa.string()}
    cursor = hive_connection.cursor()
    try:
        created = False
        for columns, rows in batches(cursor, sql):
            if not created:
                definition = ", ".join(f'"{name}" {data_type}' for name, data_type in columns)
                con.execute(f"create or replace table {into} ({definition})")
                created = True
            schema = pa.schema([(name, arrow_types[data_type]) for name, data_type in columns])
            batch = pa.Table.from_arrays(  # noqa: F841 (read by DuckDB below)
                [
                    pa.array(
                        [_as_text(row[index]) for row in rows]
                        if data_type == "varchar"
                        else [row[index] for row in rows],
                        type=field.type,
                    )
                    for index, (field, (_, data_type)) in enumerate(zip(schema, columns))
                ],
                schema=schema,
            )
            con.execute(f"insert into {into} select * from batch")
    finally:
        cursor.close()
