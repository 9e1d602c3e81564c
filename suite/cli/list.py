"""``alsuite list``: the built-in profiles, datasets and strategies."""

from __future__ import annotations

import typer

__all__ = ["list_command"]


def list_command() -> None:
    """List profiles, datasets and strategies with one line each."""
    from datasets.registry import DATASETS
    from strategies.registry import STRATEGIES
    from suite.config import list_profiles, load_config

    typer.echo("profiles:")
    for name in list_profiles():
        typer.echo(f"  {name:22s} {load_config(name).description}")
    from suite.tuning.config import list_study_profiles, load_study_config

    typer.echo("study profiles (alsuite tune):")
    for name in list_study_profiles():
        typer.echo(f"  {name:22s} {load_study_config(name).description}")
    from suite.surrogate.config import list_surrogate_profiles, load_surrogate_config

    typer.echo("surrogate profiles (alsuite surrogate train):")
    for name in list_surrogate_profiles():
        typer.echo(f"  {name:22s} {load_surrogate_config(name).description}")
    typer.echo("datasets:")
    for name, info in DATASETS.items():
        options = f" (options: {', '.join(info.options)})" if info.options else ""
        typer.echo(f"  {name:22s} {info.description}{options}")
    typer.echo("strategies:")
    for name, spec in STRATEGIES.items():
        baseline = f" [gain vs {spec.baseline}]" if spec.baseline else ""
        typer.echo(f"  {name:22s} {spec.description}{baseline}")
