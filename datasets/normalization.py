"""Input scaling for table data: z-score or the SUSY-AI box, optionally after log10.

Both conventions are affine per column, ``z = (t - center) / scale`` with
``t = log10(x)`` on the log-scaled columns and ``t = x`` elsewhere:

- ``zscore``: ``center`` and ``scale`` are the mean and standard deviation of each
  column over the whole table (the paper's finite-pool experiment). Only the
  parameters enter, never the labels, and every row of a finite pool is known
  before the loop starts, so this uses no information the loop does not have.
- ``box``: the SUSY-AI convention ``(t - mid) / (range / sqrt(12))`` over a
  :class:`~datasets.space.Space` (for the pMSSM-19, the SUSY-AI training box).

A zero spread (a constant column) is replaced by 1, so nothing is divided by zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from datasets.space import Space

__all__ = ["Normalizer"]


@dataclass(frozen=True)
class Normalizer:
    """An affine map per column, after an optional log10 on some columns.

    Examples
    --------
    >>> norm = Normalizer.zscore(np.array([[1.0, 10.0], [3.0, 1000.0]]), log=[1])
    >>> norm(np.array([[1.0, 10.0], [3.0, 1000.0]])).tolist()
    [[-1.0, -1.0], [1.0, 1.0]]
    """

    kind: str
    center: np.ndarray
    scale: np.ndarray
    log: np.ndarray  # boolean mask over columns

    @staticmethod
    def _mask(dimension: int, log: Sequence[int]) -> np.ndarray:
        mask = np.zeros(dimension, dtype=bool)
        mask[list(log)] = True
        return mask

    @staticmethod
    def _check_positive(values: np.ndarray, mask: np.ndarray, names: Sequence[str], where: str) -> None:
        for j in np.flatnonzero(mask):
            bad = values[:, j] <= 0
            if bad.any():
                rows = np.flatnonzero(bad)[:10].tolist()
                raise ValueError(
                    f"{where}: column {names[int(j)]!r} cannot be log-scaled: it has values <= 0 "
                    f"(at rows {rows}); remove it from table.log_columns."
                )

    @classmethod
    def zscore(
        cls,
        x: np.ndarray,
        log: Sequence[int] = (),
        *,
        names: Sequence[str] | None = None,
        where: str = "table",
    ) -> Normalizer:
        """Mean and standard deviation per column of ``x`` (after log10 on ``log``)."""
        x = np.asarray(x, dtype=np.float64)
        names = list(names) if names is not None else [str(i) for i in range(x.shape[1])]
        mask = cls._mask(x.shape[1], log)
        cls._check_positive(x, mask, names, where)
        t = np.where(mask, np.log10(np.where(mask, x, 1.0)), x)
        std = t.std(axis=0)
        return cls("zscore", t.mean(axis=0), np.where(std > 0, std, 1.0), mask)

    @classmethod
    def box(cls, space: Space, log: Sequence[int] = ()) -> Normalizer:
        """The SUSY-AI convention over ``space`` (in log10 on ``log``, whose bounds must be > 0)."""
        mask = cls._mask(space.dimension, log)
        cls._check_positive(space.lower[None, :], mask, space.names, "the box's lower bound")
        lo = np.where(mask, np.log10(np.where(mask, space.lower, 1.0)), space.lower)
        hi = np.where(mask, np.log10(np.where(mask, space.upper, 1.0)), space.upper)
        return cls("box", (hi + lo) / 2.0, (hi - lo) / np.sqrt(12.0), mask)

    @property
    def dimension(self) -> int:
        return len(self.center)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Scaled copy of ``x`` (n, dimension) as float32."""
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.dimension:
            raise ValueError(f"expected points of shape (n, {self.dimension}), but got shape {x.shape}.")
        if self.log.any():
            x = x.copy()
            x[:, self.log] = np.log10(x[:, self.log])
        return ((x - self.center) / self.scale).astype(np.float32)
