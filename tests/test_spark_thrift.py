"""The export's read of a Spark Thrift server (customer_value/engines/spark_thrift.py):
rows come in batches of `fetchmany`, never all in one list, and land in DuckDB with
their types; text columns keep decimals exact. In-process, with a stand-in cursor."""

from __future__ import annotations

import datetime as dt
import decimal

import duckdb
import pytest

from customer_value.engines import spark_thrift

pytestmark = pytest.mark.unit


class FakeCursor:
    """A PyHive cursor over fixed rows; fails on fetchall."""

    def __init__(self, description, rows):
        self.description = description
        self.rows = rows
        self.fetches = []
        self.arraysize = 1
        self.closed = False

    def execute(self, sql):
        self.sql = sql

    def fetchmany(self, size):
        self.fetches.append(size)
        batch, self.rows = self.rows[:size], self.rows[size:]
        return batch

    def fetchall(self):
        raise AssertionError("fetchall reads every row into one list")

    def close(self):
        self.closed = True


class FakeConnection:
    def __init__(self, cursor):
        self._cursor = cursor

    def cursor(self):
        return self._cursor


DESCRIPTION = [
    ("mart.customer_id", "STRING_TYPE", None, None, None, None, True),
    ("mart.orders", "BIGINT_TYPE", None, None, None, None, True),
    ("mart.profit", "DOUBLE_TYPE", None, None, None, None, True),
    ("mart.monetary", "DECIMAL_TYPE", None, None, None, None, True),
    ("mart.first_order", "DATE_TYPE", None, None, None, None, True),
    ("mart.is_active", "BOOLEAN_TYPE", None, None, None, None, True),
]


def test_rows_come_in_batches_into_duckdb_with_their_types(monkeypatch):
    monkeypatch.setattr(spark_thrift, "BATCH_ROWS", 2)
    rows = [
        (
            f"C{i}",
            i,
            i / 3,
            decimal.Decimal("1E+2") if i == 0 else decimal.Decimal(f"{i}.10"),
            dt.date(2024, 1, i + 1),
            i % 2 == 0,
        )
        for i in range(5)
    ] + [(None, None, None, None, None, None)]
    cursor = FakeCursor(DESCRIPTION, rows)
    con = duckdb.connect()

    spark_thrift.fetch_into(FakeConnection(cursor), con, "select * from marts.m", "fetched")

    assert cursor.fetches == [2, 2, 2, 2] and cursor.closed
    assert con.execute(
        "select column_name, data_type from information_schema.columns where table_name = 'fetched'"
    ).fetchall() == [
        ("customer_id", "VARCHAR"),
        ("orders", "BIGINT"),
        ("profit", "DOUBLE"),
        ("monetary", "VARCHAR"),
        ("first_order", "VARCHAR"),
        ("is_active", "BOOLEAN"),
    ]
    fetched = con.execute("select * from fetched order by orders nulls last").fetchall()
    assert fetched[0] == ("C0", 0, 0.0, "100", "2024-01-01", True)
    assert fetched[4] == ("C4", 4, 4 / 3, "4.10", "2024-01-05", True)
    assert fetched[5] == (None,) * 6


def test_an_empty_result_is_an_empty_table():
    con = duckdb.connect()
    spark_thrift.fetch_into(FakeConnection(FakeCursor(DESCRIPTION[:2], [])), con, "select 1", "fetched")
    assert con.execute("select count(*) from fetched").fetchone() == (0,)


def test_a_session_the_server_fails_to_close_does_not_fail_the_run():
    class FailingClose:
        closed = False

        def close(self):
            self.closed = True
            raise RuntimeError("TCloseSessionResp(... NoClassDefFoundError: .../LlapSigner$Signable)")

    connection = FailingClose()
    spark_thrift.close_quietly(connection)
    assert connection.closed
