"""Query by committee: pick the candidates the committee disagrees on most (eq. 1)."""

from __future__ import annotations

import numpy as np

from strategies.learners import Learner
from strategies.selectors._base import Selector, top_n

__all__ = ["UncertaintySelector", "committee_uncertainty"]


def committee_uncertainty(mean_proba: np.ndarray) -> np.ndarray:
    """Eq. 1 of the paper: ``1 - 2 |p - 0.5|`` on the committee-mean probability ``p``.

    1.0 means an even split of the committee, 0.0 a unanimous one.

    Examples
    --------
    >>> committee_uncertainty(np.array([0.0, 0.5, 0.75, 1.0])).tolist()
    [0.0, 1.0, 0.5, 0.0]
    """
    p = np.asarray(mean_proba, dtype=np.float64)
    return 1.0 - 2.0 * np.abs(p - 0.5)


class UncertaintySelector(Selector):
    """The most uncertain candidates by eq. 1 (or another measure), optionally mixed with random ones.

    Parameters
    ----------
    random_fraction : float, default=0.0
        Share of each batch drawn uniformly from the candidates not chosen by
        uncertainty (the paper's companion code used 0.5). The number of random
        picks is ``round(random_fraction * n)``.
    measure : {"eq1", "vote_std", "vote_entropy", "bald"}, default="eq1"
        How the committee's predictions become one score per candidate, see
        :mod:`strategies.selectors.measures`.

    Notes
    -----
    Eq. 1 reads the learner's committee mean (``predict_proba``) directly, except
    for stochastic learners (``learner.stochastic``, Monte Carlo dropout): there
    the mean is taken over one ``committee_proba`` call, since a second call would
    draw fresh passes and cost as much again, and ``committee_proba`` checks that
    the passes differ at all.
    """

    name = "uncertainty"

    def __init__(self, random_fraction: float = 0.0, measure: str = "eq1") -> None:
        from strategies.selectors.measures import MEASURES

        if not 0.0 <= random_fraction <= 1.0:
            raise ValueError(
                f"random_fraction must be in [0, 1], but got random_fraction={random_fraction}."
            )
        if measure not in MEASURES:
            raise ValueError(f"measure must be one of {list(MEASURES)}, but got measure={measure!r}.")
        self.random_fraction = float(random_fraction)
        self.measure = measure

    def scores(self, learner: Learner, candidates: np.ndarray) -> np.ndarray:
        """One score per candidate (higher = more informative) by ``measure``."""
        from strategies.selectors.measures import MEASURES

        if self.measure == "eq1" and not getattr(learner, "stochastic", False):
            return committee_uncertainty(learner.predict_proba(candidates)[:, 1])
        return MEASURES[self.measure](learner.committee_proba(candidates))

    def select(
        self, learner: Learner, candidates: np.ndarray, n: int, rng: np.random.Generator
    ) -> np.ndarray:
        n = min(n, len(candidates))
        n_random = int(round(self.random_fraction * n))
        chosen = top_n(self.scores(learner, candidates), n - n_random, rng)
        if n_random == 0:
            return chosen
        rest = np.setdiff1d(np.arange(len(candidates)), chosen, assume_unique=True)
        return np.concatenate([chosen, rng.choice(rest, size=n_random, replace=False)])
