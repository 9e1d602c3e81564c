"""How long the susyai-pool stand-in takes to build (uncached) and to read back from its cache.

Run: ``ALSUITE_DATA_DIR=../shared/data python tests/benchmarks/bench_susyai_pool.py``.
The build goes to a temporary cache folder, so the user's cache is left alone.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=310_324)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CACHE_HOME"] = tmp
        t0 = time.perf_counter()
        from datasets.oracles.susyai import SusyAIOracle
        from datasets.susyai_pool import POOL_SEED, build_susyai_pool, pool_cache_file

        oracle = SusyAIOracle()
        t1 = time.perf_counter()
        table = build_susyai_pool(args.size, oracle=oracle)
        t2 = time.perf_counter()
        again = build_susyai_pool(args.size, oracle=oracle)
        t3 = time.perf_counter()
        size_mb = pool_cache_file(args.size, POOL_SEED, oracle.path).stat().st_size / 1e6
    assert (again.x == table.x).all() and (again.y == table.y).all()
    print(f"points: {len(table):,}, allowed: {table.y.mean():.4f}, cache file: {size_mb:.1f} MB")
    print(f"load TensorFlow + build the SUSY-AI network: {t1 - t0:.2f} s")
    print(f"draw + label + write the cache:             {t2 - t1:.2f} s ({len(table) / (t2 - t1):,.0f} points/s)")
    print(f"read back from the cache:                   {t3 - t2:.2f} s")


if __name__ == "__main__":
    main()
