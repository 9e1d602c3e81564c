"""Reduced dimensionality: fix whole pMSSM parameter sectors to their default values.

The companion code of the paper measured the gain with fewer free parameters by
fixing *sectors* (groups of parameters, :data:`datasets.pmssm.SECTORS`) to the
defaults of :data:`datasets.pmssm.DEFAULTS`. Sectors overlap (``mu`` and ``tanb`` are
in ``ew`` and ``higgs``; ``mQ3``, ``mU3``, ``mD3`` in ``squark`` and ``thirdgen``;
``At`` in ``thirdgen`` and ``higgs``), so the number of free parameters is
``19 - |union of the fixed sectors|``. :data:`PRESETS` names one combination per
dimensionality the issue asks for (19, 14, 10, 8, 4, 1).

:class:`FixedSectorOracle` wraps a 19-D oracle: its :attr:`space` holds only the free
parameters (that is all the learner sees); :meth:`expand` fills the fixed columns
back in, so the wrapped oracle still gets full 19-D points. Free parameters keep
the SUSY-AI training bounds (the companion code used rounder nominal bounds).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from types import MappingProxyType

import numpy as np

from datasets.oracles._base import Oracle
from datasets.pmssm import DEFAULTS, NAMES, SECTORS
from datasets.space import Space

__all__ = ["PRESETS", "FixedSectorOracle", "fixed_parameters", "free_parameters"]

# free parameters -> fixed sectors (one combination each; see the module docstring)
PRESETS = MappingProxyType(
    {
        19: (),
        14: ("slepton",),
        10: ("ew", "slepton"),
        8: ("slepton", "squark"),
        4: ("ew", "slepton", "squark"),
        1: ("ew", "slepton", "squark", "thirdgen", "higgs"),
    }
)


def _check_sectors(sectors: Iterable[str]) -> tuple[str, ...]:
    sectors = tuple(sectors)
    unknown = [s for s in sectors if s not in SECTORS]
    if unknown:
        raise ValueError(f"fixed_sectors: unknown sectors {unknown}; choose from {list(SECTORS)}.")
    if len(set(sectors)) != len(sectors):
        raise ValueError(f"fixed_sectors must not repeat a sector, but got {list(sectors)}.")
    return sectors


def fixed_parameters(sectors: Iterable[str]) -> tuple[str, ...]:
    """Names of the parameters the given sectors fix, in the network's order.

    Examples
    --------
    >>> fixed_parameters(["ew", "higgs"])
    ('M1', 'M2', 'At', 'mu', 'mA2', 'tanb')
    """
    chosen = {name for sector in _check_sectors(sectors) for name in SECTORS[sector]}
    return tuple(name for name in NAMES if name in chosen)


def free_parameters(sectors: Iterable[str]) -> tuple[str, ...]:
    """Names of the parameters left free when ``sectors`` are fixed, in order.

    Examples
    --------
    >>> free_parameters(PRESETS[4])
    ('M3', 'At', 'Ab', 'mA2')
    """
    fixed = set(fixed_parameters(sectors))
    return tuple(name for name in NAMES if name not in fixed)


class FixedSectorOracle(Oracle):
    """A 19-D pMSSM oracle seen through its free parameters only.

    Parameters
    ----------
    base : Oracle
        An oracle over the 19 pMSSM parameters (:func:`datasets.pmssm.pmssm19_space`
        order), e.g. :class:`datasets.oracles.susyai.SusyAIOracle`.
    fixed_sectors : sequence of str
        Sectors of :data:`datasets.pmssm.SECTORS` to fix at their defaults.

    Raises
    ------
    ValueError
        For unknown or repeated sectors, a base oracle that is not over the pMSSM
        names, or sectors that leave no parameter free.
    """

    def __init__(self, base: Oracle, fixed_sectors: Sequence[str]) -> None:
        if base.space.names != NAMES:
            raise ValueError(
                f"fixed_sectors needs an oracle over the 19 pMSSM parameters {list(NAMES)}, "
                f"but this oracle is over {list(base.space.names)}; drop dataset.fixed_sectors for it."
            )
        self.base = base
        self.fixed_sectors = _check_sectors(fixed_sectors)
        free = free_parameters(self.fixed_sectors)
        if not free:
            raise ValueError(
                f"fixed_sectors {list(self.fixed_sectors)} fix all 19 parameters; leave at least one "
                f"sector free (see datasets.sectors.PRESETS for 19, 14, 10, 8, 4 and 1 free parameters)."
            )
        full = base.space
        self.free_index = np.array([NAMES.index(n) for n in free])
        self.space = Space(free, full.lower[self.free_index], full.upper[self.free_index],
                           [full.units[i] for i in self.free_index])
        self.template = np.array([DEFAULTS[n] for n in NAMES], dtype=np.float64)
        fixed = [i for i, n in enumerate(NAMES) if n not in free]
        outside = [f"{NAMES[i]}={self.template[i]:g} (box {full.lower[i]:g}..{full.upper[i]:g})" for i in fixed
                   if not full.lower[i] <= self.template[i] <= full.upper[i]]
        if outside:
            raise ValueError(
                f"fixed_sectors {list(self.fixed_sectors)} fix parameters to defaults outside the box of "
                f"{type(base).__name__}: {', '.join(outside)}; the network would extrapolate there. Fix other "
                "sectors, or use an oracle trained over those defaults."
            )

    def expand(self, x: np.ndarray) -> np.ndarray:
        """Free-parameter points ``(n, n_free)`` as full 19-D points with the defaults filled in."""
        x = np.asarray(x, dtype=np.float64)
        full = np.broadcast_to(self.template, (len(x), len(NAMES))).copy()
        full[:, self.free_index] = x
        return full

    def _label(self, x: np.ndarray) -> np.ndarray:
        return self.base.label(self.expand(x))
