"""Diverse batches: selection time and batch spread vs plain top-k.

Run: ``python tests/benchmarks/bench_diverse.py [--candidates 100000] [--select 2500]``.
It fits a random forest (100 trees) on a 19-D hypersphere oracle (no data file
needed), scores ``--candidates`` candidates once, then times the
selection of ``--select`` points from those scores by top-k and by the
``kmeans`` and ``farthest`` diverse selectors for each ``--factors`` value. The
forest's scoring is shared by all selectors and timed once, so the figures are
the selection's own cost. For each it prints seconds (best of ``--rounds``),
the ratio to top-k, the batch's mean uncertainty and its mean pairwise distance
(normalised space, estimated from 200,000 random pairs) relative to top-k's.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from datasets.oracles.analytic import Hypersphere
from strategies.learners import ForestLearner
from strategies.selectors import DiverseSelector, top_n


class _Fixed:
    """A learner whose predictions were computed once, so only selection is timed."""

    def __init__(self, proba: np.ndarray) -> None:
        self.proba = proba

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return self.proba


def mean_pairwise(x: np.ndarray, rng: np.random.Generator, pairs: int = 200_000) -> float:
    """Mean Euclidean distance between random distinct pairs of rows."""
    i = rng.integers(len(x), size=pairs)
    j = (i + rng.integers(1, len(x), size=pairs)) % len(x)
    return float(np.sqrt(((x[i] - x[j]) ** 2).sum(axis=1)).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--select", type=int, default=2_500)
    parser.add_argument("--train", type=int, default=10_000)
    parser.add_argument("--factors", type=float, nargs="+", default=[2.0, 5.0, 10.0])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    oracle = Hypersphere(19)
    space = oracle.space
    x = space.sample(args.train, rng)
    learner = ForestLearner(n_estimators=100, random_state=0).fit(space.normalize(x), oracle.label(x))
    candidates = space.normalize(space.sample(args.candidates, rng))
    t0 = time.perf_counter()
    fixed = _Fixed(learner.predict_proba(candidates))
    print(f"forest scoring of {args.candidates} candidates: {time.perf_counter() - t0:.2f} s (shared, not counted)")
    scores = 1.0 - 2.0 * np.abs(fixed.proba[:, 1] - 0.5)
    print(f"candidates at the top score {scores.max():.2f}: {int((scores == scores.max()).sum())}")

    def timed(select: object) -> tuple[float, np.ndarray]:
        best, chosen = np.inf, np.empty(0, dtype=np.intp)
        for _ in range(args.rounds):
            t = time.perf_counter()
            chosen = select(np.random.default_rng(1))  # type: ignore[operator]
            best = min(best, time.perf_counter() - t)
        return best, chosen

    base_t, base = timed(lambda r: top_n(scores, args.select, r))
    base_d = mean_pairwise(candidates[base], np.random.default_rng(2))
    print(f"{'selector':10s} {'factor':>6s} {'seconds':>8s} {'x top-k':>8s} {'mean unc.':>9s} {'spread':>7s}")
    print(f"{'top-k':10s} {1:6.1f} {base_t:8.3f} {1:8.1f} {scores[base].mean():9.3f} {1:7.2f}")
    for method in ("kmeans", "farthest"):
        for factor in args.factors:
            selector = DiverseSelector(factor=factor, method=method)
            sec, chosen = timed(lambda r, s=selector: s.select(fixed, candidates, args.select, r))  # type: ignore[misc]
            spread = mean_pairwise(candidates[chosen], np.random.default_rng(2)) / base_d
            print(f"{method:10s} {factor:6.1f} {sec:8.3f} {sec / base_t:8.1f} {scores[chosen].mean():9.3f} {spread:7.2f}")


if __name__ == "__main__":
    main()
