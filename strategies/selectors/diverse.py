"""Diversity-aware batches: uncertain candidates that are also spread out.

Top-k selection by eq. 1 puts a large batch where the committee happens to be
most uncertain, often one small region (the paper's Appendix A). Here the batch is
chosen from the ``factor * n`` most uncertain candidates (the *shortlist*) in one
of two ways:

- ``kmeans``: the shortlist is split into ``n`` groups by scikit-learn's
  :class:`~sklearn.cluster.MiniBatchKMeans` and the most uncertain member of each
  group is taken (empty groups are made up by the next most uncertain points);
- ``farthest``: a greedy farthest-point rule weighted by uncertainty: starting
  from the most uncertain point, each step takes the candidate with the largest
  ``uncertainty * distance to the batch so far``.

Both need memory linear in the shortlist (no pairwise distance matrix), so 100,000
candidates x 2,500 selections take seconds on two cores.
"""

from __future__ import annotations

import math

import numpy as np
from sklearn.cluster import MiniBatchKMeans

from strategies.learners import Learner
from strategies.selectors._base import top_n
from strategies.selectors.uncertainty import UncertaintySelector

__all__ = ["DIVERSITY_METHODS", "DiverseSelector", "farthest_point_batch", "kmeans_batch"]

DIVERSITY_METHODS = ("kmeans", "farthest")


def kmeans_batch(x: np.ndarray, scores: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """The most uncertain point of each of ``n`` k-means clusters of ``x``.

    Parameters
    ----------
    x : ndarray of shape (m, n_features)
        The shortlist, ordered from the most uncertain down.
    scores : ndarray of shape (m,)
        Their uncertainties.
    n : int
        Batch size; ``n >= m`` returns every row.
    rng : numpy.random.Generator
        Seeds the clustering and breaks ties.

    Returns
    -------
    ndarray of shape (min(n, m),)
        Distinct row indices into ``x``. When clusters come out empty (duplicate
        points, or k-means leaving a centre without members), the batch is made up
        by the highest-ranked rows not yet chosen.
    """
    m = len(x)
    if n >= m:
        return np.arange(m)
    # Random initial centres (seeded shortlist rows): k-means++ gave 1-2% lower inertia
    # but took 3-10x longer for 1,500-2,500 clusters on two shared cores.
    kmeans = MiniBatchKMeans(n_clusters=n, init="random", n_init=1, random_state=int(rng.integers(2**31 - 1)))
    labels = kmeans.fit(x).labels_
    order = np.lexsort((rng.random(m), -scores, labels))  # by cluster, most uncertain first
    first = order[np.r_[True, labels[order][1:] != labels[order][:-1]]]
    if len(first) == n:
        return first
    rest = np.setdiff1d(np.arange(m), first, assume_unique=True)  # sorted = shortlist rank
    return np.concatenate([first, rest[: n - len(first)]])


def farthest_point_batch(x: np.ndarray, scores: np.ndarray, n: int) -> np.ndarray:
    """Greedy uncertainty-weighted farthest points: each step maximises ``score * distance``.

    ``distance`` is the Euclidean distance of a row to the nearest row chosen so
    far; the first pick is row 0 (the most uncertain, the shortlist being
    ordered). One vectorised update of the distances per pick, by a matrix-vector
    product: O(m * n_features) memory and O(n * m * n_features) time. The loop runs over the ``n`` picks (each depends on
    the previous ones), never over points. Ties go to the higher-ranked row.

    Parameters
    ----------
    x : ndarray of shape (m, n_features)
        The shortlist, ordered from the most uncertain down.
    scores : ndarray of shape (m,)
        Their uncertainties (non-negative).
    n : int
        Batch size; ``n >= m`` returns every row.

    Returns
    -------
    ndarray of shape (min(n, m),)
        Distinct row indices into ``x``, in the order they were picked.
    """
    m = len(x)
    if n >= m:
        return np.arange(m)
    weight = np.maximum(scores, 0.0) + 1e-12  # zero uncertainty still separates by distance
    chosen = np.empty(n, dtype=np.intp)
    nearest = np.full(m, np.inf)
    taken = np.zeros(m, dtype=bool)
    squared = np.einsum("ij,ij->i", x, x)
    pick = 0
    for step in range(n):
        chosen[step] = pick
        taken[pick] = True
        gap = np.maximum(squared + squared[pick] - 2.0 * (x @ x[pick]), 0.0)  # |a-b|^2 without an (m, d) temporary
        nearest = np.minimum(nearest, gap)
        priority = np.where(taken, -1.0, weight * np.sqrt(nearest))
        pick = int(np.argmax(priority))
    return chosen


class DiverseSelector(UncertaintySelector):
    """Uncertain *and* spread-out batches from the ``factor * n`` most uncertain candidates.

    Parameters
    ----------
    factor : float, default=5.0
        Shortlist size as a multiple of the batch size ``n``: the batch is chosen
        among the ``ceil(factor * n)`` most uncertain candidates. 1 is plain top-k;
        larger trades uncertainty for spread.
    method : {"kmeans", "farthest"}, default="kmeans"
        How the batch is spread over the shortlist, see the module docstring.
    random_fraction : float, default=0.0
        Share of each batch drawn uniformly from the candidates not chosen, as in
        :class:`~strategies.selectors.UncertaintySelector`.
    measure : {"eq1", "vote_std", "vote_entropy", "bald"}, default="eq1"
        The uncertainty score, see :mod:`strategies.selectors.measures`.

    Notes
    -----
    With ``random_fraction=0`` every chosen point lies in the shortlist of the
    ``ceil(factor * n)`` most uncertain candidates, so the batch's uncertainty is at
    most top-k's and at least the shortlist's lowest score. With ``random_fraction > 0``
    the shortlist is ``ceil(factor * n_diverse)`` for the ``n_diverse`` non-random picks,
    and the random picks come from all the other candidates.
    """

    name = "diverse"

    def __init__(
        self, factor: float = 5.0, method: str = "kmeans", random_fraction: float = 0.0, measure: str = "eq1"
    ) -> None:
        super().__init__(random_fraction=random_fraction, measure=measure)
        if not (isinstance(factor, int | float) and math.isfinite(factor) and factor >= 1.0):
            raise ValueError(f"factor must be a finite number >= 1, but got factor={factor!r}.")
        if method not in DIVERSITY_METHODS:
            raise ValueError(f"method must be one of {list(DIVERSITY_METHODS)}, but got method={method!r}.")
        self.factor = float(factor)
        self.method = method

    def select(
        self, learner: Learner, candidates: np.ndarray, n: int, rng: np.random.Generator
    ) -> np.ndarray:
        candidates = np.asarray(candidates, dtype=np.float64)
        n = min(n, len(candidates))
        n_random = int(round(self.random_fraction * n))
        n_diverse = n - n_random
        scores = self.scores(learner, candidates)
        shortlist = top_n(scores, math.ceil(self.factor * n_diverse), rng)
        x, s = candidates[shortlist], scores[shortlist]
        if self.method == "kmeans":
            picked = kmeans_batch(x, s, n_diverse, rng)
        else:
            picked = farthest_point_batch(x, s, n_diverse)
        chosen = shortlist[picked]
        if n_random == 0:
            return chosen
        rest = np.setdiff1d(np.arange(len(candidates)), chosen, assume_unique=True)
        return np.concatenate([chosen, rng.choice(rest, size=n_random, replace=False)])
