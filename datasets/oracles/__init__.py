"""Oracles: label whole batches of points (the expensive step of active learning)."""

from datasets.oracles._base import Oracle, OracleError
from datasets.oracles.analytic import Hyperplane, Hypersphere

__all__ = ["Hyperplane", "Hypersphere", "Oracle", "OracleError"]
