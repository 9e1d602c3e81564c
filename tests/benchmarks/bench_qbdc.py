"""QBDC speed: batched committee scoring vs separate passes, and training time per epoch.

Run: ``python tests/benchmarks/bench_qbdc.py [--candidates 100000] [--passes 25]``
(``KERAS_BACKEND=torch`` or ``jax`` to measure another backend). It trains the
Table III network briefly on the SUSY-AI box labelled by an analytic stand-in
(no data file needed), then times

1. the committee of ``--passes`` passes over ``--candidates`` candidates, computed
   by :meth:`DropoutLearner.committee_proba` (candidates tiled, one call per
   chunk) versus a loop of ``--passes`` separate ``model.predict`` calls;
2. one training epoch on ``--train`` points (batch 1000), on the CPU;
3. the same on the GPU when the backend sees one (else it says there is none;
   ``CUDA_VISIBLE_DEVICES=`` hides the GPU for the CPU figure on a GPU machine).

Every figure is the best of ``--rounds`` runs, printed with the ratios.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

import numpy as np


def _best(fn: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _epoch_seconds(X: np.ndarray, y: np.ndarray, epochs: int) -> float:
    """Seconds per epoch from the slope between a 1-epoch and an ``epochs``-epoch fit (fixed costs cancel)."""
    from strategies.learners import DropoutLearner

    def fit(n: int) -> float:
        model = DropoutLearner(epochs=n, patience=n, random_state=0)
        t0 = time.perf_counter()
        model.fit(X, y)
        return time.perf_counter() - t0

    fit(1)  # trace once
    one, many = fit(1), fit(epochs)
    return (many - one) / (epochs - 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--passes", type=int, default=25)
    parser.add_argument("--train", type=int, default=10_000)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    from datasets.oracles import Hyperplane
    from datasets.pmssm import pmssm19_space
    from strategies.learners import DropoutLearner
    from strategies.learners._keras import keras_environment

    env = keras_environment()
    print(f"backend {env['keras_backend']}, device {env['device']}, {os.cpu_count()} CPU cores visible")
    space = pmssm19_space()
    rng = np.random.default_rng(0)
    plane = Hyperplane(19)
    X = space.normalize(space.sample(args.train, rng))
    y = plane.label((X / np.sqrt(12.0)) + 0.5)  # the oblique plane through the box centre
    cand = space.normalize(space.sample(args.candidates, rng))

    learner = DropoutLearner(n_passes=args.passes, epochs=3, random_state=0).fit(X, y)
    learner.committee_proba(cand[:1000])
    batched = _best(lambda: learner.committee_proba(cand), args.rounds)
    model = learner.model_
    model.predict(cand[:1000], batch_size=65536, verbose=0)
    looped = _best(lambda: [model.predict(cand, batch_size=65536, verbose=0) for _ in range(args.passes)],
                   args.rounds)
    rows = args.candidates * args.passes
    print(f"committee of {args.passes} passes over {args.candidates:,} candidates ({rows:,} network rows):")
    print(f"  batched (tiled, one call per {learner.predict_rows:,} rows): {batched:7.2f} s  "
          f"({rows / batched:,.0f} rows/s)")
    print(f"  loop of {args.passes} model.predict calls:            {looped:7.2f} s  ({rows / looped:,.0f} rows/s)")
    print(f"  ratio loop / batched: {looped / batched:.2f}")

    device = env["device"]
    if device == "cpu":
        cpu = _epoch_seconds(X, y, args.epochs)
        print(f"training, Table III network, {args.train:,} points, batch 1000: {cpu:.3f} s per epoch on the CPU")
        print("GPU: none visible to this backend, so no GPU figures (on a GPU machine the script prints "
              "the GPU epoch time instead)")
        return
    gpu = _epoch_seconds(X, y, args.epochs)
    print(f"training, Table III network, {args.train:,} points, batch 1000: {gpu:.3f} s per epoch on {device}; "
          f"rerun with CUDA_VISIBLE_DEVICES= for the CPU figure and divide for the CPU / GPU ratio")
    del keras

if __name__ == "__main__":
    main()
