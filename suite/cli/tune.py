"""``alsuite tune``: an Optuna study of the loop's sizes (paper Appendix A), tracked in MLflow."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from suite.cli._util import given_overrides, user_errors

__all__ = ["tune_command"]


def tune_command(
    source: Annotated[str, typer.Argument(help="Study profile (tune-quick, tune-fig8, tune-tpe) or YAML file.")] = "tune-quick",
    overrides: Annotated[
        list[str] | None,
        typer.Option("--set", "-s", help="Override a setting: key=value, e.g. tuning.sampler=tpe, "
                     "benchmark.repeats=3, tuning.space.size_sample.high=50000. An empty value keeps the profile's."),
    ] = None,
    trials: Annotated[int | None, typer.Option("--trials", "-n", min=1,
                      help="Total trials of the study, earlier runs included (not 'more').")] = None,
    storage: Annotated[str | None, typer.Option(
        "--storage", envvar="ALSUITE_STORAGE",
        help="Study storage: PATH.journal (default alsuite-studies.journal), postgresql://user@host/db "
             "(password from the URL or PGPASSWORD), or sqlite:///PATH (one worker).")] = None,
    study: Annotated[str | None, typer.Option("--study", help="Study name (default: tuning.study or the profile name).")] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Worker processes on this machine.")] = 1,
    tracking_uri: Annotated[
        str | None, typer.Option("--tracking-uri", help="MLflow tracking URI (default: MLFLOW_TRACKING_URI or ./mlflow.db).")
    ] = None,
    no_track: Annotated[bool, typer.Option("--no-track", help="Do not log to MLflow.")] = False,
) -> None:
    """Tune size_initial / size_sample / size_select with Optuna: TPE, random or the Fig. 8 grid."""
    from suite.tuning import load_study_config, run_study

    with user_errors():
        sets = given_overrides(overrides)
        if study:
            sets.append(f"tuning.study={study}")
        config = load_study_config(source, sets)
        tuning = config.tuning
        searched = ", ".join(tuning.searched)
        typer.echo(f"alsuite tune: study {config.study_name!r}, {tuning.sampler} over {searched}; "
                   f"{tuning.strategy} on {config.benchmark.dataset.name}, objectives {tuning.objectives}, "
                   f"{workers} worker(s)")
        summary = run_study(config, storage=storage, trials=trials, workers=workers,
                            tracking_uri=tracking_uri or os.environ.get("MLFLOW_TRACKING_URI"),
                            track=not no_track, echo=typer.echo)
    for cell, reason in summary.excluded:
        typer.echo(f"excluded {cell}: {reason}")
    states = ", ".join(f"{k.lower()} {v}" for k, v in sorted(summary.states.items()))
    typer.echo(f"study {summary.name!r} in {summary.storage}: {summary.n_trials} of {summary.total} trials ({states}); "
               f"{summary.ran_here} added now")
    for best in summary.best:
        typer.echo("best: " + ", ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in best.items()))
    if summary.parent_run_id:
        typer.echo(f"MLflow parent run {summary.parent_run_id}")
