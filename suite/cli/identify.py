"""``alsuite identify``: export the most uncertain prior points as targets for new searches (paper III.B)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from suite.cli._util import given_overrides, user_errors

__all__ = ["identify_command"]


def identify_command(
    source: Annotated[str | None, typer.Argument(
        help="Identify profile (identify-quick, identify-susyai, identify-susyai-quick) or YAML file.")] = None,
    overrides: Annotated[list[str] | None, typer.Option(
        "--set", "-s", help="Override a setting: key=value, e.g. learner=forest, size_select=500, "
        "projection.pairs=M3:mu. An empty value keeps the profile's.")] = None,
    out: Annotated[str, typer.Option("--out", "-o", help="Folder for the targets, model and figures.")] = "identify-out",
    tracking_uri: Annotated[str | None, typer.Option(
        "--tracking-uri", help="MLflow tracking URI (default: MLFLOW_TRACKING_URI or ./mlflow.db).")] = None,
    no_track: Annotated[bool, typer.Option("--no-track", help="Do not log to MLflow.")] = False,
) -> None:
    """Train a committee, score a large prior sample and export the most uncertain points."""
    from suite.identify import load_identify_config, run_identify

    with user_errors():
        config = load_identify_config(source, given_overrides(overrides))
        typer.echo(f"alsuite identify: {config.name} on {config.dataset.name} with {config.learner}; "
                   f"{config.size_select} most uncertain of {config.size_sample} prior candidates")
        output = run_identify(config, out, track=not no_track,
                              tracking_uri=tracking_uri or os.environ.get("MLFLOW_TRACKING_URI"))
    metrics = output.result.metrics()
    typer.echo(f"trained on {int(metrics['n_train'])} points ({metrics['train_allowed_fraction']:.1%} allowed); "
               f"mean uncertainty {metrics['target_uncertainty_mean']:.3f} on the targets vs "
               f"{metrics['candidate_uncertainty_mean']:.3f} on all candidates")
    typer.echo(f"targets: {output.out / 'targets' / 'targets.csv'} (and .parquet); model: {output.out / 'model'}")
    if output.run_id:
        typer.echo(f"MLflow run {output.run_id}")
