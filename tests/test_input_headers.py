"""Headers are checked file by file (docs/cleaning.md): for a glob, the bad file is the one
named; a required column twice, a header that cannot be read, are one line naming
the file; a damaged data line never makes a present column look missing.

One implementation for every engine: the loader's check (customer_value/input_headers.py),
tested in-process on every case, and end to end through the runner on each engine.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR, run_pipeline_in
from test_engines import require
from test_staging import HEADER, line, write_csv

from customer_value import loader
from customer_value.engines import InputError

GOOD_LINES = [line(i) for i in range(1, 41)]
FOUND_WITHOUT_PROFIT = ", ".join(HEADER[:-1])


def text_lines(rows: list[dict[str, str]]) -> list[str]:
    return [",".join(row[name] for name in HEADER) for row in rows]


def write_text(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def write_parquet(path: Path, csv_path: Path) -> Path:
    with duckdb.connect() as con:
        con.execute(f"copy (select * from read_csv('{csv_path}', all_varchar = true)) to '{path}' (format parquet)")
    return path


def glob_second_lacks_profit(tmp: Path):
    write_csv(tmp / "part1.csv", GOOD_LINES[:20])
    second = write_csv(tmp / "part2.csv", GOOD_LINES[20:], header=HEADER[:-1])
    return tmp / "part*.csv", second, f"required column 'Profit' is missing (found: {FOUND_WITHOUT_PROFIT})"


def glob_second_renames_profit(tmp: Path):
    write_csv(tmp / "part1.csv", GOOD_LINES[:20])
    second = write_text(tmp / "part2.csv", [",".join(HEADER[:-1] + ["Margin"])] + text_lines(GOOD_LINES[20:]))
    return (tmp / "part*.csv", second, f"required column 'Profit' is missing (found: {FOUND_WITHOUT_PROFIT}, Margin)")


def glob_second_empty(tmp: Path):
    write_csv(tmp / "part1.csv", GOOD_LINES[:20])
    second = tmp / "part2.csv"
    second.write_bytes(b"")
    return tmp / "part*.csv", second, "file is empty"


def glob_second_parquet_lacks_profit(tmp: Path):
    write_parquet(tmp / "part1.parquet", write_csv(tmp / "one.csv", GOOD_LINES[:20]))
    second = write_parquet(tmp / "part2.parquet", write_csv(tmp / "two.csv", GOOD_LINES[20:], header=HEADER[:-1]))
    return tmp / "part*.parquet", second, f"required column 'Profit' is missing (found: {FOUND_WITHOUT_PROFIT})"


def two_profit_columns(tmp: Path):
    path = write_text(
        tmp / "two_profits.csv", [",".join(HEADER + ["Profit"])] + [text + ",1.0" for text in text_lines(GOOD_LINES)]
    )
    return path, path, "column 'Profit' appears twice (columns 19 and 20)"


def profit_and_lowercase_profit(tmp: Path):
    # DuckDB's reader would name the second one `profit_1`, and the source read the first.
    path = write_text(
        tmp / "profit_twice.csv", [",".join(["profit"] + HEADER)] + ["1.0," + text for text in text_lines(GOOD_LINES)]
    )
    return path, path, "column 'Profit' appears twice (columns 1 and 20)"


def row_id_twice_spelled_apart(tmp: Path):
    path = write_text(
        tmp / "row_id_twice.csv", [",".join(HEADER + ["row_id"])] + [text + ",9" for text in text_lines(GOOD_LINES)]
    )
    return path, path, "column 'Row ID' appears twice (columns 1 and 20)"


def glob_second_has_profit_twice(tmp: Path):
    write_csv(tmp / "part1.csv", GOOD_LINES[:20])
    second = write_text(
        tmp / "part2.csv", [",".join(HEADER + ["Profit"])] + [text + ",1.0" for text in text_lines(GOOD_LINES[20:])]
    )
    return tmp / "part*.csv", second, "column 'Profit' appears twice (columns 19 and 20)"


def binary_named_csv(tmp: Path):
    path = tmp / "sales.csv"  # a PNG image under a CSV name
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 20)
    return path, path, "the header (line 1) is not UTF-8 text (a binary file, or another encoding?)"


def zip_named_csv(tmp: Path):
    path = tmp / "sales.csv"  # an .xlsx (a zip) under a CSV name: its first line is ASCII and control bytes
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + b"[Content_Types].xml" + b"\x00" * 40)
    return path, path, "not a CSV text file: the header (line 1) has binary bytes"


def latin1_header(tmp: Path):
    path = write_text(
        tmp / "latin1.csv",
        [",".join(HEADER).replace("Contact Name", "Contact Name (Vertrieb für)")] + text_lines(GOOD_LINES),
        encoding="latin-1",
    )
    return path, path, "the header (line 1) is not UTF-8 text (a binary file, or another encoding?)"


def undetectable_delimiter(tmp: Path):
    path = write_text(
        tmp / "hashes.csv", [text.replace(",", "#") for text in [",".join(HEADER)] + text_lines(GOOD_LINES)]
    )
    return (
        path,
        path,
        (
            "DuckDB cannot find the delimiter between the header's names (a comma, semicolon, tab or pipe):"
            f" it reads one column '{'#'.join(HEADER)}'"
        ),
    )


# name -> (tmp folder -> (input path or glob, the file the line names, the problem))
UNREADABLE = {
    "glob_second_lacks_profit": glob_second_lacks_profit,
    "glob_second_renames_profit": glob_second_renames_profit,
    "glob_second_empty": glob_second_empty,
    "glob_second_parquet_lacks_profit": glob_second_parquet_lacks_profit,
    "glob_second_has_profit_twice": glob_second_has_profit_twice,
    "two_profit_columns": two_profit_columns,
    "profit_and_lowercase_profit": profit_and_lowercase_profit,
    "row_id_twice_spelled_apart": row_id_twice_spelled_apart,
    "binary_named_csv": binary_named_csv,
    "zip_named_csv": zip_named_csv,
    "latin1_header": latin1_header,
    "undetectable_delimiter": undetectable_delimiter,
}


def _replace_line(rows_text: list[str], index: int, text: str) -> list[str]:
    return rows_text[:index] + [text] + rows_text[index + 1 :]


# Damaged data lines under a good header: never a header problem (staging rejects
# a line the reader cannot split as a `malformed_line`: tests/test_malformed_lines.py).
# The first data line is damaged where that is the hardest case for a reader that
# sniffs the file.
GOOD_TEXT = text_lines(GOOD_LINES)
DAMAGED_LINES = {
    "twenty_fields_first_line": _replace_line(GOOD_TEXT, 0, GOOD_TEXT[0].replace("Chevron", "Chevron, Inc.")),
    "twenty_fields_later": _replace_line(GOOD_TEXT, 30, GOOD_TEXT[30].replace("Chevron", "Chevron, Inc.")),
    "truncated_first_line": _replace_line(GOOD_TEXT, 0, GOOD_TEXT[0][:40]),
    "stray_quote_first_line": _replace_line(GOOD_TEXT, 0, GOOD_TEXT[0].replace("Chevron", '"Chevron')),
    "trailing_garbage": GOOD_TEXT + ["", "", "%%%% end of export ~~~"],
    "semicolons": [text.replace(",", ";") for text in GOOD_TEXT],
}
DAMAGED_BYTES = {  # lines as bytes, for what a text cannot hold
    "not_utf8_first_line": [GOOD_TEXT[0].replace("Nathan", "Nath\xe1n").encode("latin-1")],
    "not_utf8_later": [text.encode() for text in GOOD_TEXT[:30]]
    + [GOOD_TEXT[30].replace("Nathan", "Nath\xe1n").encode("latin-1")]
    + [text.encode() for text in GOOD_TEXT[31:]],
    "nul_byte": [GOOD_TEXT[0].replace("Chevron", "Chev\x00ron").encode()] + [t.encode() for t in GOOD_TEXT[1:]],
}


def damaged_file(tmp: Path, name: str) -> Path:
    path = tmp / f"{name}.csv"
    header = ",".join(HEADER)
    if name in DAMAGED_BYTES:
        lines = DAMAGED_BYTES[name]
        if name == "not_utf8_first_line":
            lines = lines + [text.encode() for text in GOOD_TEXT[1:]]
        path.write_bytes(b"\n".join([header.encode()] + lines) + b"\n")
    elif name == "semicolons":
        write_text(path, [header.replace(",", ";")] + DAMAGED_LINES[name])
    else:
        write_text(path, [header] + DAMAGED_LINES[name])
    return path


def gzip_file(tmp: Path) -> Path:
    path = tmp / "lines.csv.gz"
    path.write_bytes(gzip.compress(("\n".join([",".join(HEADER)] + GOOD_TEXT) + "\n").encode()))
    return path


def checked(path: Path | str) -> str | None:
    """What the loader's check says of `path`: None, or its one line."""
    with duckdb.connect() as con:
        try:
            loader.check_input(con, str(path))
        except InputError as error:
            return str(error)
    return None


# ---------------------------------------------------------------- the loader's check


@pytest.mark.unit
@pytest.mark.parametrize("case", list(UNREADABLE))
def test_the_loader_check_names_the_file_and_the_problem(tmp_path, case):
    input_path, bad_file, problem = UNREADABLE[case](tmp_path)

    assert checked(input_path) == f"Input file '{bad_file}': {problem}"


@pytest.mark.unit
@pytest.mark.parametrize("case", [*DAMAGED_LINES, *DAMAGED_BYTES])
def test_a_damaged_data_line_is_no_header_problem(tmp_path, case):
    assert checked(damaged_file(tmp_path, case)) is None


@pytest.mark.unit
def test_odd_but_good_files_pass_the_loader_check(tmp_path):
    write_csv(tmp_path / "part1.csv", GOOD_LINES[:20])
    write_csv(tmp_path / "part2.csv", GOOD_LINES[20:], header=list(reversed(HEADER)))  # another column order
    assert checked(tmp_path / "part*.csv") is None
    assert checked(write_csv(tmp_path / "bom.csv", GOOD_LINES, encoding="utf-8-sig", newline="\r\n")) is None
    assert checked(gzip_file(tmp_path)) is None
    quoted = write_text(tmp_path / "quoted.csv", [",".join(f'"{name}"' for name in HEADER)] + GOOD_TEXT)
    assert checked(quoted) is None
    snake = write_text(tmp_path / "snake.csv", [",".join(h.lower().replace(" ", "_") for h in HEADER)] + GOOD_TEXT)
    assert checked(snake) is None
    leading_blanks = write_text(tmp_path / "blanks.csv", ["", "", ",".join(HEADER)] + GOOD_TEXT)
    assert checked(leading_blanks) is None


@pytest.mark.unit
def test_the_models_list_the_raw_columns_the_loader_lands():
    macro = (PROJECT_DIR / "macros" / "aws_saas" / "aws_saas_raw_columns.sql").read_text(encoding="utf-8")
    listed = macro[macro.index("return([") : macro.index("])")]
    names = [name.strip(" '\n") for name in listed.removeprefix("return([").split(",") if name.strip()]
    assert names == loader.RAW_COLUMNS == [loader.raw_column_name(header) for header in HEADER]


# ---------------------------------------------------------------- end to end


def one_error_line(run) -> str:
    assert run.returncode == 2, run.stderr[-3000:]
    assert "Traceback" not in run.stdout + run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr[-3000:]
    return lines[0]


# End to end: the runner stops at the loader's check, one case per kind of file
# (every case is checked in-process above).
@pytest.mark.parametrize("case", ["glob_second_lacks_profit", "glob_second_parquet_lacks_profit", "zip_named_csv"])
def test_unreadable_headers_exit_2_naming_the_file_on_duckdb(tmp_path, case):
    input_path, bad_file, problem = UNREADABLE[case](tmp_path)

    run = run_pipeline_in(tmp_path / "run", input_path=input_path)

    assert one_error_line(run) == f"error: Input file '{bad_file}': {problem}"


@pytest.mark.parametrize("case", ["twenty_fields_first_line", "not_utf8_first_line"])
def test_a_damaged_data_line_passes_the_loader_on_duckdb(tmp_path, case):
    # Only the seed is built: the loader alone decides the outcome.
    run = run_pipeline_in(tmp_path / "run", "--select", "lrfm_action_playbook", input_path=damaged_file(tmp_path, case))

    assert run.returncode == 0, run.stderr[-3000:]


@pytest.mark.parametrize("case", ["glob_second_lacks_profit", "binary_named_csv"])
def test_unreadable_headers_exit_2_naming_the_file_on_postgres(tmp_path, case):
    require("postgres")
    input_path, bad_file, problem = UNREADABLE[case](tmp_path)

    run = run_pipeline_in(tmp_path / "run", "--target", "postgres", input_path=input_path)

    assert one_error_line(run) == f"error: Input file '{bad_file}': {problem}"


@pytest.mark.parametrize("case", ["glob_second_lacks_profit"])
def test_a_bad_csv_file_of_a_glob_exits_2_naming_it_on_spark(tmp_path, case):
    # Spark takes a glob's column names from its first file: the loader checks each
    # file's own header before Spark reads any.
    require("spark")
    input_path, bad_file, problem = UNREADABLE[case](tmp_path)

    run = run_pipeline_in(tmp_path / "run", "--target", "spark", input_path=input_path)

    # The JVM's own notice of its incubator modules comes before any line of the runner's.
    run.stderr = "\n".join(text for text in run.stderr.splitlines() if not text.startswith("WARNING: Using incubator"))
    assert one_error_line(run) == f"error: Input file '{bad_file}': {problem}"
