"""Deep-ensemble speed: one vectorised fit of K members vs K sequential fits of one network.

Run: ``python tests/benchmarks/bench_ensemble.py [--members 10] [--train 10000] [--epochs 3]``
(``KERAS_BACKEND=torch`` or ``jax`` to measure another backend). On the SUSY-AI box
(19 parameters) labelled by an analytic stand-in (no data file needed) it times

1. training: one :class:`EnsembleLearner` fit of ``--members`` Table III networks
   (without dropout) for ``--epochs`` epochs, versus ``--members`` fits of the same
   single network as plain Keras ``Dense`` layers (:class:`DropoutLearner` with
   ``dropout=0``), each for the same epochs on the same points;
2. prediction: the committee over ``--candidates`` candidates, one
   ``committee_proba`` call versus one ``predict_proba`` per single network.

Both sides are traced once before timing; every figure is the best of
``--rounds`` runs, printed with the ratios (sequential / vectorised).
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument("--train", type=int, default=10_000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from datasets.oracles import Hyperplane
    from datasets.pmssm import pmssm19_space
    from strategies.learners import DropoutLearner, EnsembleLearner
    from strategies.learners._keras import keras_environment

    env = keras_environment()
    print(f"backend {env['keras_backend']}, device {env['device']}, {os.cpu_count()} CPU cores visible")
    space = pmssm19_space()
    rng = np.random.default_rng(0)
    X = space.normalize(space.sample(args.train, rng))
    y = Hyperplane(19).label((X / np.sqrt(12.0)) + 0.5)  # the oblique plane through the box centre
    cand = space.normalize(space.sample(args.candidates, rng))
    k, epochs = args.members, args.epochs

    ensemble = EnsembleLearner(k, epochs=epochs, patience=epochs, random_state=0)
    singles = [DropoutLearner(dropout=0.0, n_passes=1, epochs=epochs, patience=epochs, random_state=i)
               for i in range(k)]
    ensemble.fit(X[:2000], y[:2000]).committee_proba(cand[:1000])          # trace both once
    singles[0].fit(X[:2000], y[:2000]).predict_proba(cand[:1000])
    vectorised = _best(lambda: ensemble.fit(X, y), args.rounds)
    sequential = _best(lambda: [s.fit(X, y) for s in singles], args.rounds)
    print(f"training {k} Table III networks (no dropout), {args.train:,} points x 19, {epochs} epochs, batch 1000:")
    print(f"  one vectorised fit:    {vectorised:7.2f} s")
    print(f"  {k} sequential fits:    {sequential:7.2f} s")
    print(f"  ratio sequential / vectorised: {sequential / vectorised:.2f}")

    batched = _best(lambda: ensemble.committee_proba(cand), args.rounds)
    looped = _best(lambda: [s.predict_proba(cand) for s in singles], args.rounds)
    print(f"committee of {k} over {args.candidates:,} candidates:")
    print(f"  one committee_proba call: {batched:7.2f} s")
    print(f"  {k} predict_proba calls:   {looped:7.2f} s")
    print(f"  ratio looped / batched: {looped / batched:.2f}")


if __name__ == "__main__":
    main()
