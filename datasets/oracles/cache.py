"""Labels cached by point, so no point is ever sent to the oracle twice.

A point's key is the BLAKE2b-128 digest of its physical parameter vector as
float64 bytes. :class:`CachedOracle` answers known points from the cache, sends
only the new (and within a batch, distinct) ones to its inner oracle, and passes
every new label to the cache's ``persist`` callback, which the checkpoint store
uses to write it to disk before the loop goes on (so a resumed run finds it).
Only points that got a label are cached; a failed point is tried again if it
comes up again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np

from datasets.oracles._base import Labels, Oracle, OracleError

__all__ = ["CachedOracle", "LabelCache", "point_keys"]


def point_keys(x: np.ndarray) -> list[bytes]:
    """One 16-byte key per row of ``x`` (physical units, hashed as float64)."""
    x = np.ascontiguousarray(x, dtype=np.float64)
    return [hashlib.blake2b(row.tobytes(), digest_size=16).digest() for row in x]


class LabelCache:
    """Point key -> label, with an optional ``persist(x, y)`` called for every new entry."""

    def __init__(self, persist: Callable[[np.ndarray, np.ndarray], None] | None = None) -> None:
        self._labels: dict[bytes, int] = {}
        self.persist = persist

    def __len__(self) -> int:
        return len(self._labels)

    def load(self, x: np.ndarray, y: np.ndarray) -> None:
        """Add already persisted labels (no ``persist`` call)."""
        self._labels.update(zip(point_keys(x), (int(v) for v in y), strict=True))

    def add(self, x: np.ndarray, y: np.ndarray, keys: list[bytes] | None = None) -> None:
        """Add new labels and persist them."""
        if len(y) == 0:
            return
        if self.persist is not None:
            self.persist(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.int8))
        self._labels.update(zip(keys or point_keys(x), (int(v) for v in y), strict=True))

    def get(self, key: bytes) -> int | None:
        return self._labels.get(key)


class CachedOracle(Oracle):
    """An oracle in front of ``inner`` that never asks it twice about one point.

    ``sent`` counts the points actually sent to ``inner``, ``hits`` those answered
    without it (known before, or repeating a point of the same batch).
    """

    def __init__(self, inner: Oracle, cache: LabelCache) -> None:
        self.inner = inner
        self.space = inner.space
        self.cache = cache
        self.sent = 0
        self.hits = 0

    def label_partial(self, x: np.ndarray) -> Labels:
        x = self._check_points(x)
        keys = point_keys(x)
        y = np.zeros(len(x), dtype=np.int8)
        labelled = np.zeros(len(x), dtype=bool)
        first: dict[bytes, int] = {}
        for i, key in enumerate(keys):
            known = self.cache.get(key)
            if known is not None:
                y[i], labelled[i] = known, True
                self.hits += 1
            elif key not in first:
                first[key] = i
        if first:
            rows = np.fromiter(first.values(), dtype=np.int64, count=len(first))
            new = self.inner.label_partial(x[rows])
            self.sent += len(rows)
            good = rows[new.labelled]
            self.cache.add(x[good], new.y[new.labelled], [keys[i] for i in good])
        for i, key in enumerate(keys):
            if not labelled[i]:
                known = self.cache.get(key)
                if known is not None:
                    y[i], labelled[i] = known, True
                    self.hits += first.get(key) != i  # a repeat of a point sent in this batch
        return Labels(y, labelled)

    def _label(self, x: np.ndarray) -> np.ndarray:
        y, labelled = self.label_partial(x)
        if not labelled.all():
            raise OracleError(f"the oracle left rows {np.flatnonzero(~labelled)[:20].tolist()} unlabelled.")
        return y
