"""Pools: where the candidates of each iteration come from."""

from datasets.pools._base import Candidates, Pool
from datasets.pools.finite import FinitePool, RowSplit, split_rows
from datasets.pools.infinite import InfinitePool

__all__ = ["Candidates", "FinitePool", "InfinitePool", "Pool", "RowSplit", "split_rows"]
