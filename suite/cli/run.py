"""``alsuite run``: run a benchmark from a profile or YAML file and track it in MLflow."""

from __future__ import annotations

from typing import Annotated

import typer

from suite.cli._util import given_overrides, user_errors

__all__ = ["run_command"]


def run_command(
    source: Annotated[
        str | None, typer.Argument(help="Profile name (see `alsuite list`) or YAML file (default: quick).")
    ] = None,
    overrides: Annotated[
        list[str] | None,
        typer.Option("--set", "-s", help="Override a setting: key=value (dotted keys, e.g. forest.n_estimators=20). "
                     "An empty value keeps the profile's setting."),
    ] = None,
    repeat: Annotated[
        list[int] | None, typer.Option("--repeat", help="Run only these repeat indices (default: all).")
    ] = None,
    tracking_uri: Annotated[
        str | None,
        typer.Option("--tracking-uri", help="MLflow tracking URI (default: MLFLOW_TRACKING_URI or ./mlflow.db)."),
    ] = None,
    no_track: Annotated[bool, typer.Option("--no-track", help="Do not log to MLflow.")] = False,
    scale_sizes: Annotated[bool, typer.Option(
        "--scale-sizes", help="Scale the loop sizes by (free parameters / 19)^2, as the paper's companion code did.")] = False,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    resume: Annotated[
        str | None, typer.Option("--resume", help="Continue the interrupted benchmark with this parent run id "
                                 "(its saved configuration is used; an empty value starts a new run).")
    ] = None,
) -> None:
    """Run a benchmark: every strategy on every repeat, logged to MLflow."""
    from datasets.oracles import OracleError
    from datasets.registry import DATASETS
    from suite.benchmark import run_benchmark
    from suite.config import load_config
    from suite.interrupt import BenchmarkInterrupted
    from suite.reports import format_summary
    from suite.resume import ResumingTracker, resume_config
    from suite.tracking import Tracker

    resume = (resume or "").strip() or None
    with user_errors():
        given = given_overrides(overrides)
        if resume and no_track:
            raise ValueError("--resume continues a tracked run; drop --no-track.")
        if resume and scale_sizes:
            raise ValueError("--scale-sizes is already part of a resumed run's saved settings; drop it.")
        if resume:
            config = resume_config(resume, source, given)
            tracker: Tracker | None = ResumingTracker(config, resume, tracking_uri=tracking_uri)
        else:
            config = load_config(source, given)
            if scale_sizes:
                from suite.dimensionality import free_dimension, scale_loop_sizes

                free = free_dimension(config)
                config = scale_loop_sizes(config)
                typer.echo(f"alsuite: --scale-sizes: {free} free parameters, loop sizes x ({free}/19)^2 = "
                           f"{(free / 19) ** 2:.3g}")
            tracker = None if no_track else Tracker(config, tracking_uri=tracking_uri)
        typer.echo(
            f"alsuite: {config.name} on {config.dataset.name}: {', '.join(config.strategies)}; "
            f"{config.size_initial} -> {config.size_max} labels in steps of {config.size_select}"
            f"{' or until the pool is empty' if DATASETS[config.dataset.name].pool == 'finite' else ''}, "
            f"{config.repeats} repeat{'s' if config.repeats != 1 else ''}"
        )
        extra = "" if config.checkpoint.dir is None else f" --set checkpoint.dir={config.checkpoint.dir}"
        try:
            result = run_benchmark(config, tracker=tracker, repeats=repeat, progress=progress)
        except BenchmarkInterrupted as stop:
            typer.echo(f"alsuite: {stop}. Resume with: {stop.resume_command()}{extra}", err=True)
            raise typer.Exit(code=130) from None
        except OracleError as exc:  # labels paid before the failure are in the checkpoint
            if tracker is not None and tracker.parent_run_id and config.checkpoint.enabled:
                typer.echo(f"error: {' '.join(str(exc).split())}", err=True)
                typer.echo(f"alsuite: every label paid so far is saved; after fixing the oracle, resume with: "
                           f"alsuite run --resume {tracker.parent_run_id}{extra}", err=True)
                raise typer.Exit(code=2) from None
            raise
    typer.echo(format_summary(result))
    if tracker is not None:
        typer.echo(f"MLflow parent run {result.parent_run_id} at {tracker.client.tracking_uri}; "
                   f"open it with: mlflow ui --backend-store-uri {tracker.client.tracking_uri}")
