"""The proposal contract: where one iteration's candidates come from.

A *proposal* turns the pool, the fitted learner and the labelled set into the
candidates the selector scores. :class:`~strategies.proposals.prior.PriorProposal`
(the paper's loop) draws them all from the pool; :class:`~strategies.proposals.local.LocalProposal`
also places some near the most uncertain labelled points.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from datasets.pools import Candidates, Pool
from strategies.learners import Learner

__all__ = ["Proposal", "Proposed"]


@dataclass(frozen=True)
class Proposed:
    """One iteration's candidates and which of them a local proposal made.

    ``local[i]`` is True where ``candidates.x[i]`` was placed near a labelled point,
    False where it is a draw from the pool.
    """

    candidates: Candidates
    local: np.ndarray

    def __post_init__(self) -> None:
        if self.local.shape != (len(self.candidates),) or self.local.dtype != np.bool_:
            raise ValueError(
                f"local must be a boolean mask with one entry per candidate ({len(self.candidates)}), "
                f"but got dtype {self.local.dtype} and shape {self.local.shape}."
            )

    @property
    def n_local(self) -> int:
        """How many candidates a local proposal made."""
        return int(np.count_nonzero(self.local))


class Proposal(ABC):
    """Makes the candidates of one iteration.

    Contract: :meth:`propose` returns exactly ``n`` candidates in physical units
    (fewer only where the pool itself runs dry) inside ``pool.space``; it may read
    but never modify ``labelled_x`` / ``labelled_norm``; all randomness comes from
    ``rng``, so the same generator state, learner and labelled set give the same
    candidates (a resumed loop continues exactly). :meth:`batch_metrics` says what
    the chosen batch owes to the proposal, logged at the next step.
    """

    name: str

    @abstractmethod
    def propose(
        self,
        pool: Pool,
        learner: Learner,
        labelled_x: np.ndarray,
        labelled_norm: np.ndarray,
        n: int,
        rng: np.random.Generator,
    ) -> Proposed:
        """Candidates for this iteration.

        Parameters
        ----------
        pool : Pool
            Source of prior draws and of the parameter box.
        learner : Learner
            The learner fitted on the labelled set.
        labelled_x : ndarray of shape (n_labelled, n_features)
            The labelled points in physical units.
        labelled_norm : ndarray of shape (n_labelled, n_features)
            The same points as the learner sees them (``pool.normalize``).
        n : int
            Number of candidates.
        rng : numpy.random.Generator
            The loop's generator.
        """

    def batch_metrics(self, proposed: Proposed, labelled: np.ndarray) -> dict[str, float]:
        """Metrics of the labelled batch (its candidate indices ``labelled``); none by default."""
        return {}
