"""The pool-based active-learning loop for one (strategy, repeat).

fit -> score on the test set -> report the step -> draw candidates -> select ->
label -> append, until ``size_max`` labels or, for a finite pool, until the pool
is empty. Buffers are preallocated, so no array grows inside the loop. After every
labelled batch (before the next fit) the loop hands a :class:`LoopState` to
``on_batch`` (the checkpoint), and a loop started from such a state continues
exactly as the uninterrupted one would have.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from datasets.oracles import OracleError
from datasets.pools import Pool
from strategies.learners import Learner
from strategies.selectors import Selector
from strategies.selectors.uncertainty import committee_uncertainty
from suite.metrics import score

__all__ = ["LabelledSet", "LoopState", "StepRecord", "pool_depletion", "run_loop"]


@dataclass(frozen=True)
class LabelledSet:
    """Points in physical units with their labels."""

    x: np.ndarray
    y: np.ndarray

    def __post_init__(self) -> None:
        if self.x.ndim != 2 or self.y.shape != (len(self.x),):
            raise ValueError(
                f"a labelled set needs x of shape (n, d) and y of shape (n,), "
                f"but got {self.x.shape} and {self.y.shape}."
            )


@dataclass(frozen=True)
class StepRecord:
    """What one iteration measured; ``step`` is the labelled-set size."""

    step: int
    iteration: int
    scores: dict[str, float]
    fit_seconds: float
    score_seconds: float
    select_seconds: float
    label_seconds: float
    oracle_calls: int
    pool: dict[str, float] = field(default_factory=dict)
    unlabelled: int = 0

    def metrics(self) -> dict[str, float]:
        """All values logged at this step, by their MLflow metric names."""
        return {
            **self.scores,
            "fit_seconds": self.fit_seconds,
            "score_seconds": self.score_seconds,
            "select_seconds": self.select_seconds,
            "label_seconds": self.label_seconds,
            "oracle_calls": float(self.oracle_calls),
            "unlabelled": float(self.unlabelled),
            **self.pool,
        }


def pool_depletion(pool: Pool, learner: Learner) -> dict[str, float]:
    """``pool_remaining`` rows and the share of them with eq. 1 uncertainty >= 0.5 (finite pools).

    Uncertainty >= 0.5 means a committee-mean probability within 0.25 of 0.5. The share
    is 0.0 once the pool is empty. Infinite pools report nothing.
    """
    unused = pool.unused()
    if unused is None:
        return {}
    if len(unused) == 0:
        return {"pool_remaining": 0.0, "pool_uncertain_share": 0.0}
    uncertainty = committee_uncertainty(learner.predict_proba(pool.normalize(unused.x))[:, 1])
    return {"pool_remaining": float(len(unused)), "pool_uncertain_share": float(np.mean(uncertainty >= 0.5))}


@dataclass(frozen=True)
class LoopState:
    """Everything needed to continue a loop after its ``iteration``-th labelled batch.

    ``x`` (physical units) and ``y`` are the labelled set so far; ``rng_state`` is
    the generator's ``bit_generator.state`` after that batch was drawn and selected;
    ``records`` are the steps already measured (the next fit is ``iteration``).
    """

    iteration: int
    x: np.ndarray
    y: np.ndarray
    rng_state: dict[str, Any]
    records: list[StepRecord]
    select_seconds: float
    label_seconds: float
    pool_state: dict[str, Any]
    unlabelled: int


def run_loop(
    *,
    pool: Pool,
    make_learner: Callable[[], Learner],
    selector: Selector,
    initial: LabelledSet,
    test_x: np.ndarray,
    test_y: np.ndarray,
    size_sample: int,
    size_select: int,
    size_max: int,
    rng: np.random.Generator,
    on_step: Callable[[StepRecord], None] | None = None,
    last_batch: str = "rest",
    start: LoopState | None = None,
    on_batch: Callable[[LoopState], None] | None = None,
) -> list[StepRecord]:
    """Run the loop from ``initial`` until ``size_max`` points are labelled or the pool is empty.

    ``test_x`` is normalised as the learner sees it. Each iteration trains a fresh
    learner from ``make_learner()`` on everything labelled so far. The label times
    cover the oracle calls of the batch that *led to* this step (0 for the first).
    ``start`` resumes from a saved :class:`LoopState` (``rng`` and ``pool`` are set
    to its state; ``on_step`` only sees the new steps); ``on_batch`` receives the
    state after every labelled batch. Points the pool returns unlabelled are
    dropped and counted in ``StepRecord.unlabelled``.

    For a finite pool, each step also records :func:`pool_depletion` (its time is
    part of ``score_seconds``); when fewer rows remain than ``size_select``,
    ``last_batch="rest"`` labels all of them in a last, smaller batch (the run ends
    with the pool empty) and ``last_batch="stop"`` ends the run instead.

    Returns
    -------
    list of StepRecord
        One per fitted model, with strictly increasing ``step``.
    """
    if last_batch not in ("rest", "stop"):
        raise ValueError(f"last_batch must be 'rest' or 'stop', but got last_batch={last_batch!r}.")
    n = n_initial = len(initial.y)
    if n >= size_max:
        raise ValueError(f"the initial set ({n} points) must be smaller than size_max={size_max}.")
    left = pool.remaining()
    capacity = size_max if left is None else min(size_max, n + left)
    dimension = pool.space.dimension
    x_phys = np.empty((capacity, dimension), dtype=np.float64)
    x_norm = np.empty((capacity, dimension), dtype=np.float32)
    y_buf = np.empty(capacity, dtype=np.int8)
    records: list[StepRecord] = []
    select_seconds = label_seconds = 0.0
    iteration = unlabelled = 0
    x_start, y_start = initial.x, initial.y
    if start is not None:
        x_start, y_start, n = start.x, start.y, len(start.y)
        iteration, unlabelled = start.iteration, start.unlabelled
        records, select_seconds, label_seconds = list(start.records), start.select_seconds, start.label_seconds
        rng.bit_generator.state = start.rng_state
        pool.set_state(start.pool_state)
    x_phys[:n] = x_start
    x_norm[:n] = pool.normalize(x_start)
    y_buf[:n] = y_start
    while True:
        t0 = time.perf_counter()
        learner = make_learner().fit(x_norm[:n], y_buf[:n])
        t1 = time.perf_counter()
        scores = score(test_y, learner.predict_proba(test_x)[:, 1])
        depletion = pool_depletion(pool, learner)
        t2 = time.perf_counter()
        record = StepRecord(
            step=n,
            iteration=iteration,
            scores=scores,
            fit_seconds=t1 - t0,
            score_seconds=t2 - t1,
            select_seconds=select_seconds,
            label_seconds=label_seconds,
            oracle_calls=n_initial + pool.oracle_calls,
            pool=depletion,
            unlabelled=unlabelled,
        )
        records.append(record)
        if on_step is not None:
            on_step(record)
        if n >= capacity:
            return records
        left = pool.remaining()
        if left is not None and left < size_select and last_batch == "stop":
            return records
        t0 = time.perf_counter()
        k = min(size_select, capacity - n)
        candidates = pool.candidates(size_sample, rng)
        candidates_norm = pool.normalize(candidates.x)
        chosen = selector.select(learner, candidates_norm, k, rng)
        if len(chosen) == 0:
            return records
        t1 = time.perf_counter()
        y_new, ok = pool.acquire_partial(candidates, chosen)
        t2 = time.perf_counter()
        keep = np.asarray(chosen)[ok]
        if len(keep) == 0:
            raise OracleError(
                f"no point of the batch of iteration {iteration} ({len(chosen)} points) got a label; "
                "the oracle fails everywhere, check it (its messages are in the log above)."
            )
        m = len(keep)
        x_phys[n : n + m] = candidates.x[keep]
        x_norm[n : n + m] = candidates_norm[keep]
        y_buf[n : n + m] = y_new[ok]
        n += m
        unlabelled += len(chosen) - m
        select_seconds, label_seconds = t1 - t0, t2 - t1
        iteration += 1
        if on_batch is not None:
            on_batch(LoopState(iteration, x_phys[:n], y_buf[:n], dict(rng.bit_generator.state), list(records),
                               select_seconds, label_seconds, pool.get_state(), unlabelled))
