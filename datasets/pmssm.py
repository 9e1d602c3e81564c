"""The 19-parameter pMSSM box of the SUSY-AI network: names, units, bounds, defaults.

Bounds are the training volume of SUSY-AI (``../shared/data/README.md``); the
defaults and the sector grouping are those the paper's companion code used when it
fixed parameters for reduced-dimensionality studies.
"""

from __future__ import annotations

from types import MappingProxyType

from datasets.space import Space

__all__ = ["DEFAULTS", "NAMES", "SECTORS", "pmssm19_space"]

# name, lower, upper, unit, default when fixed
_TABLE: tuple[tuple[str, float, float, str, float], ...] = (
    ("M1", -3999.99, 3999.95, "GeV", 1750.0),
    ("M2", -4000.0, 3999.83, "GeV", 1750.0),
    ("M3", 200.0, 3999.98, "GeV", 1750.0),
    ("mL1", 90.879999, 4000.0, "GeV", 1750.0),
    ("mL3", 91.419997, 3999.98, "GeV", 1750.0),
    ("mE1", 90.02, 3999.99, "GeV", 1750.0),
    ("mE3", 90.250001, 4000.0, "GeV", 1750.0),
    ("mQ1", 200.02999, 3999.9899, "GeV", 1750.0),
    ("mQ3", 102.65, 3999.9999, "GeV", 1750.0),
    ("mU1", 200.00984, 3999.98, "GeV", 1500.0),
    ("mU3", 264.01999, 3999.9999, "GeV", 3000.0),
    ("mD1", 200.0199, 3999.97, "GeV", 2000.0),
    ("mD3", 100.06994, 4000.0, "GeV", 2000.0),
    ("At", -7998.919, 7993.83, "GeV", 3200.0),
    ("Ab", -3999.97, 3999.95, "GeV", 2000.0),
    ("Atau", -3999.97, 3999.94, "GeV", 2000.0),
    ("mu", -4381.715, 4132.4793, "GeV", 200.0),
    ("mA2", 1364.5547, 37569812.0, "GeV^2", 1.0e7),
    ("tanb", 2.6724445, 66.371989, "", 10.0),
)

NAMES: tuple[str, ...] = tuple(row[0] for row in _TABLE)
DEFAULTS = MappingProxyType({row[0]: row[4] for row in _TABLE})
SECTORS = MappingProxyType(
    {
        "ew": ("M1", "M2", "mu", "tanb"),
        "gluino": ("M3",),
        "slepton": ("mL1", "mL3", "mE1", "mE3", "Atau"),
        "squark": ("mQ1", "mQ3", "mU1", "mU3", "mD1", "mD3"),
        "thirdgen": ("mQ3", "mU3", "mD3", "At", "Ab"),
        "higgs": ("At", "mu", "mA2", "tanb"),
    }
)


def pmssm19_space() -> Space:
    """The SUSY-AI training box over the 19 pMSSM parameters, in the network's order."""
    return Space(
        names=NAMES,
        lower=[row[1] for row in _TABLE],
        upper=[row[2] for row in _TABLE],
        units=[row[3] for row in _TABLE],
    )
