"""The infinite pool: fresh draws from a space's prior, labelled by an oracle."""

from __future__ import annotations

import numpy as np

from datasets.oracles import Labels, Oracle
from datasets.pools._base import Candidates, Pool

__all__ = ["InfinitePool"]


class InfinitePool(Pool):
    """Candidates drawn uniformly from ``oracle.space`` each iteration; never runs dry.

    ``oracle_calls`` counts every point sent for labelling, also those that came
    back unlabelled (a user's oracle with ``on_failure="exclude"``).
    """

    kind = "infinite"

    def __init__(self, oracle: Oracle) -> None:
        self.oracle = oracle
        self.space = oracle.space
        self.oracle_calls = 0

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Fresh points, shape ``(n, space.dimension)``."""
        return self.space.sample(n, rng)

    def label(self, x: np.ndarray) -> np.ndarray:
        """Oracle labels of ``x``, counted in :attr:`oracle_calls`."""
        y = self.oracle.label(x)
        self.oracle_calls += len(y)
        return y

    def candidates(self, n: int, rng: np.random.Generator) -> Candidates:
        return Candidates(self.draw(n, rng))

    def acquire(self, candidates: Candidates, chosen: np.ndarray) -> np.ndarray:
        return self.label(candidates.x[chosen])

    def acquire_partial(self, candidates: Candidates, chosen: np.ndarray) -> Labels:
        labels = self.oracle.label_partial(candidates.x[chosen])
        self.oracle_calls += len(labels.y)
        return labels
