"""The serving file: every mart in one DuckDB file among the exports, for BI tools.

A BI tool that keeps the warehouse file open blocks the nightly run (DuckDB lets
one process write a file, and none while another holds it). So the runner writes
the marts, read back from the run's Parquet exports, into a new file
`customer_value.duckdb` in the staging folder, which the atomic publish swaps in
with the other exports (customer_value.publishing). A tool holding the previous
file open keeps reading the previous marts, whole, and never blocks the run; a
new connection sees the new marts. The tables are in schema `marts`, as in the
warehouse, with the exports' column types.
"""

from __future__ import annotations

from pathlib import Path

SERVING_FILE = "customer_value.duckdb"
SCHEMA = "marts"


def write_serving_file(export_dir: Path) -> Path:
    """`export_dir/customer_value.duckdb` with a table per `<mart>.parquet` of `export_dir`."""
    import duckdb

    path = export_dir / SERVING_FILE
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute(f"create schema {SCHEMA}")
        for parquet in sorted(export_dir.glob("*.parquet")):
            source = "'" + str(parquet).replace("'", "''") + "'"
            con.execute(f'create table {SCHEMA}."{parquet.stem}" as select * from read_parquet({source})')
        con.execute("checkpoint")
    finally:
        con.close()
    return path
