"""Shared CLI helpers: user errors end in one line and a non-zero exit, no traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer

from datasets.data_dir import DataFileError
from datasets.oracles import OracleError
from suite.errors import ConfigError

__all__ = ["given_overrides", "user_errors"]

USER_ERRORS: tuple[type[BaseException], ...] = (ConfigError, DataFileError, OracleError, ValueError, OSError)


def _one_line(exc: BaseException, limit: int = 600) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def given_overrides(overrides: list[str] | None) -> list[str]:
    """The ``--set`` items to apply: ``key=`` with an empty value (how MLproject passes an unset
    parameter) keeps the profile's setting; anything else, malformed items included, is applied
    and so validated."""
    return [o for o in overrides or [] if "=" not in o or o.partition("=")[2].strip()]


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the errors a user can fix into one ``error: ...`` line on stderr and exit code 2.

    Besides the suite's own errors this covers files and folders that cannot be written
    (``OSError``) and an unreachable or unwritable MLflow tracking store.
    """
    from mlflow.exceptions import MlflowException
    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except USER_ERRORS as exc:
        typer.echo(f"error: {_one_line(exc)}", err=True)
        raise typer.Exit(code=2) from None
    except (MlflowException, SQLAlchemyError) as exc:
        typer.echo(f"error: the MLflow tracking store failed ({type(exc).__name__}: {_one_line(exc, 400)}); "
                   "check --tracking-uri / MLFLOW_TRACKING_URI, or use --no-track.", err=True)
        raise typer.Exit(code=2) from None
