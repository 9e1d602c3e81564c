"""The pool contract: where candidates come from and how they get their labels."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import numpy as np

from datasets.space import Space

__all__ = ["Pool"]


class Pool(ABC):
    """Source of candidates for one (strategy, repeat) run.

    Contract: :meth:`draw` returns ``(n, space.dimension)`` candidates in physical
    units from the generator; :meth:`label` returns their labels in {0, 1}, in
    order, and counts every label it pays for in :attr:`oracle_calls`.
    :meth:`get_state` / :meth:`set_state` carry what a checkpoint must restore
    (JSON-serialisable); :meth:`label_partial` marks points that got no label.
    """

    kind: str
    space: Space
    oracle_calls: int

    @abstractmethod
    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Fresh candidates, shape ``(n, space.dimension)``."""

    @abstractmethod
    def label(self, x: np.ndarray) -> np.ndarray:
        """Labels of the given candidates, shape ``(len(x),)``, int8."""

    def label_partial(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Labels and a mask of the points that got one (default: all of them)."""
        y = self.label(x)
        return y, np.ones(len(y), dtype=bool)

    def get_state(self) -> dict[str, Any]:
        """What a checkpoint saves to resume this pool (JSON-serialisable)."""
        return {"oracle_calls": int(self.oracle_calls)}

    def set_state(self, state: dict[str, Any]) -> None:
        """Restore :meth:`get_state`'s result into a fresh pool."""
        self.oracle_calls = int(state["oracle_calls"])
