"""Cheap oracles with exactly known decision boundaries in any dimension.

They need no data file, so tests and quick demos run on them:

- :class:`Hypersphere`: allowed inside a ball centred in the unit cube;
- :class:`Hyperplane`: allowed on one side of an oblique plane through the centre.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import qmc

from datasets.oracles._base import Oracle
from datasets.space import Space

__all__ = ["Hyperplane", "Hypersphere"]


def _ball_fraction(radius: float, dimension: int) -> float:
    """Volume of a ball of ``radius`` (only exact while it fits in the unit cube)."""
    return math.pi ** (dimension / 2) / math.gamma(dimension / 2 + 1) * radius**dimension


class Hypersphere(Oracle):
    """Label 1 inside the ball ``|x - 0.5| < radius`` in ``[0, 1]^dimension``.

    The radius is chosen so that the ball holds ``fraction`` of the cube's volume.
    While the ball fits inside the cube the radius follows from the ball-volume
    formula exactly; otherwise (high dimension or large fraction) it is the
    ``fraction`` quantile of the distance to the centre, computed once by scrambled
    Sobol quadrature with 2**18 points (fraction accurate to about 1e-3). The
    boundary itself, the sphere, is always exact.

    Parameters
    ----------
    dimension : int
        Number of parameters, at least 1.
    fraction : float, default=0.5
        Share of the cube labelled 1, in (0, 1).
    """

    def __init__(self, dimension: int, fraction: float = 0.5) -> None:
        if not 0.0 < fraction < 1.0:
            raise ValueError(f"fraction must be in (0, 1), but got fraction={fraction}.")
        self.space = Space.unit_cube(dimension)
        self.fraction = float(fraction)
        radius = (fraction / _ball_fraction(1.0, dimension)) ** (1.0 / dimension)
        if radius > 0.5:
            sobol = qmc.Sobol(dimension, scramble=True, seed=12345).random_base2(18)
            distances = np.linalg.norm(sobol - 0.5, axis=1)
            radius = float(np.quantile(distances, fraction))
        self.radius = float(radius)
        self.centre = np.full(dimension, 0.5)

    def distance(self, x: np.ndarray) -> np.ndarray:
        """Signed distance to the boundary (negative inside the ball)."""
        return np.linalg.norm(np.asarray(x) - self.centre, axis=1) - self.radius

    def _label(self, x: np.ndarray) -> np.ndarray:
        return (self.distance(x) < 0).astype(np.int8)


class Hyperplane(Oracle):
    """Label 1 where ``normal . (x - 0.5) > 0`` in ``[0, 1]^dimension``.

    The plane passes through the cube's centre, so by the symmetry ``x -> 1 - x``
    exactly half of the cube is labelled 1 whatever the normal. The default normal
    is oblique: the unit vector ``(1, 2, ..., dimension)`` normalised, so no axis
    is special and forests cannot solve it with one split.

    Parameters
    ----------
    dimension : int
        Number of parameters, at least 1.
    normal : array-like of shape (dimension,), optional
        Plane normal (need not be unit length, must be non-zero).
    """

    fraction = 0.5

    def __init__(self, dimension: int, normal: np.ndarray | None = None) -> None:
        self.space = Space.unit_cube(dimension)
        w = np.arange(1.0, dimension + 1) if normal is None else np.asarray(normal, float)
        if w.shape != (dimension,) or not np.any(w):
            raise ValueError(f"normal must be a non-zero vector of length {dimension}, but got {w!r}.")
        self.normal = w / np.linalg.norm(w)

    def distance(self, x: np.ndarray) -> np.ndarray:
        """Signed distance to the plane (positive on the allowed side)."""
        return (np.asarray(x) - 0.5) @ self.normal

    def _label(self, x: np.ndarray) -> np.ndarray:
        return (self.distance(x) > 0).astype(np.int8)
