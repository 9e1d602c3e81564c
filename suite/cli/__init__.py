"""The ``alsuite`` command line: one module per command, each a thin wrapper."""

from __future__ import annotations

import typer

from suite.cli.bench import bench_command
from suite.cli.identify import identify_command
from suite.cli.list import list_command
from suite.cli.report import report_command
from suite.cli.run import run_command
from suite.cli.surrogate import surrogate_app
from suite.cli.tune import tune_command

__all__ = ["app", "main"]

app = typer.Typer(
    name="alsuite",
    help="Benchmark active learning against random sampling on physics decision boundaries.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("run")(run_command)
app.command("list")(list_command)
app.command("report")(report_command)
app.command("bench")(bench_command)
app.command("tune")(tune_command)
app.command("identify")(identify_command)
app.add_typer(surrogate_app, name="surrogate")


def main() -> None:
    """Console-script entry point."""
    app()
