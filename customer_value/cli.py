"""The `customer-value` command: one entry point for every job of the package.

    customer-value run [options]              load the input, dbt build, publish the exports
    customer-value load [options]             land the input's new lines, before a plain `dbt build`
    customer-value report EXPORT_DIR          write report.html again from exported marts
    customer-value generate-sample [options]  write a synthetic export of any size
    customer-value benchmark [options]        the build against its alternatives

`customer-value COMMAND --help` lists a command's options. `--project-dir DIR`
(before the command) names the dbt project; by default it is the current folder
when it holds dbt_project.yml, else the source checkout the package sits in.
"""

from __future__ import annotations

import argparse
import importlib
import os
from collections.abc import Callable

from customer_value.project import PROJECT_DIR_VARIABLE

# command -> (module whose main(argv) runs it, one line of help)
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("customer_value.runner", "load the input, run `dbt build`, publish the exports"),
    "load": ("customer_value.loader", "land the input's new lines in the raw tables (before a plain `dbt build`)"),
    "report": ("customer_value.report", "write report.html again from an export folder"),
    "generate-sample": ("customer_value.sample", "write a synthetic AWS SaaS Sales export"),
    "benchmark": ("customer_value.benchmark.cli", "measure the build against its alternatives"),
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command, the project folder, and the command's own arguments (left unparsed)."""
    parser = argparse.ArgumentParser(
        prog="customer-value",
        description="LRFM customer value segmentation on dbt.",
        epilog="\n".join(f"  {name:<16} {help_text}" for name, (_, help_text) in COMMANDS.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--project-dir", help="the dbt project (default: here, else the package's checkout)")
    parser.add_argument("command", choices=sorted(COMMANDS), metavar="COMMAND", help="one of the commands below")
    parser.add_argument("arguments", nargs=argparse.REMAINDER, help="the command's options (COMMAND --help)")
    return parser.parse_args(argv)


def command_main(name: str) -> Callable[[list[str] | None], int]:
    """The main(argv) of a command, imported only when it runs (dbt loads in seconds)."""
    return importlib.import_module(COMMANDS[name][0]).main


def main(argv: list[str] | None = None) -> int:
    """Dispatch to the command; returns its exit code."""
    args = parse_args(argv)
    if args.project_dir:
        os.environ[PROJECT_DIR_VARIABLE] = os.path.abspath(args.project_dir)
    return command_main(args.command)(args.arguments) or 0


def entry() -> None:
    """The console script: main() with the runner's interpreter speed-ups (publishing.run_fast)."""
    from customer_value.publishing import run_fast

    run_fast(main)
