"""One stderr line per finished dbt node, from dbt's own events.

A dbtRunner callback receives every event of the invocation, from every dbt
thread, whatever the log level. Two of them are enough:

- ConcurrencyLine, fired once before the first node, carries the run's node
  count (dbt's own total, as in its `[ 1 of 221 ]` lines; hooks are not nodes);
- NodeFinished, fired as each node ends (built, passed, failed or skipped),
  carries the node and its run result.

A line looks like

    [ 37/221] int_orders_rolled_up ... 6.9 s (elapsed 0:42)
    [ 38/221] stg_aws_saas__rejected_order_lines ... ERROR 0.2 s (elapsed 0:42)

count done / total, the node's name, its status when it is not a success
(ERROR, FAIL, WARN, SKIP), its seconds, and the time since the printer was made.
Each line is flushed as it is written, so a scheduler's log shows it live.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

# Statuses that need no word: the node did what it should (exposures are "no-op").
QUIET_STATUSES = frozenset({"success", "pass", "no-op"})
STATUS_WORDS = {"skipped": "SKIP"}


def elapsed_text(seconds: float) -> str:
    """0:42, 12:05, 1:02:09."""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def progress_line(done: int, total: int | None, name: str, status: str, seconds: float, elapsed: float) -> str:
    count = f"{done:{len(str(total))}d}/{total}" if total else f"{done}/?"
    word = "" if status in QUIET_STATUSES else STATUS_WORDS.get(status, status.upper()) + " "
    return f"[{count}] {name} ... {word}{seconds:.1f} s (elapsed {elapsed_text(elapsed)})"


def progress_printer(stream: TextIO | None = None) -> Callable:
    """A dbtRunner callback that writes one progress line per finished node."""
    started = time.monotonic()
    lock = threading.Lock()  # nodes finish on dbt's worker threads
    state = {"done": 0, "total": None}

    def on_event(msg) -> None:
        name = msg.info.name
        if name == "ConcurrencyLine":
            state["total"] = msg.data.node_count
        elif name == "NodeFinished":
            result = msg.data.run_result
            with lock:
                state["done"] += 1
                line = progress_line(
                    state["done"],
                    state["total"],
                    msg.data.node_info.node_name,
                    result.status,
                    result.execution_time,
                    time.monotonic() - started,
                )
                try:
                    print(line, file=stream or sys.stderr, flush=True)
                except (OSError, ValueError):
                    # A closed or broken stderr must not fail the node: dbt turns
                    # an exception raised by a NodeFinished callback into a node error.
                    pass

    return on_event
