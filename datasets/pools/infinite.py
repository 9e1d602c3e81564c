"""The infinite pool: fresh draws from a space's prior, labelled by an oracle."""

from __future__ import annotations

import numpy as np

from datasets.oracles import Labels, Oracle
from datasets.pools._base import Pool

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
        return self.space.sample(n, rng)

    def label(self, x: np.ndarray) -> np.ndarray:
        y = self.oracle.label(x)
        self.oracle_calls += len(y)
        return y

    def label_partial(self, x: np.ndarray) -> Labels:
        labels = self.oracle.label_partial(x)
        self.oracle_calls += len(labels.y)
        return labels
