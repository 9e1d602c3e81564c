"""The stand-in for the ATLAS table: a finite pool labelled by the SUSY-AI network.

310,324 points (the size of the ATLAS pMSSM-19 table) drawn uniformly from the
SUSY-AI box with a fixed seed and labelled by :class:`~datasets.oracles.susyai.SusyAIOracle`.
It is built once and cached in :func:`datasets.data_dir.cache_dir` under a name that
holds the size, the seed and the oracle file's checksum, so a different oracle file
never reuses stale labels. Its runs are tagged ``surrogate=true``: the points are
uniform in the box (ATLAS sampled its own prior) and the labels are the network's
(about 93% accurate against ATLAS), so its numbers are **not** the paper's ATLAS
numbers.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from datasets.data_dir import cache_dir, locate, sha256sum
from datasets.pmssm import pmssm19_space
from datasets.tables import LabelledTable

if TYPE_CHECKING:
    from datasets.oracles.susyai import SusyAIOracle

__all__ = ["POOL_SEED", "POOL_SIZE", "build_susyai_pool", "pool_cache_file"]

POOL_SIZE = 310_324
POOL_SEED = 1905_08628  # arXiv:1905.08628


def pool_cache_file(size: int, seed: int, oracle_file: Path) -> Path:
    """Where the pool of ``size`` points and ``seed`` labelled by ``oracle_file`` is cached."""
    return cache_dir() / f"susyai-pool-n{size}-seed{seed}-{sha256sum(oracle_file)[:12]}.npz"


def build_susyai_pool(
    size: int = POOL_SIZE,
    seed: int = POOL_SEED,
    *,
    path: str | Path | None = None,
    oracle: SusyAIOracle | None = None,
    cache: bool = True,
) -> LabelledTable:
    """The stand-in pool as a table; read from the cache, or built and cached.

    Parameters
    ----------
    size : int, default=310324
        Number of points.
    seed : int, default=190508628
        Seed of the uniform draw.
    path : str or Path, optional
        The SUSY-AI network file (default: located by :func:`datasets.data_dir.locate`).
    oracle : SusyAIOracle, optional
        An already built oracle (its file is then ``path``); saves rebuilding the network.
    cache : bool, default=True
        Read and write the cache file.
    """
    from datasets.oracles.susyai import SUSYAI_FILE, SusyAIOracle

    if size < 1:
        raise ValueError(f"dataset.size must be at least 1, but got size={size}.")
    if oracle is not None:
        path = oracle.path
    oracle_file = Path(path) if path is not None else locate(SUSYAI_FILE)
    space = pmssm19_space()
    target = pool_cache_file(size, seed, oracle_file)
    if cache and target.is_file():
        with np.load(target, allow_pickle=False) as data:
            x, y = data["x"], data["y"]
        if x.shape == (size, space.dimension) and y.shape == (size,):
            return LabelledTable(str(target), space.names, x, y)
    x = space.sample(size, np.random.default_rng(seed))
    y = (oracle or SusyAIOracle(oracle_file)).label(x)
    if cache:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".npz", delete=False) as tmp:
            np.savez(tmp, x=x, y=y)
        os.chmod(tmp.name, 0o644)
        os.replace(tmp.name, target)
    return LabelledTable(str(target) if cache else "susyai-pool (not cached)", space.names, x, y)
