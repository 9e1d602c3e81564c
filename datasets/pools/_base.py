"""The pool contract: where candidates come from and how they get their labels."""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from datasets.space import Space

__all__ = ["Pool"]


class Pool(ABC):
    """Source of candidates for one (strategy, repeat) run.

    Contract: :meth:`draw` returns ``(n, space.dimension)`` candidates in physical
    units from the generator; :meth:`label` returns their labels in {0, 1}, in
    order, and counts every label it pays for in :attr:`oracle_calls`.
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
