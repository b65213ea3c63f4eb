"""The input's header checks, file by file: one implementation for every engine,
made by the loader (customer_value.loader) before it reads a file's lines.

For every file checked (in name order) the first problem found is one line naming
that file:

- a zero-byte file;
- CSV: the header line is read by itself (never through the sniffer's view of the
  whole file, so a damaged data line cannot make a present column look missing):
  a header that is not UTF-8 text, has binary bytes, has no delimiter DuckDB can
  find, cannot be read as CSV, lacks a required column or has one twice;
- Parquet: its schema lacks a required column or has one twice;
- a CSV file of a glob that spells a required column otherwise than the glob's first
  file (`row_id` against `Row ID`): DuckDB's reader matches a glob's files by their
  header names (case aside), as it must to keep the lines it cannot split;
- on Spark, a CSV file whose columns come in another order than the first file's:
  Spark reads every file of a glob by the first file's header, by position.

Then a full load's input as a whole must have at least one order line.
"""

from __future__ import annotations

import json
import os
import re

# The export's header, in its order; the raw tables name them in snake case
# (macros/aws_saas/aws_saas_raw_columns.sql lists those names for the models).
REQUIRED_COLUMNS = [
    "Row ID",
    "Order ID",
    "Order Date",
    "Date Key",
    "Contact Name",
    "Country",
    "City",
    "Region",
    "Subregion",
    "Customer",
    "Customer ID",
    "Industry",
    "Segment",
    "Product",
    "License",
    "Sales",
    "Quantity",
    "Discount",
    "Profit",
]
# How many lines are looked at for the header: blank lines before it are skipped, as DuckDB does.
HEAD_LINES = 100
BINARY_BYTES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SHOWN_CHARACTERS = 200


def quoted(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def header_key(name: str) -> str:
    """How header names are matched: case-insensitive, a space, an underscore or nothing between words."""
    return name.lower().replace(" ", "").replace("_", "")


def shown(text: str) -> str:
    """A header text as the message shows it: one line, binary bytes as `?`, at most 200 characters."""
    text = re.sub(r"[\x00-\x1f\x7f]", "?", text)
    return text if len(text) <= SHOWN_CHARACTERS else text[:SHOWN_CHARACTERS] + "..."


def raw_lines(file: str, skip: int = 0) -> str:
    """The file's lines as text, one column, without sniffing: a line that is not UTF-8 is left
    out (ignore_errors), a blank line is null. The delimiter is three control bytes no text has."""
    return (
        f"read_csv({quoted(file)}, auto_detect = false, header = false, columns = {{'line': 'VARCHAR'}},"
        " delim = chr(1) || chr(2) || chr(3), quote = '', escape = '', strict_mode = false,"
        f" ignore_errors = true, skip = {skip})"
    )


def header_fields(file: str) -> str:
    """The first line DuckDB's CSV reader makes of the file, as a JSON list of texts (nulls where empty)."""
    return (
        "select to_json(list_value(*columns(*))) from (select * from read_csv("
        f"{quoted(file)}, header = false, all_varchar = true, null_padding = true, ignore_errors = true) limit 1)"
    )


def header_is_line_sql(file: str, lead: int) -> str:
    """Whether the first text line read (after `lead` blank lines) is the file's line `lead + 1`
    rather than a later one, and whether a line follows it."""
    after_header = f"(select line from {raw_lines(file, lead + 1)} where line is not null limit 1)"
    return (
        f"select (select line from {raw_lines(file)} where line is not null limit 1 offset 1)"
        f" is not distinct from {after_header} as header_is_line, {after_header} is not null as has_lines"
    )


def column_problem(found: list[str], written: list[str] | None = None) -> str | None:
    """A required column missing from the names `found`, or present more than once among the
    names as `written` (the same list for a CSV header; a Parquet file's schema, where DuckDB
    renames a repeated name `Profit_1` in `found`)."""
    found_keys = {header_key(name) for name in found}
    written_keys = [header_key(name) for name in (found if written is None else written)]
    for required in REQUIRED_COLUMNS:
        if header_key(required) not in found_keys:
            return f"required column '{required}' is missing (found: {shown(', '.join(found))})"
        positions = [index + 1 for index, key in enumerate(written_keys) if key == header_key(required)]
        if len(positions) > 1:
            times = "twice" if len(positions) == 2 else f"{len(positions)} times"
            return (
                f"column '{required}' appears {times} (columns "
                f"{', '.join(str(p) for p in positions[:-1])} and {positions[-1]})"
            )
    return None


def csv_header(con, file: str) -> tuple[str | None, bool, list[str]]:
    """(the problem of a CSV file's header or None, whether an order line follows it, its names)."""
    head = json.loads(
        con.execute(
            f"select to_json(list(line)) from (select line from {raw_lines(file)} limit {HEAD_LINES})"
        ).fetchone()[0]
        or "[]"
    )
    lead = next((index for index, line in enumerate(head) if line is not None), None)
    if lead is None:
        if not head:
            return "no line of the file can be read as UTF-8 text (a binary file, or another encoding?)", False, []
        return "no header: " + (f"lines 1 to {len(head)} are" if len(head) > 1 else "line 1 is") + " blank", False, []
    header = head[lead]
    # A line that is not UTF-8 is left out, so the header is that line only when the first line
    # after it in the file (skip counts every line) is the next line read.
    header_is_line, has_lines = con.execute(header_is_line_sql(file, lead)).fetchone()
    if not header_is_line:
        return f"the header (line {lead + 1}) is not UTF-8 text (a binary file, or another encoding?)", False, []
    if BINARY_BYTES.search(header):
        return f"not a CSV text file: the header (line {lead + 1}) has binary bytes", False, []
    fields = json.loads(con.execute(header_fields(file)).fetchone()[0] or "[]")
    found = [field for field in fields if field is not None]
    unquoted = header.replace('"', "")
    if not found or any(name.replace('"', "") not in unquoted for name in found):
        return f"the header (line {lead + 1}) cannot be read as CSV: {shown(header)}", False, []
    if len(found) == 1 and len(REQUIRED_COLUMNS) > 1:
        return (
            (
                "DuckDB cannot find the delimiter between the header's names (a comma, semicolon, tab or pipe):"
                f" it reads one column '{shown(found[0])}'"
            ),
            False,
            [],
        )
    return column_problem(found), has_lines, found


def spelling_problem(first: tuple[str, dict[str, str]], names: dict[str, str]) -> str | None:
    """A required column this file spells otherwise than the glob's first file (case aside), or None."""
    first_file, first_names = first
    for required in REQUIRED_COLUMNS:
        key = header_key(required)
        if names[key].lower() != first_names[key].lower():
            return (
                f"column '{shown(names[key])}' is spelled '{shown(first_names[key])}' in '{first_file}'"
                " (the files of a CSV glob are matched by their header names)"
            )
    return None


def parquet_problem(con, file: str) -> tuple[str | None, bool]:
    """(the problem of a Parquet file's schema or None, whether it has rows)."""
    # describe: the top-level columns, a repeated name renamed (`Profit_1`);
    # parquet_schema: the names as written (the leaves, without children).
    found = [name for name, *_ in con.execute(f"describe select * from read_parquet({quoted(file)})").fetchall()]
    written = [
        name
        for (name,) in con.execute(
            f"select name from parquet_schema({quoted(file)}) where num_children is null"
        ).fetchall()
    ]
    problem = column_problem(found, written)
    rows = con.execute(f"select count(*) > 0 from (select 1 from read_parquet({quoted(file)}) limit 1)").fetchone()[0]
    return problem, bool(rows)


SNIFF_ERROR = re.compile(r'Error when sniffing file "(.*)"')


def sniff_problem(message: str) -> str | None:
    """DuckDB's "Error when sniffing file" as one line that names the file and the usual cause, or None."""
    sniffed = SNIFF_ERROR.search(message)
    if not sniffed:
        return None
    return (
        f"Input file '{sniffed.group(1)}': DuckDB cannot detect how the file is written (its delimiter"
        " and quoting); a quote that opens a field and never closes (a broken quote) is the usual cause"
    )


def files_problem(
    con,
    files: list[str],
    reference: str | None = None,
    require_lines: bool = True,
    input_name: str | None = None,
) -> str | None:
    """The first problem of `files` (in name order) as one line naming its file, or None.

    `reference`: a CSV file read before (the glob's first) whose header spelling the
    files must share; `require_lines`: the files together must hold an order line;
    `input_name`: the input (a file or a glob) as the no-order-lines message names it.
    `con` is a DuckDB connection; its errors on a file it cannot read at all (e.g. a
    file named .parquet that is not Parquet) name the file and are left to the caller.
    """
    any_lines = False
    first: tuple[str, list[str]] | None = None  # a CSV glob's first file and its names
    if reference is not None and not reference.lower().endswith(".parquet"):
        _, _, reference_found = csv_header(con, reference)
        first = (reference, reference_found)
    for file in files:
        if os.path.getsize(file) == 0:
            return f"Input file '{file}': file is empty"
        if file.lower().endswith(".parquet"):
            problem, has_lines = parquet_problem(con, file)
        else:
            problem, has_lines, found = csv_header(con, file)
            if not problem:
                if first is None:
                    first = (file, found)
                else:
                    names = {header_key(name): name for name in found}
                    problem = spelling_problem((first[0], {header_key(n): n for n in first[1]}), names)
        if problem:
            return f"Input file '{file}': {problem}"
        any_lines = any_lines or has_lines
    if require_lines and files and not any_lines:
        return f"Input file '{input_name or files[0]}': file has a header but no order lines"
    return None


def input_problem(con, path: str) -> str | None:
    """The first problem of the input `path` (a file or a glob, every file checked) as one line, or None."""
    files = [file for (file,) in con.execute(f"select file from glob({quoted(path)}) order by file").fetchall()]
    if not files:
        return f"Input file '{path}': file not found"
    return files_problem(con, files, input_name=path)
