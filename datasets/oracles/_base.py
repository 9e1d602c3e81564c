"""The oracle contract: the expensive labeller of the active-learning loop."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import NamedTuple

import numpy as np

from datasets.space import Space

__all__ = ["Labels", "Oracle", "OracleError"]


class OracleError(RuntimeError):
    """An oracle returned something unusable (wrong shape, labels outside {0, 1})."""


class Labels(NamedTuple):
    """Labels of a batch and which points actually got one.

    ``y`` has shape ``(n_points,)``, int8 in {0, 1}; where ``labelled`` is False the
    point got no label (its ``y`` is 0 and must not be used).
    """

    y: np.ndarray
    labelled: np.ndarray


class Oracle(ABC):
    """Labels whole batches of points given in the physical units of :attr:`space`.

    Contract: :meth:`label` takes an array of shape ``(n_points, space.dimension)``
    and returns ``n_points`` labels in {0, 1} as ``int8`` (1 = allowed), in input
    order. It never mutates its input, is deterministic for a given input, and
    labels the batch in one vectorised call (never point by point).
    """

    space: Space

    @abstractmethod
    def _label(self, x: np.ndarray) -> np.ndarray:
        """Label a validated batch; subclasses implement this."""

    def _check_points(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.space.dimension:
            raise ValueError(
                f"{type(self).__name__} labels points of shape (n_points, "
                f"{self.space.dimension}), but got shape {x.shape}."
            )
        return x

    def label_partial(self, x: np.ndarray) -> Labels:
        """Label what can be labelled; points that failed are marked, never guessed.

        Oracles that cannot fail (the default) label every point. Oracles running
        a user's program override this (see :mod:`datasets.oracles.external`):
        with ``on_failure="exclude"`` a point that still fails after its retries
        comes back with ``labelled`` False; the loop drops and counts it.
        """
        y = self.label(x)
        return Labels(y, np.ones(len(y), dtype=bool))

    def label(self, x: np.ndarray) -> np.ndarray:
        """Label a batch of points; see the class docstring for the contract."""
        x = self._check_points(x)
        if len(x) == 0:
            return np.zeros(0, dtype=np.int8)
        y = np.asarray(self._label(x))
        if y.shape != (len(x),):
            raise OracleError(
                f"{type(self).__name__} returned labels of shape {y.shape} for "
                f"{len(x)} points; expected ({len(x)},)."
            )
        bad = ~np.isin(y, (0, 1))
        if bad.any():
            rows = np.flatnonzero(bad)[:10].tolist()
            raise OracleError(
                f"{type(self).__name__} returned labels outside {{0, 1}} at rows {rows} "
                f"(values {np.unique(y[bad])[:5].tolist()})."
            )
        return y.astype(np.int8)
