"""The pool contract: where candidates come from and how they get their labels."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

import numpy as np

from datasets.space import Space

__all__ = ["Candidates", "Pool"]


@dataclass(frozen=True)
class Candidates:
    """One iteration's candidates: points in physical units and, for a finite pool, their row ids.

    ``ids[i]`` is the *table row id* of ``x[i]`` (the row of the labelled table, not a
    position in the pool); ``ids`` is None for pools without rows.
    """

    x: np.ndarray
    ids: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.x)


class Pool(ABC):
    """Source of candidates for one (strategy, repeat) run.

    Contract: :meth:`candidates` returns at most ``n`` candidates (physical units)
    drawn with the generator; :meth:`acquire` returns the labels in {0, 1} (int8) of
    the candidates at positions ``chosen``, in that order, and counts every label it
    pays for in :attr:`oracle_calls`; :meth:`acquire_partial` also says which of them
    got a label (a user's oracle may exclude failed points). :meth:`normalize` scales
    points as the learner sees them. A finite pool also reports :meth:`remaining`
    rows and the :meth:`unused` ones; an acquired row is never offered again.
    :meth:`get_state` / :meth:`set_state` carry what a checkpoint must restore.
    """

    kind: str
    space: Space
    oracle_calls: int

    def normalize(self, x: np.ndarray) -> np.ndarray:
        """Points as the learner sees them (float32); the space's convention by default."""
        return self.space.normalize(x)

    def remaining(self) -> int | None:
        """Rows not yet acquired; None for a pool that never runs dry."""
        return None

    def unused(self) -> Candidates | None:
        """Every row not yet acquired, in row-id order; None for a pool without rows."""
        return None

    @abstractmethod
    def candidates(self, n: int, rng: np.random.Generator) -> Candidates:
        """At most ``n`` candidates for this iteration."""

    @abstractmethod
    def acquire(self, candidates: Candidates, chosen: np.ndarray) -> np.ndarray:
        """Labels of ``candidates`` at positions ``chosen``, shape ``(len(chosen),)``, int8."""

    def acquire_partial(self, candidates: Candidates, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Labels and a mask of the chosen points that got one (default: all of them)."""
        y = self.acquire(candidates, chosen)
        return y, np.ones(len(y), dtype=bool)

    def get_state(self) -> dict[str, Any]:
        """What a checkpoint saves to resume this pool."""
        return {"oracle_calls": int(self.oracle_calls)}

    def set_state(self, state: dict[str, Any]) -> None:
        """Restore :meth:`get_state`'s result into a fresh pool."""
        self.oracle_calls = int(state["oracle_calls"])
