"""The finite pool: the unused rows of a labelled table, each acquired at most once.

Two kinds of index meet here and are kept apart:

- a *table row id* is a row of the labelled table (``table.x[id]``); candidates carry
  them in :attr:`Candidates.ids`, and the initial, test and pool sets are sets of them;
- a *pool position* is an index into this pool's sorted row ids; it is internal to
  :class:`FinitePool` (the used-row mask), never handed out.

:func:`split_rows` makes a repeat's disjoint initial / test / pool split of the table
from the repeat's generator; every strategy of the repeat gets the same split.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from datasets.pools._base import Candidates, Pool
from datasets.space import Space

__all__ = ["FinitePool", "RowSplit", "split_rows"]


@dataclass(frozen=True)
class RowSplit:
    """Disjoint table row ids: the initial labelled set, the test set and the pool (sorted)."""

    initial: np.ndarray
    test: np.ndarray
    pool: np.ndarray


def split_rows(
    n_rows: int,
    size_initial: int,
    size_test: int,
    rng: np.random.Generator,
    *,
    min_pool: int = 1,
    where: str = "the table",
) -> RowSplit:
    """Draw ``size_initial`` initial and ``size_test`` test rows; the pool is every other row.

    Raises
    ------
    ValueError
        When the table has fewer than ``size_initial + size_test + min_pool`` rows.

    Examples
    --------
    >>> split = split_rows(10, 3, 2, np.random.default_rng(0))
    >>> len(split.initial), len(split.test), len(split.pool)
    (3, 2, 5)
    """
    need = size_initial + size_test + min_pool
    if n_rows < need:
        raise ValueError(
            f"{where} has {n_rows} rows, too few for size_initial={size_initial} + "
            f"size_test={size_test} + a pool of at least {min_pool} (size_select) rows = {need}; "
            f"lower the sizes or use a larger table."
        )
    order = rng.permutation(n_rows)
    return RowSplit(
        initial=order[:size_initial],
        test=order[size_initial : size_initial + size_test],
        pool=np.sort(order[size_initial + size_test :]),
    )


class FinitePool(Pool):
    """The rows ``rows`` of a labelled table as a pool that shrinks as rows are acquired.

    Parameters
    ----------
    x : ndarray of shape (n_rows, n_parameters)
        Every row of the table, physical units.
    y : ndarray of shape (n_rows,)
        Labels in {0, 1}.
    rows : ndarray of int
        The table row ids that form the pool (distinct).
    space : Space
        The parameter box (names and dimension).
    normalize : callable
        Scales points as the learner sees them.

    Notes
    -----
    ``candidates(n, rng)`` offers every unused row when ``n`` is at least the number
    remaining (the paper scored the whole remaining pool: set ``size_sample`` to the
    pool size or more), and otherwise a uniform random subset of ``n`` unused rows.
    """

    kind = "finite"

    def __init__(
        self,
        x: np.ndarray,
        y: np.ndarray,
        rows: np.ndarray,
        space: Space,
        normalize: Callable[[np.ndarray], np.ndarray],
    ) -> None:
        rows = np.sort(np.asarray(rows, dtype=np.int64))
        if rows.size and (rows[0] < 0 or rows[-1] >= len(y) or np.any(np.diff(rows) == 0)):
            raise ValueError(f"pool rows must be distinct table row ids in [0, {len(y)}).")
        self._x, self._y, self.rows = x, y, rows
        self.space = space
        self._normalize = normalize
        self._used = np.zeros(len(rows), dtype=bool)
        self._left = len(rows)
        self._batches: list[np.ndarray] = []
        self.oracle_calls = 0

    def normalize(self, x: np.ndarray) -> np.ndarray:
        return self._normalize(x)

    def remaining(self) -> int:
        return self._left

    @property
    def acquired(self) -> np.ndarray:
        """Table row ids acquired so far, in the order they were acquired."""
        return np.concatenate(self._batches) if self._batches else np.zeros(0, dtype=np.int64)

    def unused(self) -> Candidates:
        ids = self.rows[~self._used]
        return Candidates(self._x[ids], ids)

    def candidates(self, n: int, rng: np.random.Generator) -> Candidates:
        ids = self.rows[~self._used]
        if n < len(ids):
            ids = ids[rng.choice(len(ids), size=n, replace=False)]
        return Candidates(self._x[ids], ids)

    def acquire(self, candidates: Candidates, chosen: np.ndarray) -> np.ndarray:
        if candidates.ids is None:
            raise ValueError("a finite pool labels rows by id: pass candidates from this pool's candidates().")
        ids = np.asarray(candidates.ids)[np.asarray(chosen, dtype=np.int64)]
        if len(np.unique(ids)) != len(ids):
            raise ValueError(f"the chosen candidates repeat table rows {sorted(ids.tolist())[:10]}.")
        positions = np.minimum(np.searchsorted(self.rows, ids), max(len(self.rows) - 1, 0))
        inside = self.rows[positions] == ids if len(self.rows) else np.zeros(len(ids), dtype=bool)
        if not inside.all():
            raise ValueError(f"table rows {ids[~inside][:10].tolist()} are not in this pool (initial or test rows?).")
        if self._used[positions].any():
            raise ValueError(f"table rows {ids[self._used[positions]][:10].tolist()} were already acquired.")
        self._used[positions] = True
        self._left -= len(ids)
        self._batches.append(ids)
        self.oracle_calls += len(ids)
        return self._y[ids].astype(np.int8)

    def get_state(self) -> dict[str, Any]:
        """The acquired row ids, batch by batch (JSON-serialisable), and the label count."""
        return {"oracle_calls": int(self.oracle_calls), "batches": [b.tolist() for b in self._batches]}

    def set_state(self, state: dict[str, Any]) -> None:
        """Mark the saved batches as acquired in a fresh pool built on the same rows."""
        if self._batches:
            raise ValueError("set_state needs a fresh pool; this one has already acquired rows.")
        for batch in state["batches"]:
            ids = np.asarray(batch, dtype=np.int64)
            positions = np.searchsorted(self.rows, ids)
            if len(ids) and (positions.max() >= len(self.rows) or np.any(self.rows[positions] != ids)):
                raise ValueError("the saved pool state names rows outside this pool; was the table changed?")
            self._used[positions] = True
            self._left -= len(ids)
            self._batches.append(ids)
        self.oracle_calls = int(state["oracle_calls"])
