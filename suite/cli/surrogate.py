"""``alsuite surrogate``: train a surrogate oracle on a table, check it, convert SUSY-AI."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from suite.cli._util import given_overrides, user_errors

__all__ = ["surrogate_app"]

surrogate_app = typer.Typer(
    help="Surrogate oracles: train the Table II network on a labelled table, check it, convert SUSY-AI.",
    no_args_is_help=True,
)

_SET = typer.Option("--set", "-s", help="Override a setting: key=value, e.g. epochs=20, dataset.path=my.csv.")
_URI = typer.Option("--tracking-uri", help="MLflow tracking URI (default: MLFLOW_TRACKING_URI or ./mlflow.db).")
_NO_TRACK = typer.Option("--no-track", help="Do not log to MLflow.")


def _uri(tracking_uri: str | None) -> str | None:
    return tracking_uri or os.environ.get("MLFLOW_TRACKING_URI")


@surrogate_app.command("train")
def train_command(
    source: Annotated[str | None, typer.Argument(
        help="Surrogate profile (surrogate-quick, surrogate-table2) or YAML file.")] = None,
    out: Annotated[str | None, typer.Option("--out", "-o", help="Oracle file to write (default: NAME.oracle).")] = None,
    overrides: Annotated[list[str] | None, _SET] = None,
    tracking_uri: Annotated[str | None, _URI] = None,
    no_track: Annotated[bool, _NO_TRACK] = False,
) -> None:
    """Train a surrogate on a labelled table and save it as an oracle file."""
    from datasets.oracles.surrogate import save_surrogate
    from suite.surrogate import load_surrogate_config, train_surrogate
    from suite.surrogate.check import one_class_warning
    from suite.surrogate.tracking import log_training

    with user_errors():
        config = load_surrogate_config(source, given_overrides(overrides))
        target = _writable(Path(out or f"{config.name}.oracle"))
        typer.echo(f"alsuite surrogate train: {config.name} on {config.dataset.name}, hidden units "
                   f"{list(config.hidden_units)} {config.activation}, up to {config.epochs} epochs")
        trained = train_surrogate(config)
        save_surrogate(trained.model, trained.metadata, target)
        run_id = None if no_track else log_training(trained, target, tracking_uri=_uri(tracking_uri))
    typer.echo(f"{len(trained.history['loss'])} epochs ({trained.seconds_per_epoch:.2f} s each), best epoch "
               f"{trained.best_epoch + 1}; validation accuracy {trained.validation.accuracy:.4f}")
    typer.echo(f"held-out {trained.test.describe()}")
    warning = one_class_warning(trained.test)
    if warning:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(f"oracle file: {target}  (use it with --set dataset=surrogate:{target})")
    if run_id:
        typer.echo(f"MLflow run {run_id}")


def _writable(target: Path) -> Path:
    """``target`` if an oracle file can be written there; checked before hours of training."""
    if target.is_dir():
        raise ValueError(f"--out {target} is a folder; give the oracle file's path, e.g. {target / 'my.oracle'}.")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"--out {target}: its folder {target.parent} cannot be created ({exc.strerror}); "
                         "choose another path.") from None
    if not os.access(target.parent, os.W_OK):
        raise ValueError(f"--out {target}: the folder {target.parent} is not writable; choose another path.")
    return target


@surrogate_app.command("check")
def check_command(
    oracle_file: Annotated[str, typer.Argument(help="The oracle file to check.")],
    source: Annotated[str, typer.Argument(
        help="The training profile or YAML file (its held-out rows), or a table file (csv, parquet, hdf5, npy).")],
    overrides: Annotated[list[str] | None, _SET] = None,
    all_rows: Annotated[bool, typer.Option("--all-rows", help="Compare on every row, not the held-out part.")] = False,
    tracking_uri: Annotated[str | None, _URI] = None,
    no_track: Annotated[bool, _NO_TRACK] = False,
) -> None:
    """Accuracy and confusion matrix of a surrogate against a table's own labels."""
    from datasets.tables import FORMATS
    from suite.surrogate import check_surrogate, load_surrogate_config
    from suite.surrogate.tracking import log_check

    with user_errors():
        if Path(source).suffix.lower() in FORMATS:
            config = load_surrogate_config("surrogate-table2", ["dataset.name=table", f"dataset.path={source}",
                                                                  *given_overrides(overrides)])
        else:
            config = load_surrogate_config(source, given_overrides(overrides))
        result = check_surrogate(oracle_file, config, all_rows=all_rows)
        run_id = None if no_track else log_check(result, Path(oracle_file), config, all_rows=all_rows,
                                                 tracking_uri=_uri(tracking_uri))
    rows = "every row" if all_rows else "the held-out rows"
    typer.echo(f"{oracle_file} against {config.dataset.name} labels ({rows}): {result.describe()}")
    if run_id:
        typer.echo(f"MLflow run {run_id}")


@surrogate_app.command("convert")
def convert_command(
    hdf5: Annotated[str | None, typer.Argument(
        help="The published SUSY-AI network susyai.hdf5 (default: located in the data folder).")] = None,
    out: Annotated[str, typer.Option("--out", "-o", help="Oracle file to write.")] = "susyai.oracle",
) -> None:
    """Write the published SUSY-AI network as an oracle file (the same format as trained ones)."""
    from datasets.oracles.susyai import convert_susyai

    with user_errors():
        target = convert_susyai(hdf5, out)
    typer.echo(f"oracle file: {target}  (use it with --set dataset=surrogate:{target})")
