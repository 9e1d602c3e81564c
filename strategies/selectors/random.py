"""Random sampling: the baseline every active strategy is measured against."""

from __future__ import annotations

import numpy as np

from strategies.learners import Learner
from strategies.selectors._base import Selector

__all__ = ["RandomSelector"]


class RandomSelector(Selector):
    """Picks ``n`` candidates uniformly without replacement; ignores the learner."""

    name = "random"

    def select(
        self, learner: Learner, candidates: np.ndarray, n: int, rng: np.random.Generator
    ) -> np.ndarray:
        n = min(n, len(candidates))
        return rng.choice(len(candidates), size=n, replace=False)
