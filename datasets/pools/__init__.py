"""Pools: where the candidates of each iteration come from."""

from datasets.pools._base import Pool
from datasets.pools.infinite import InfinitePool

__all__ = ["InfinitePool", "Pool"]
