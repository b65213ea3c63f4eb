"""The runner's progress on stderr (one line per finished node, quiet with
--quiet) and its one-line messages for failing nodes."""

from __future__ import annotations

import json
import re

import pytest

from customer_value import progress, runner

# [ 37/221] int_orders_rolled_up ... 6.9 s (elapsed 0:42), with a status word when not a success
PROGRESS_LINE = re.compile(
    r"\[ *(?P<done>\d+)/(?P<total>\d+)\] (?P<node>\S+) \.\.\. (?:(?P<status>[A-Z]+) )?"
    r"\d+\.\d s \(elapsed \d+:\d\d(?::\d\d)?\)"
)


def test_a_default_run_prints_one_progress_line_per_node_up_to_the_total(sample_run):
    lines = sample_run.stderr.strip().splitlines()
    matches = [PROGRESS_LINE.fullmatch(line) for line in lines]
    assert all(matches), [line for line, match in zip(lines, matches) if not match]

    total = int(matches[0]["total"])
    assert [int(m["done"]) for m in matches] == list(range(1, total + 1))  # the last line is [N/N]
    assert {int(m["total"]) for m in matches} == {total}
    assert {m["status"] for m in matches} == {None}  # every node succeeded: no status word
    # Every node of the run has its line; hooks (on-run-start/end) are not nodes.
    summary = json.loads((sample_run.output_dir / "run_summary.json").read_text())
    nodes = [n for n in summary["nodes"] if not n["unique_id"].startswith("operation.")]
    assert sorted(m["node"] for m in matches) == sorted(n["unique_id"].split(".")[2] for n in nodes)
    assert sample_run.stdout.startswith("built ") and len(sample_run.stdout.splitlines()) == 1


def test_quiet_prints_no_progress(run_pipeline):
    run = run_pipeline("--quiet", "--select", "+stg_aws_saas__order_lines")

    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert run.stdout.startswith("built ")


@pytest.mark.unit
def test_progress_lines_name_a_status_that_is_not_a_success():
    assert progress.progress_line(37, 181, "int_orders_rolled_up", "success", 6.94, 42.0) == (
        "[ 37/181] int_orders_rolled_up ... 6.9 s (elapsed 0:42)"
    )
    assert progress.progress_line(5, 181, "unique_x", "fail", 0.04, 3723) == (
        "[  5/181] unique_x ... FAIL 0.0 s (elapsed 1:02:03)"
    )
    assert progress.progress_line(9, 12, "int_y", "skipped", 0, 61) == "[ 9/12] int_y ... SKIP 0.0 s (elapsed 1:01)"
    assert progress.progress_line(12, 12, "stg_z", "error", 0.2, 5) == "[12/12] stg_z ... ERROR 0.2 s (elapsed 0:05)"


@pytest.mark.unit
def test_a_failing_node_message_is_its_first_line_without_dbts_wrapper():
    raised = (  # str() of the CompilationError a macro raises in a model's post-hook
        "Compilation Error in model stg_x (models/staging/stg_x.sql)\n"
        "  Reject rate 18.18% (2 of 11 lines) is above max_reject_rate 5.00%: 1 negative_sales.\n"
        "  \n"
        "  > in macro assert_reject_rate_within_threshold (macros/aws_saas/assert_reject_rate_within_threshold.sql)\n"
        "  > called by macro run_hooks (macros/materializations/hooks.sql)\n"
        "  > called by model stg_x (models/staging/stg_x.sql)"
    )
    assert runner.node_message(raised) == (
        "Reject rate 18.18% (2 of 11 lines) is above max_reject_rate 5.00%: 1 negative_sales."
    )
    database = "Runtime Error in model m (models/m.sql)\n  Binder Error: column x not found\n  LINE 3: select x"
    assert runner.node_message(database) == "Binder Error: column x not found"
    assert runner.node_message("Got 3 results, configured to fail if != 0") == (
        "Got 3 results, configured to fail if != 0"
    )
    assert runner.node_message(None) == ""
