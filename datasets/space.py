"""A named parameter box with a uniform prior and the SUSY-AI normalisation.

The normalisation is the convention of the SUSY-AI network and of the paper:
``z = (x - mid) / (range / sqrt(12))``, i.e. a uniform variable over the box maps to
zero mean and unit variance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Space"]


@dataclass(frozen=True)
class Space:
    """An axis-aligned box of named parameters.

    Parameters
    ----------
    names : sequence of str
        Parameter names, one per dimension.
    lower, upper : sequence of float
        Box bounds per dimension, ``lower < upper``.
    units : sequence of str, optional
        Physical unit per dimension ("" for dimensionless).

    Examples
    --------
    >>> space = Space.unit_cube(3)
    >>> x = space.sample(4, np.random.default_rng(0))
    >>> bool(np.allclose(space.denormalize(space.normalize(x)), x))
    True
    """

    names: tuple[str, ...]
    lower: np.ndarray
    upper: np.ndarray
    units: tuple[str, ...] = field(default=())

    def __init__(
        self,
        names: Sequence[str],
        lower: Sequence[float],
        upper: Sequence[float],
        units: Sequence[str] | None = None,
    ) -> None:
        lo = np.asarray(lower, dtype=np.float64)
        hi = np.asarray(upper, dtype=np.float64)
        names = tuple(names)
        if lo.shape != (len(names),) or hi.shape != (len(names),):
            raise ValueError(
                f"lower and upper must have one bound per name ({len(names)}), "
                f"but got shapes {lo.shape} and {hi.shape}."
            )
        if not np.all(np.isfinite(lo) & np.isfinite(hi)) or np.any(hi <= lo):
            bad = [n for n, a, b in zip(names, lo, hi, strict=True) if not a < b]
            raise ValueError(f"every bound needs finite lower < upper, but got bad bounds for {bad}.")
        units = tuple(units) if units is not None else ("",) * len(names)
        if len(units) != len(names):
            raise ValueError(f"units must have {len(names)} entries, but got {len(units)}.")
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "lower", lo)
        object.__setattr__(self, "upper", hi)
        object.__setattr__(self, "units", units)

    @classmethod
    def unit_cube(cls, dimension: int) -> Space:
        """The box ``[0, 1]^dimension`` with names ``x0, x1, ...``."""
        if dimension < 1:
            raise ValueError(f"dimension must be at least 1, but got dimension={dimension}.")
        return cls([f"x{i}" for i in range(dimension)], [0.0] * dimension, [1.0] * dimension)

    @property
    def dimension(self) -> int:
        """Number of parameters."""
        return len(self.names)

    @property
    def _mid(self) -> np.ndarray:
        return (self.upper + self.lower) / 2.0

    @property
    def _scale(self) -> np.ndarray:
        return (self.upper - self.lower) / np.sqrt(12.0)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Draw ``n`` points uniformly from the box, shape ``(n, dimension)``, float64."""
        if n < 0:
            raise ValueError(f"n must be non-negative, but got n={n}.")
        return self.lower + (self.upper - self.lower) * rng.random((n, self.dimension))

    def normalize(self, x: np.ndarray) -> np.ndarray:
        """Map physical values to ``(x - mid) / (range / sqrt(12))`` as float32."""
        x = self._check(x)
        return ((x - self._mid) * (1.0 / self._scale)).astype(np.float32)

    def denormalize(self, z: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`normalize`, as float64."""
        z = self._check(z)
        return np.asarray(z, dtype=np.float64) * self._scale + self._mid

    def contains(self, x: np.ndarray) -> np.ndarray:
        """Boolean mask of the rows of ``x`` that lie inside the box."""
        x = self._check(x)
        return np.all((x >= self.lower) & (x <= self.upper), axis=1)

    def _check(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        if x.ndim != 2 or x.shape[1] != self.dimension:
            raise ValueError(
                f"expected points of shape (n_points, {self.dimension}) for this space, "
                f"but got shape {x.shape}."
            )
        return x
