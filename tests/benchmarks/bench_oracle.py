"""Benchmark (not a test): SUSY-AI oracle throughput against its FLOP-bound estimate.

Run: ``python tests/benchmarks/bench_oracle.py [--points 1000000]``. The estimate is
the machine's measured float32 matrix-multiply rate divided by the network's
FLOPs per point (two per multiply-add, activations not counted); the target is
500,000 labels per second on 2 CPU cores.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

from datasets.oracles.susyai import SusyAIOracle

TARGET = 500_000


def gemm_flops_per_second(repeats: int = 30) -> float:
    """Best-of float32 GEMM rate at the oracle's largest layer shape."""
    a = np.random.default_rng(0).random((16384, 500), dtype=np.float32)
    b = np.random.default_rng(1).random((500, 100), dtype=np.float32)
    best = np.inf
    for _ in range(repeats):
        t = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t)
    return 2 * a.shape[0] * a.shape[1] * b.shape[1] / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    oracle = SusyAIOracle()
    x = oracle.space.sample(args.points, np.random.default_rng(0))
    oracle.label(x[:20_000])  # trace and warm up
    times = []
    for _ in range(args.rounds):
        t = time.perf_counter()
        oracle.label(x)
        times.append(time.perf_counter() - t)
    flops_per_point = sum(2 * l.kernel.size for l in oracle.layers)
    measured = args.points / min(times)
    bound = gemm_flops_per_second() / flops_per_point
    report = {
        "cores": os.cpu_count(),
        "points": args.points,
        "best_seconds": round(min(times), 3),
        "labels_per_second": round(measured),
        "flops_per_point": flops_per_point,
        "flop_bound_labels_per_second": round(bound),
        "fraction_of_flop_bound": round(measured / bound, 3),
        "target_labels_per_second": TARGET,
        "meets_target": measured >= TARGET,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
