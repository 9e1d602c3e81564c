"""Boundary-seeking candidates: Gaussian steps around the most uncertain labelled points.

The paper's conclusion names the limitation of pool-based sampling: candidates are
still drawn blindly from the prior. :class:`LocalProposal` is the simplest honest
remedy. A share ``fraction`` of each iteration's candidates are placed near the
labelled points the fitted committee is least sure of (eq. 1), which lie close to
its decision boundary; the rest are fresh prior draws, so regions the committee
has not yet found still get candidates.

The steps are taken in the *unit box* of the pool's space,
``u = (x - lower) / (upper - lower)`` in ``[0, 1]^d`` (so ``scale`` is a fraction of
each side of the box, whatever its physical units), and folded back into the box
by reflection at its faces. For the SUSY-AI box normalisation
``z = (u - 0.5) * sqrt(12)`` a step of ``scale`` in ``u`` is ``scale * sqrt(12)`` in
``z``. Parameters that a :class:`~datasets.sectors.FixedSectorOracle` fixes are not
in its space, so they are never perturbed.
"""

from __future__ import annotations

import numpy as np

from datasets.pools import Candidates, Pool
from strategies.learners import Learner
from strategies.proposals._base import Proposal, Proposed
from strategies.selectors import committee_uncertainty, top_n

__all__ = ["LocalProposal", "reflect_unit"]


def reflect_unit(u: np.ndarray) -> np.ndarray:
    """Fold coordinates into ``[0, 1]`` by mirror reflection at 0 and 1, any number of times.

    The fold is a triangle wave of period 2, so a step larger than the box itself
    still lands inside it, at the point a ray bouncing between the faces reaches.

    Examples
    --------
    >>> reflect_unit(np.array([0.25, -0.25, 1.25, 2.5, -3.5])).tolist()
    [0.25, 0.25, 0.75, 0.5, 0.5]
    """
    folded = np.mod(np.asarray(u, dtype=np.float64), 2.0)
    return np.where(folded > 1.0, 2.0 - folded, folded)


class LocalProposal(Proposal):
    """Candidates near the most uncertain labelled points, mixed with prior draws.

    Parameters
    ----------
    fraction : float, default=0.5
        Share of the candidates placed near labelled points: ``round(fraction * n)``
        of the ``n`` candidates are local, the rest prior draws. 0 gives the paper's
        loop exactly (:class:`~strategies.proposals.prior.PriorProposal`), 1 only
        local candidates.
    scale : float, default=0.05
        Standard deviation of the Gaussian step per coordinate, as a fraction of
        each side of the box (see the module docstring).
    n_seeds : int, default=1000
        The local candidates grow from the ``n_seeds`` labelled points with the
        highest eq. 1 uncertainty under the fitted learner (ties broken by the
        generator); each local candidate picks its seed among them uniformly, with
        replacement. With fewer labelled points, all of them are seeds.

    Raises
    ------
    ValueError
        For parameters out of range, and from :meth:`propose` for a pool with rows
        (a finite pool can only offer points of its table).

    Notes
    -----
    The seeds are ranked by eq. 1 on the committee-mean probability, whatever
    measure the selector uses. A forest predicts the points it was trained on, so
    its uncertainty there comes mostly from the trees that did not see a point
    (out of bag); it is still highest near the boundary.

    Examples
    --------
    >>> from datasets.oracles import Hypersphere
    >>> from datasets.pools import InfinitePool
    >>> from strategies.learners import ForestLearner
    >>> pool, rng = InfinitePool(Hypersphere(2, 0.5)), np.random.default_rng(0)
    >>> x = pool.space.sample(100, rng)
    >>> learner = ForestLearner(n_estimators=5, n_jobs=1).fit(pool.normalize(x), pool.label(x))
    >>> proposed = LocalProposal(fraction=0.25).propose(pool, learner, x, pool.normalize(x), 40, rng)
    >>> len(proposed.candidates), proposed.n_local
    (40, 10)
    """

    name = "local"

    def __init__(self, fraction: float = 0.5, scale: float = 0.05, n_seeds: int = 1000) -> None:
        if not 0.0 <= fraction <= 1.0:
            raise ValueError(f"fraction must be in [0, 1], but got fraction={fraction}.")
        if not (np.isfinite(scale) and scale > 0.0):
            raise ValueError(f"scale must be a positive fraction of the box side, but got scale={scale}.")
        if isinstance(n_seeds, bool) or not isinstance(n_seeds, (int, np.integer)) or n_seeds < 1:
            raise ValueError(f"n_seeds must be an integer of at least 1, but got n_seeds={n_seeds!r}.")
        self.fraction = float(fraction)
        self.scale = float(scale)
        self.n_seeds = int(n_seeds)

    def n_local(self, n: int) -> int:
        """How many of ``n`` candidates are local."""
        return int(round(self.fraction * n))

    def seeds(self, learner: Learner, labelled_norm: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Indices of the ``n_seeds`` most uncertain labelled points, most uncertain first."""
        uncertainty = committee_uncertainty(learner.predict_proba(labelled_norm)[:, 1])
        return top_n(uncertainty, self.n_seeds, rng)

    def perturb(self, pool: Pool, seeds_x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One Gaussian step (``scale`` in the unit box) from each row of ``seeds_x``, reflected into the box."""
        lower, upper = pool.space.lower, pool.space.upper
        width = upper - lower
        u = (np.asarray(seeds_x, dtype=np.float64) - lower) / width
        u = reflect_unit(u + self.scale * rng.standard_normal(u.shape))
        return np.clip(lower + width * u, lower, upper)

    def propose(
        self,
        pool: Pool,
        learner: Learner,
        labelled_x: np.ndarray,
        labelled_norm: np.ndarray,
        n: int,
        rng: np.random.Generator,
    ) -> Proposed:
        if pool.remaining() is not None:
            raise ValueError(
                f"local proposals need a pool that labels any point of the box, but got a {pool.kind} pool "
                "of table rows; use the strategy without '-local' (e.g. rf-qbc) or an infinite-pool dataset."
            )
        n_local = self.n_local(n)
        prior = pool.candidates(n - n_local, rng)
        if n_local == 0:
            return Proposed(prior, np.zeros(len(prior), dtype=bool))
        if len(labelled_x) == 0:
            raise ValueError("local proposals need at least one labelled point to start from, but got none.")
        seeds = self.seeds(learner, labelled_norm, rng)
        start = labelled_x[seeds[rng.integers(len(seeds), size=n_local)]]
        x = np.concatenate([prior.x, self.perturb(pool, start, rng)])
        local = np.concatenate([np.zeros(len(prior), dtype=bool), np.ones(n_local, dtype=bool)])
        return Proposed(Candidates(x), local)

    def batch_metrics(self, proposed: Proposed, labelled: np.ndarray) -> dict[str, float]:
        """``local_share``: the share of the labelled batch that came from local candidates."""
        picked = proposed.local[np.asarray(labelled, dtype=np.intp)]
        return {"local_share": float(picked.mean()) if len(picked) else 0.0}
