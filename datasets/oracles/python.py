"""An oracle given by import path, ``package.module:function``, for simulators in Python.

The function receives the batch as a :class:`pandas.DataFrame` in physical units
with one column per parameter (the space's names, in order) and returns one label
per row, in row order. Labels go through the declared coding (default 0/1, also
``True``/``False``); ``None``/NaN means "no label for this point". An exception
fails the whole attempt. Failed points are retried and then fail the run or are
excluded, exactly as for :class:`~datasets.oracles.external.CommandOracle`.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from datasets.oracles._fallible import Attempt, FallibleOracle, OnFailure, check_coding, decode
from datasets.space import Space

__all__ = ["CallableOracle", "resolve_callable"]

_TARGET = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")


def resolve_callable(target: str) -> Callable[..., Any]:
    """Import ``package.module:function`` (the part after ``:`` may be dotted).

    Raises
    ------
    ValueError
        When the path is malformed, the module cannot be imported, or the
        attribute is missing or not callable.
    """
    if not isinstance(target, str) or not _TARGET.match(target):
        raise ValueError(f"a Python oracle must look like 'package.module:function', but got {target!r}.")
    module_name, _, attr = target.partition(":")
    try:
        obj: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(
            f"cannot import module {module_name!r} of oracle {target!r} ({type(exc).__name__}: {exc}); "
            "check the name and that it is on PYTHONPATH."
        ) from None
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise ValueError(f"module {module_name!r} has no attribute {attr!r} (oracle {target!r}).")
        obj = getattr(obj, part)
    if not callable(obj):
        raise ValueError(f"oracle {target!r} is a {type(obj).__name__}, not a callable.")
    return obj  # type: ignore[no-any-return]


class CallableOracle(FallibleOracle):
    """Labels points with a Python function named by import path.

    Parameters
    ----------
    space : Space
        Parameter box; its names are the DataFrame's columns.
    target : str
        ``package.module:function``; resolved at once (errors surface early) and
        again after unpickling, so the oracle can be shipped to worker processes.
    labels, retries, on_failure
        As for :class:`~datasets.oracles.external.CommandOracle`.
    kwargs : mapping, optional
        Extra keyword arguments passed to the function on every call.
    """

    def __init__(
        self,
        space: Space,
        target: str,
        *,
        labels: Mapping[Any, int] | None = None,
        retries: int = 0,
        on_failure: OnFailure = "fail",
        kwargs: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(space, retries=retries, on_failure=on_failure)
        self.target = target
        self.coding = check_coding(labels)
        self.kwargs = dict(kwargs or {})
        self._function: Callable[..., Any] | None = resolve_callable(target)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_function": None}

    def describe(self) -> str:
        return f"Python oracle {self.target!r}"

    def _attempt(self, x: np.ndarray) -> Attempt:
        if self._function is None:
            self._function = resolve_callable(self.target)
        frame = pd.DataFrame(x, columns=list(self.space.names))
        try:
            out = self._function(frame, **self.kwargs)
        except Exception as exc:  # the user's code: report it as a failed attempt
            return Attempt.failed(len(x), f"{self.target} raised {type(exc).__name__}: {exc}")
        values = list(np.asarray(out, dtype=object).ravel()) if out is not None else []
        if len(values) != len(x):
            return Attempt.failed(len(x), f"{self.target} returned {len(values)} labels for {len(x)} points")
        y, ok, problems = decode(values, self.coding)
        return Attempt(y, ok, problems)
