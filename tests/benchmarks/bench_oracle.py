"""Benchmark (not a test): SUSY-AI oracle throughput against its FLOP-bound estimate.

Run: ``python tests/benchmarks/bench_oracle.py [--points 1000000]``. The estimate is
the machine's measured float32 matrix-multiply rate divided by the network's
FLOPs per point (two per multiply-add, activations not counted); the target is
500,000 labels per second on 2 CPU cores. The measuring functions live in
:mod:`suite.perf` (also used by ``alsuite bench``).
"""

from __future__ import annotations

import argparse
import json
import os

from datasets.oracles.susyai import SusyAIOracle
from suite.perf import oracle_throughput

TARGET = 500_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    report = {"cores": os.cpu_count(), **oracle_throughput(SusyAIOracle(), args.points, args.rounds)}
    report["target_labels_per_second"] = TARGET
    report["meets_target"] = report["labels_per_second"] >= TARGET
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
