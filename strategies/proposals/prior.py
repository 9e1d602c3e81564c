"""Prior draws: every candidate comes from the pool (the paper's loop)."""

from __future__ import annotations

import numpy as np

from datasets.pools import Pool
from strategies.learners import Learner
from strategies.proposals._base import Proposal, Proposed

__all__ = ["PriorProposal"]


class PriorProposal(Proposal):
    """``pool.candidates(n, rng)`` and nothing else: fresh prior draws (infinite pool) or unused rows (finite).

    It draws from ``rng`` exactly as the loop did before proposals existed, so the
    strategies that use it keep their results.
    """

    name = "prior"

    def propose(
        self,
        pool: Pool,
        learner: Learner,
        labelled_x: np.ndarray,
        labelled_norm: np.ndarray,
        n: int,
        rng: np.random.Generator,
    ) -> Proposed:
        candidates = pool.candidates(n, rng)
        return Proposed(candidates, np.zeros(len(candidates), dtype=bool))
