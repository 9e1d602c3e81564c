"""Uncertainty measures: one score per candidate from a committee's pass matrix.

Every measure takes ``committee`` of shape ``(n_members, n_candidates)``, each
member's probability of class 1, and returns scores in [0, 1] where higher means
more informative. All are finite for probabilities of exactly 0 or 1 (no ``log 0``,
no ``0 / 0``), a committee in which every member gives the same hard vote scores
0, and a candidate whose members all sit exactly at 0.5 scores 1 (except BALD,
see :func:`bald`). The seeded :func:`strategies.selectors.top_n` turns scores
into picks.

- ``eq1``: eq. 1 of the paper on the committee mean (the default);
- ``vote_std``: the companion code's ``|mean - 0.5| / std(votes)``, bounded;
- ``vote_entropy``: entropy of the members' hard votes;
- ``bald``: mutual information between prediction and committee member.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

import numpy as np
from scipy.special import xlogy

from strategies.selectors.uncertainty import committee_uncertainty

__all__ = ["MEASURES", "bald", "eq1", "vote_entropy", "vote_std"]


def _matrix(committee: np.ndarray) -> np.ndarray:
    p = np.asarray(committee, dtype=np.float64)
    if p.ndim != 2 or p.shape[0] < 1:
        raise ValueError(
            f"committee must have shape (n_members, n_candidates) with n_members >= 1, but got shape {p.shape}."
        )
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise ValueError("committee probabilities must lie in [0, 1] (no NaN); check the learner's output.")
    return p


def _votes(p: np.ndarray) -> np.ndarray:
    """Hard votes for class 1; a member exactly at 0.5 gives half a vote to each class."""
    return np.where(p > 0.5, 1.0, np.where(p < 0.5, 0.0, 0.5))


def _entropy_bits(q: np.ndarray) -> np.ndarray:
    """Binary entropy in bits, 0 at q = 0 and q = 1."""
    return -(xlogy(q, q) + xlogy(1.0 - q, 1.0 - q)) / np.log(2.0)


def eq1(committee: np.ndarray) -> np.ndarray:
    """Eq. 1, ``1 - 2 |mean - 0.5|``, on the committee-mean probability.

    Examples
    --------
    >>> eq1(np.array([[0.0, 0.5, 1.0], [1.0, 0.5, 1.0]])).tolist()
    [1.0, 1.0, 0.0]
    """
    return committee_uncertainty(_matrix(committee).mean(axis=0))


def vote_std(committee: np.ndarray) -> np.ndarray:
    """The companion code's measure, ``d / s`` with ``d = |mean - 0.5|`` and ``s = std(votes)``, as ``s / (s + d)``.

    The companion code ranks candidates by ``d / s`` ascending, which divides by
    zero when every vote agrees. ``s / (s + d)`` ranks the same way (it is
    ``1 / (1 + d / s)``) but stays in [0, 1]: 0 where the votes agree and the mean
    is off 0.5 (``d / s`` infinite), 1 where the mean is exactly 0.5 (including a
    committee stuck at 0.5, where ``s = d = 0``).

    Examples
    --------
    >>> vote_std(np.array([[0.0, 0.5, 0.9], [1.0, 0.5, 0.8]])).tolist()
    [1.0, 1.0, 0.0]
    """
    p = _matrix(committee)
    d = np.abs(p.mean(axis=0) - 0.5)
    s = _votes(p).std(axis=0)
    total = s + d
    safe = np.where(total > 0, total, 1.0)
    return np.where(total > 0, s / safe, 1.0)


def vote_entropy(committee: np.ndarray) -> np.ndarray:
    """Entropy (bits) of the share of hard votes for class 1; 1 for an even split.

    Examples
    --------
    >>> vote_entropy(np.array([[0.1, 0.9], [0.9, 0.8]])).tolist()
    [1.0, 0.0]
    """
    return _entropy_bits(_votes(_matrix(committee)).mean(axis=0))


def bald(committee: np.ndarray) -> np.ndarray:
    """BALD: ``H(mean p) - mean H(p_i)`` in bits, the information a label adds about the member.

    It measures disagreement only: members that all say 0.5 (the network is sure
    the point is a coin flip) score 0, like unanimous members. Maximal (1) when
    half the members say 0 and half say 1.

    Examples
    --------
    >>> bald(np.array([[0.0, 0.5, 1.0], [1.0, 0.5, 1.0]])).tolist()
    [1.0, 0.0, 0.0]
    """
    p = _matrix(committee)
    mi = _entropy_bits(p.mean(axis=0)) - _entropy_bits(p).mean(axis=0)
    return np.clip(mi, 0.0, 1.0)  # rounding can leave -1e-17


MEASURES: Mapping[str, Callable[[np.ndarray], np.ndarray]] = MappingProxyType(
    {"eq1": eq1, "vote_std": vote_std, "vote_entropy": vote_entropy, "bald": bald}
)
