"""Oracles: label whole batches of points (the expensive step of active learning)."""

from datasets.oracles._base import Labels, Oracle, OracleError
from datasets.oracles.analytic import Hyperplane, Hypersphere
from datasets.oracles.cache import CachedOracle, LabelCache
from datasets.oracles.external import CommandOracle
from datasets.oracles.parallel import ParallelOracle
from datasets.oracles.python import CallableOracle

__all__ = [
    "CachedOracle",
    "CallableOracle",
    "CommandOracle",
    "Hyperplane",
    "Hypersphere",
    "LabelCache",
    "Labels",
    "Oracle",
    "OracleError",
    "ParallelOracle",
]
