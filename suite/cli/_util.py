"""Shared CLI helpers: user errors end in one line and a non-zero exit, no traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer

from datasets.data_dir import DataFileError
from datasets.oracles import OracleError
from suite.errors import ConfigError

__all__ = ["user_errors"]

USER_ERRORS = (ConfigError, DataFileError, OracleError, ValueError, FileNotFoundError)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the errors a user can fix into ``error: ...`` on stderr and exit code 2."""
    try:
        yield
    except USER_ERRORS as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from None
