"""Performance benchmark: oracle throughput and the time split of single loop iterations.

What ``alsuite bench`` measures, in one run:

- **oracle throughput** against its FLOP bound: labels per second of the SUSY-AI
  network divided by (measured float32 GEMM rate / FLOPs per point);
- for each profile, one iteration at its *first* labelled size (``size_initial``)
  and at its *last* one that still selects (``size_max - size_select``), built
  from the profile's real components: fit, predict on the candidates, the rest of
  candidate scoring (drawing, normalising, eq. 1, top-n), predict on the test set,
  the test metrics, labelling the selected batch, and logging the step to a
  throwaway MLflow store. The *harness overhead* is everything that is not fit,
  predict or label, as a share of the iteration; memory is the process RSS after
  each iteration (and its growth over it).

Single iterations are measured (not a full run), so the paper profile costs
about two of its iterations.
"""

from __future__ import annotations

import os
import tempfile
import time
from typing import Any

import numpy as np
import psutil

from datasets.oracles import Oracle
from datasets.registry import Dataset, build_dataset
from strategies.learners import Learner
from strategies.registry import get_strategy, make_learner, make_selector
from suite.config import BenchmarkConfig
from suite.loop import StepRecord
from suite.metrics import score

__all__ = ["gemm_flops_per_second", "iteration_split", "oracle_throughput", "run_bench"]


def gemm_flops_per_second(repeats: int = 30) -> float:
    """Best-of float32 GEMM rate at the SUSY-AI oracle's largest layer shape (FLOP/s)."""
    a = np.random.default_rng(0).random((16384, 500), dtype=np.float32)
    b = np.random.default_rng(1).random((500, 100), dtype=np.float32)
    best = np.inf
    for _ in range(repeats):
        t = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t)
    return 2 * a.shape[0] * a.shape[1] * b.shape[1] / best


def oracle_throughput(oracle: Any, points: int = 1_000_000, rounds: int = 3) -> dict[str, Any]:
    """Labels per second of a SUSY-AI-like oracle (with ``layers``) against its FLOP bound."""
    x = oracle.space.sample(points, np.random.default_rng(0))
    oracle.label(x[: min(points, 20_000)])  # trace and warm up
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        oracle.label(x)
        times.append(time.perf_counter() - t)
    flops_per_point = sum(2 * layer.kernel.size for layer in oracle.layers)
    measured = points / min(times)
    bound = gemm_flops_per_second() / flops_per_point
    return {
        "points": points,
        "best_seconds": round(min(times), 4),
        "labels_per_second": round(measured),
        "flops_per_point": flops_per_point,
        "flop_bound_labels_per_second": round(bound),
        "fraction_of_flop_bound": round(measured / bound, 3),
    }


class _TimedLearner(Learner):
    """The real learner, with the time spent in its predictions added up."""

    def __init__(self, inner: Learner) -> None:
        self.inner, self.predict_seconds = inner, 0.0

    def fit(self, X: np.ndarray, y: np.ndarray) -> Learner:
        self.inner.fit(X, y)
        return self

    def _timed(self, method: Any, X: np.ndarray) -> np.ndarray:
        t = time.perf_counter()
        out = method(X)
        self.predict_seconds += time.perf_counter() - t
        return out

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return self._timed(self.inner.predict_proba, X)

    def committee_proba(self, X: np.ndarray) -> np.ndarray:
        return self._timed(self.inner.committee_proba, X)

    @property
    def n_members(self) -> int:
        return self.inner.n_members


def _rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def iteration_split(config: BenchmarkConfig, dataset: Dataset, labelled: int, *, seed: int = 0,
                    strategy: str | None = None, tracking_uri: str | None = None) -> dict[str, float]:
    """Seconds of each part of one iteration with ``labelled`` points (see the module docstring)."""
    from suite.tracking import Tracker

    name = strategy or next((s for s in config.strategies if get_strategy(s).baseline), config.strategies[0])
    spec = get_strategy(name)
    rng = np.random.default_rng(seed)
    space, oracle = dataset.space, dataset.oracle
    if oracle is None:
        raise ValueError(f"alsuite bench times infinite-pool profiles; dataset {dataset.name!r} is a labelled table.")
    x = space.sample(labelled, rng)
    x_norm, y = space.normalize(x), oracle.label(x)
    x_test = space.sample(config.size_test, rng)
    x_test_norm, y_test = space.normalize(x_test), oracle.label(x_test)
    pool, selector = dataset.new_pool(), make_selector(spec.selector, config.selector_params(spec.selector))
    rss_before = _rss_mb()
    t = {"start": time.perf_counter()}
    learner = _TimedLearner(make_learner(spec.learner, config.learner_params(spec.learner), random_state=seed))
    learner.fit(x_norm, y)
    t["fit"] = time.perf_counter()
    proba = learner.predict_proba(x_test_norm)[:, 1]
    predict_test = learner.predict_seconds
    scores = score(y_test, proba)
    t["score_test"] = time.perf_counter()
    candidates = pool.candidates(config.size_sample, rng)
    chosen = selector.select(learner, pool.normalize(candidates.x), config.size_select, rng)
    predict_candidates = learner.predict_seconds - predict_test
    t["score_candidates"] = time.perf_counter()
    pool.acquire(candidates, chosen)
    t["label"] = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        uri = tracking_uri or f"sqlite:///{tmp}/bench.db"
        tracker = Tracker(config, tracking_uri=uri)
        run_id = tracker.client.create_run(tracker.client.create_experiment("bench")).info.run_id
        tracker.log_step(run_id, StepRecord(0, 0, scores, 0.0, 0.0, 0.0, 0.0, 0))  # warm the store up
        record = StepRecord(labelled, 1, scores, 0.0, 0.0, 0.0, 0.0, labelled)
        t["logging_start"] = time.perf_counter()
        tracker.log_step(run_id, record)
        t["logging"] = time.perf_counter()
    split = {
        "labelled": float(labelled),
        "fit_seconds": t["fit"] - t["start"],
        "score_test_seconds": t["score_test"] - t["fit"],
        "predict_test_seconds": predict_test,
        "score_candidates_seconds": t["score_candidates"] - t["score_test"],
        "predict_candidates_seconds": predict_candidates,
        "label_seconds": t["label"] - t["score_candidates"],
        "logging_seconds": t["logging"] - t["logging_start"],
    }
    total = sum(split[k] for k in ("fit_seconds", "score_test_seconds", "score_candidates_seconds",
                                   "label_seconds", "logging_seconds"))
    core = split["fit_seconds"] + predict_test + predict_candidates + split["label_seconds"]
    split["iteration_seconds"] = total
    split["harness_seconds"] = total - core
    split["harness_share"] = (total - core) / total
    for key in ("fit", "score_test", "score_candidates", "label", "logging"):
        split[f"{key}_share"] = split[f"{key}_seconds"] / total
    split["rss_mb"] = _rss_mb()
    split["rss_growth_mb"] = split["rss_mb"] - rss_before
    return split


def run_bench(configs: list[BenchmarkConfig], *, oracle_points: int = 1_000_000,
              seed: int = 0) -> dict[str, Any]:
    """Oracle throughput (when a profile uses SUSY-AI) and first/last iteration splits per config."""
    report: dict[str, Any] = {"cores": os.cpu_count(), "profiles": {}}
    built: dict[tuple[str, tuple[tuple[str, Any], ...]], Dataset] = {}
    for config in configs:
        key = (config.dataset.name, tuple(sorted(config.dataset.options().items(), key=str)))
        if key not in built:
            built[key] = build_dataset(config.dataset.name, **config.dataset.options())
        dataset = built[key]
        base: Oracle | None = getattr(dataset.oracle, "base", dataset.oracle)
        if "oracle" not in report and hasattr(base, "layers"):
            report["oracle"] = {"name": type(base).__name__, **oracle_throughput(base, oracle_points)}
        sizes = {"first": config.size_initial, "last": config.size_max - config.size_select}
        report["profiles"][config.name] = {
            "dataset": config.dataset.name,
            "size_sample": config.size_sample, "size_select": config.size_select, "size_test": config.size_test,
            "n_estimators": config.forest.n_estimators,
            **{which: iteration_split(config, dataset, n, seed=seed) for which, n in sizes.items()},
        }
    if "oracle" not in report:
        report["oracle"] = {"skipped": "no profile labels with the SUSY-AI network"}
    return report
