"""Oracles that can fail on some points: label codings, retries, and exclusion.

:class:`FallibleOracle` is the base of the user-supplied labellers (a program, a
Python function). Each *attempt* labels some points and reports what went wrong
with the others; failed points are retried ``retries`` times, then either the run
stops with an :class:`~datasets.oracles.OracleError` naming every problem
(``on_failure="fail"``) or the points come back unlabelled (``"exclude"``).
A point is never given a label it was not returned.
"""

from __future__ import annotations

import logging
import math
from abc import abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from datasets.oracles._base import Labels, Oracle, OracleError
from datasets.space import Space

__all__ = ["DEFAULT_CODING", "Attempt", "FallibleOracle", "check_coding", "decode"]

log = logging.getLogger("alsuite.oracle")

DEFAULT_CODING: Mapping[str, int] = {"0": 0, "1": 1}
OnFailure = Literal["fail", "exclude"]


def check_coding(coding: Mapping[Any, int] | None) -> dict[str, int]:
    """Validate a label coding ``raw value -> 0 | 1`` (keys compared as stripped text).

    Raises
    ------
    ValueError
        When a value is not 0 or 1, or a class has no raw value mapped to it.
    """
    coding = {str(k).strip(): v for k, v in (coding or DEFAULT_CODING).items()}
    bad = {k: v for k, v in coding.items() if v not in (0, 1) or isinstance(v, bool)}
    if bad:
        raise ValueError(f"labels must map raw values to 0 (excluded) or 1 (allowed), but got {bad}.")
    if {0, 1} - set(coding.values()):
        raise ValueError(
            f"labels must map at least one raw value to each of 0 (excluded) and 1 (allowed), "
            f"but got {coding}."
        )
    return {k: int(v) for k, v in coding.items()}


def _raw(value: object) -> str | None:
    """Text form of one returned label; None for 'no label' (empty, None, NaN)."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return None
        return str(int(value)) if float(value).is_integer() else str(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    text = str(value).strip()
    return text or None


def decode(values: Sequence[object], coding: Mapping[str, int]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Map returned values through ``coding``.

    Returns
    -------
    y : ndarray of int8, shape (n,)
    ok : ndarray of bool, shape (n,)
        False for empty values and values outside the coding.
    problems : list of str
        One line per kind of problem, naming the rows (positions in ``values``).
    """
    n = len(values)
    y = np.zeros(n, dtype=np.int8)
    ok = np.zeros(n, dtype=bool)
    empty: list[int] = []
    outside: dict[int, str] = {}
    for i, value in enumerate(values):
        raw = _raw(value)
        if raw is None:
            empty.append(i)
        elif raw in coding:
            y[i], ok[i] = coding[raw], True
        else:
            outside[i] = raw
    problems = []
    if empty:
        problems.append(f"no label for rows {_rows(empty)}")
    if outside:
        shown = sorted(set(outside.values()))[:5]
        problems.append(
            f"labels outside the declared coding {sorted(coding)} at rows {_rows(list(outside))} (values {shown})"
        )
    return y, ok, problems


def _rows(rows: Sequence[int] | np.ndarray, limit: int = 20) -> str:
    rows = [int(r) for r in rows]
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    return f"{rows[:limit]}{more}"


@dataclass
class Attempt:
    """The outcome of one attempt on a sub-batch: labels, which are valid, what went wrong."""

    y: np.ndarray
    ok: np.ndarray
    problems: list[str] = field(default_factory=list)

    @classmethod
    def failed(cls, n: int, problem: str) -> Attempt:
        """Every point of the attempt failed for one reason (crash, timeout, bad output)."""
        return cls(np.zeros(n, dtype=np.int8), np.zeros(n, dtype=bool), [problem])


class FallibleOracle(Oracle):
    """An oracle whose attempts can fail on some points, with retries and exclusion.

    Subclasses implement :meth:`_attempt` (label a sub-batch, report problems with
    row numbers relative to that sub-batch) and :meth:`describe` (how to name the
    labeller in messages).

    Parameters
    ----------
    space : Space
        Parameter box of the points (names become column names).
    retries : int, default=0
        How many more times a failed point is tried.
    on_failure : {"fail", "exclude"}, default="fail"
        What happens to a point that still fails: stop the run with an
        :class:`OracleError`, or return it unlabelled (``Labels.labelled`` False).
    """

    def __init__(self, space: Space, *, retries: int = 0, on_failure: OnFailure = "fail") -> None:
        if retries < 0:
            raise ValueError(f"retries must be at least 0, but got retries={retries}.")
        if on_failure not in ("fail", "exclude"):
            raise ValueError(f"on_failure must be 'fail' or 'exclude', but got on_failure={on_failure!r}.")
        self.space = space
        self.retries = int(retries)
        self.on_failure: OnFailure = on_failure

    @abstractmethod
    def _attempt(self, x: np.ndarray) -> Attempt:
        """Label ``x`` once; problems name rows of ``x`` (0-based)."""

    @abstractmethod
    def describe(self) -> str:
        """The labeller as it should appear in messages (the command, the function)."""

    def label_partial(self, x: np.ndarray) -> Labels:
        x = self._check_points(x)
        n = len(x)
        y = np.zeros(n, dtype=np.int8)
        labelled = np.zeros(n, dtype=bool)
        todo = np.arange(n)
        history: list[str] = []
        for attempt in range(1 + self.retries):
            if len(todo) == 0:
                break
            result = self._attempt(x[todo])
            if result.y.shape != (len(todo),) or result.ok.shape != (len(todo),):
                raise OracleError(
                    f"{self.describe()}: an attempt returned {result.y.shape} labels for {len(todo)} points."
                )
            prefix = f"attempt {attempt + 1}"
            if len(todo) != n:
                prefix += f" (batch rows {_rows(todo)} as rows 0..{len(todo) - 1})"
            history += [f"{prefix}: {p}" for p in result.problems]
            y[todo[result.ok]] = result.y[result.ok]
            labelled[todo[result.ok]] = True
            todo = todo[~result.ok]
        if len(todo):
            message = (
                f"{self.describe()} gave no valid label to {len(todo)} of {n} points (batch rows "
                f"{_rows(todo)}) after {1 + self.retries} attempt(s): " + "; ".join(history)
            )
            if self.on_failure == "fail":
                raise OracleError(message)
            log.warning("%s; these points are excluded (on_failure=exclude).", message)
        return Labels(y, labelled)

    def _label(self, x: np.ndarray) -> np.ndarray:
        y, labelled = self.label_partial(x)
        if not labelled.all():
            raise OracleError(
                f"{self.describe()} left rows {_rows(np.flatnonzero(~labelled))} unlabelled; "
                "use label_partial to accept unlabelled points."
            )
        return y
