"""``alsuite report``: comparison report of finished benchmarks, read back from MLflow."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from suite.cli._util import user_errors

__all__ = ["report_command"]


def report_command(
    targets: Annotated[list[str], typer.Argument(
        help="Parent run ids and/or experiment names; runs of one configuration are merged.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the report into.")] = Path("report"),
    tracking_uri: Annotated[
        str | None, typer.Option("--tracking-uri", help="MLflow tracking URI (default: MLFLOW_TRACKING_URI or ./mlflow.db).")
    ] = None,
    log: Annotated[bool, typer.Option(help="Also log the report as artifacts (report/) on the parent runs.")] = True,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap intervals.")] = 0,
) -> None:
    """Learning curves, gains with bootstrap intervals, curve areas, paired tests, cost-aware gain."""
    from suite.comparison import break_even_text, report_runs

    with user_errors():
        done = report_runs(list(targets), out=out, tracking_uri=tracking_uri, log=log, seed=seed)
    for report, folder in done:
        typer.echo(f"{report.runs.name}: {len(report.runs.parent_run_ids)} parent run(s), "
                   f"{report.runs.curves.repeat.nunique()} repeat(s) -> {folder}")
        if len(report.gains):
            typer.echo(report.gains.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        for row in report.significance.itertuples():
            shown = f"p = {row.p_value:.3g}" if row.p_value is not None else "no test"
            typer.echo(f"  {row.strategy} vs {row.baseline} ({row.quantity}): {shown}; {row.message}")
        for name, seconds in report.break_even.groupby("strategy", sort=False).break_even_seconds.median().items():
            typer.echo(f"  {break_even_text(str(name), float(seconds))} (median break-even)")
        for note in report.notes:
            typer.echo(f"  note: {note}")
