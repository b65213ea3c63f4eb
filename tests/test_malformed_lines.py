"""Lines the CSV reader cannot split are rejected lines (docs/cleaning.md): a line with too
many or too few fields, bytes that are not UTF-8 or a garbage line lands in
stg_aws_saas__rejected_order_lines as `malformed_line`, with its position, its line
in the file and its text, and every other line builds as before. A broken quote,
which makes the reader take the lines after it into one field, stops the run with
one line naming it rather than losing those lines unseen. (Whether the reader
reads quotes at all is the sniffer's call from the lines it samples: a stray quote
in a file without quoted fields is text, kept as it is.)
"""

from __future__ import annotations

import filecmp

import pytest
from conftest import SAMPLE_CSV, run_pipeline_in
from test_input_headers import DAMAGED_LINES, GOOD_TEXT, damaged_file
from test_staging import HEADER, line, query, write_csv

REJECTS_SQL = (
    "select source_line_number, source_file_line, reject_reason, raw_line"
    " from staging.stg_aws_saas__rejected_order_lines order by source_line_number"
)
CLEAN_IDS_SQL = "select row_id, source_line_number from staging.stg_aws_saas__order_lines order by row_id"

# case -> (position among the data lines, line in the file, the text the reader recovers)
MALFORMED = {
    "twenty_fields_first_line": (1, 2, DAMAGED_LINES["twenty_fields_first_line"][0]),
    "twenty_fields_later": (31, 32, DAMAGED_LINES["twenty_fields_later"][30]),
    "truncated_first_line": (1, 2, GOOD_TEXT[0][:40]),
    # two blank lines, then the garbage: blank lines are not data lines
    "trailing_garbage": (41, 44, "%%%% end of export ~~~"),
    # the reader shows the bad byte, and the byte after it it took for part of it, as `?`
    "not_utf8_first_line": (1, 2, GOOD_TEXT[0].replace("Nathan", "Nath??")),
    "not_utf8_later": (31, 32, GOOD_TEXT[30].replace("Nathan", "Nath??")),
}


def staging_run(tmp_path, input_path, *args):
    return run_pipeline_in(
        tmp_path / "run", "--select", "staging", "--vars", "{max_reject_rate: 1}", *args, input_path=input_path
    )


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_line_the_reader_cannot_split_is_a_malformed_line_reject(tmp_path, case):
    position, file_line, text = MALFORMED[case]
    run = staging_run(tmp_path, damaged_file(tmp_path, case))

    assert run.returncode == 0, run.stderr[-3000:]
    assert query(run.warehouse, REJECTS_SQL) == [(position, file_line, "malformed_line", text)]
    # Every other line is clean, at its own position: the damaged line keeps its place.
    good_ids = [i for i in range(1, 41) if i != position]
    assert query(run.warehouse, CLEAN_IDS_SQL) == [(i, i) for i in good_ids]


def test_no_line_is_lost_and_the_reader_says_why(tmp_path):
    run = staging_run(tmp_path, damaged_file(tmp_path, "twenty_fields_later"), "--unit-tests")

    assert run.returncode == 0, run.stderr[-3000:]  # with the raw = clean + rejected data test
    assert query(run.warehouse, "select reader_error from staging.stg_aws_saas__rejected_order_lines") == [
        ("TOO MANY COLUMNS - Expected Number of Columns: 19 Found: 20",)
    ]
    counts = query(
        run.warehouse,
        "select (select count(*) from staging.stg_aws_saas__order_lines),"
        " (select count(*) from staging.stg_aws_saas__rejected_order_lines)",
    )
    assert counts == [(39, 1)]


def test_malformed_lines_in_a_glob_are_numbered_across_its_files(tmp_path):
    folder = tmp_path / "landing"
    folder.mkdir()
    write_csv(folder / "day1.csv", [line(i) for i in range(1, 11)])
    day2 = [",".join(HEADER)] + [",".join(line(i)[name] for name in HEADER) for i in range(11, 21)]
    day2[3] = day2[3] + ",extra"  # the third data line of day 2: position 13 of the input
    (folder / "day2.csv").write_text("\n".join(day2) + "\n")

    run = staging_run(tmp_path, folder / "day*.csv")

    assert run.returncode == 0, run.stderr[-3000:]
    assert query(
        run.warehouse,
        "select source_file, source_line_number, source_file_line, reject_reason"
        " from staging.stg_aws_saas__rejected_order_lines",
    ) == [(str(folder / "day2.csv"), 13, 4, "malformed_line")]
    assert query(run.warehouse, CLEAN_IDS_SQL) == [(i, i) for i in range(1, 21) if i != 13]


def test_a_glob_file_that_spells_a_column_otherwise_exits_2_naming_it(tmp_path):
    folder = tmp_path / "landing"
    folder.mkdir()
    write_csv(folder / "day1.csv", [line(i) for i in range(1, 11)])
    snake = [name.lower().replace(" ", "_") for name in HEADER]
    write_csv(
        folder / "day2.csv",
        [{s: row[h] for s, h in zip(snake, HEADER)} for row in [line(i) for i in range(11, 21)]],
        header=snake,
    )

    run = run_pipeline_in(tmp_path / "run", input_path=folder / "day*.csv")

    assert run.returncode == 2
    assert run.stderr.strip().splitlines()[-1] == (
        f"error: Input file '{folder / 'day2.csv'}': column 'row_id' is spelled 'Row ID' in "
        f"'{folder / 'day1.csv'}' (the files of a CSV glob are matched by their header names)"
    )


def test_a_broken_quote_past_the_sniffed_lines_exits_2_naming_its_line(tmp_path):
    # Quoted names early make the sniffer read quotes; past the lines it samples, a
    # quote opens the Customer field of line 22001 and the next quoted name, nine
    # lines on, closes it: the reader took the lines between into that one field.
    rows = [line(i) for i in range(1, 25_001)]
    rows[4]["Customer"] = rows[22_009]["Customer"] = "Chevron, Inc."  # written quoted
    source = write_csv(tmp_path / "broken_quote.csv", rows)
    lines = source.read_text().split("\n")
    lines[22_000] = lines[22_000].replace(",Chevron,", ',"Chevron,')
    source.write_text("\n".join(lines))

    run = run_pipeline_in(tmp_path / "run", "--select", "staging", input_path=source)

    # The loader stops before anything is landed: an unreadable input, exit 2.
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        f"error: Input file '{source}': line 22001 opens a quoted"
        " field that runs over the lines after it (a broken quote?), so the reader cannot tell which of them"
        " are order lines; close or remove that quote"
    ]


def test_a_broken_quote_the_sniffer_trips_on_exits_2_with_one_line(tmp_path):
    raw = SAMPLE_CSV.read_bytes().rstrip(b"\n").split(b"\n")
    broken = raw[:5001] + [raw[1].replace(b"Hannah Turner", b'"Hannah Turner')] + raw[5001:]
    source = tmp_path / "broken_quote.csv"
    source.write_bytes(b"\n".join(broken) + b"\n")

    run = run_pipeline_in(tmp_path / "run", input_path=source)

    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        f"error: Input file '{source}': DuckDB cannot detect how the file is written (its delimiter and quoting);"
        " a quote that opens a field and never closes (a broken quote) is the usual cause"
    ]


def test_damaged_lines_leave_every_mart_as_the_clean_file_makes_it(tmp_path):
    # The sample with damaged lines added: its marts must be the sample's, byte for byte.
    raw = SAMPLE_CSV.read_bytes().rstrip(b"\n").split(b"\n")
    header, data = raw[0], raw[1:]
    damaged = (
        [header]
        + data[:10]
        + [data[9] + b",extra"]
        + data[10:20]
        + [data[19][:40]]
        + data[20:30]
        + [data[29].replace(b",", b",\xff", 1)]
        + data[30:]
        + [b"", b"", b"garbage"]
    )
    source = tmp_path / "damaged.csv"
    source.write_bytes(b"\n".join(damaged) + b"\n")

    clean = run_pipeline_in(tmp_path / "clean")
    run = run_pipeline_in(tmp_path / "damaged", input_path=source)

    assert clean.returncode == 0 and run.returncode == 0, run.stderr[-3000:]
    assert query(
        run.warehouse,
        "select source_line_number, source_file_line, reject_reason"
        " from staging.stg_aws_saas__rejected_order_lines order by 1",
    ) == [
        (11, 12, "malformed_line"),
        (22, 23, "malformed_line"),
        (33, 34, "malformed_line"),
        (len(data) + 4, len(data) + 7, "malformed_line"),
    ]
    marts = sorted(
        path.name
        for path in clean.output_dir.iterdir()
        if path.suffix in (".csv", ".parquet") and path.name != "run_summary.json"
    )
    assert marts and sorted(p.name for p in run.output_dir.iterdir() if p.suffix in (".csv", ".parquet")) == marts
    _, mismatched, errors = filecmp.cmpfiles(clean.output_dir, run.output_dir, marts, shallow=False)
    assert (mismatched, errors) == ([], [])
