"""The selector contract and the seeded top-n picker shared by all selectors.

Following modAL's split, a *measure* turns committee predictions into one score per
candidate, and a *picker* turns scores into indices, breaking ties with the seeded
generator so that pool order never decides.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from strategies.learners import Learner

__all__ = ["Selector", "top_n"]


def top_n(scores: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of the ``n`` highest ``scores``, ties broken uniformly at random.

    The result is ordered from the highest score down. ``n`` larger than the number
    of scores returns all indices.

    Examples
    --------
    >>> top_n(np.array([0.1, 0.9, 0.5]), 2, np.random.default_rng(0)).tolist()
    [1, 2]
    """
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim != 1:
        raise ValueError(f"scores must be one-dimensional, but got shape {scores.shape}.")
    if n < 0:
        raise ValueError(f"n must be non-negative, but got n={n}.")
    if np.isnan(scores).any():
        raise ValueError("scores contain NaN; the uncertainty measure must be finite.")
    n = min(n, len(scores))
    order = np.lexsort((rng.random(len(scores)), -scores))
    return order[:n]


class Selector(ABC):
    """Chooses which candidates to label next.

    Contract: :meth:`select` takes the fitted learner, candidates of shape
    ``(n_candidates, n_features)`` (normalised, as the learner sees them), the number
    ``n`` to pick and the generator; it returns ``min(n, n_candidates)`` distinct
    indices into the candidates. All randomness comes from ``rng``.
    """

    name: str

    @abstractmethod
    def select(
        self, learner: Learner, candidates: np.ndarray, n: int, rng: np.random.Generator
    ) -> np.ndarray:
        """Return distinct candidate indices, see the class docstring."""
