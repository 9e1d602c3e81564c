"""Named datasets: an oracle (or table) plus how the loop draws from it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from datasets.oracles import Hyperplane, Hypersphere, Oracle
from datasets.pools import InfinitePool, Pool
from datasets.space import Space

__all__ = ["DATASETS", "Dataset", "DatasetInfo", "build_dataset"]


@dataclass(frozen=True)
class Dataset:
    """A built dataset: its oracle, pool kind and whether labels come from a stand-in."""

    name: str
    oracle: Oracle
    surrogate: bool
    pool_kind: str = "infinite"

    @property
    def space(self) -> Space:
        return self.oracle.space

    def new_pool(self) -> Pool:
        """A fresh pool for one (strategy, repeat) run."""
        return InfinitePool(self.oracle)


@dataclass(frozen=True)
class DatasetInfo:
    """Registry entry: how to build a dataset and which options it accepts."""

    build: Callable[..., Dataset]
    options: tuple[str, ...]
    description: str


def _susyai(path: str | None = None, fixed_sectors: list[str] | None = None) -> Dataset:
    from datasets.oracles.susyai import SusyAIOracle

    oracle: Oracle = SusyAIOracle(path)
    if fixed_sectors:
        from datasets.sectors import FixedSectorOracle

        oracle = FixedSectorOracle(oracle, fixed_sectors)
    return Dataset("susyai", oracle, surrogate=True)


def _hypersphere(dimension: int = 19, fraction: float = 0.5) -> Dataset:
    return Dataset("hypersphere", Hypersphere(dimension, fraction), surrogate=False)


def _hyperplane(dimension: int = 19) -> Dataset:
    return Dataset("hyperplane", Hyperplane(dimension), surrogate=False)


DATASETS: Mapping[str, DatasetInfo] = MappingProxyType(
    {
        "susyai": DatasetInfo(
            _susyai,
            ("path", "fixed_sectors"),
            "19-D pMSSM box (uniform prior) labelled by the SUSY-AI network (paper III.A.2); "
            "fixed_sectors fixes whole sectors to defaults",
        ),
        "hypersphere": DatasetInfo(
            _hypersphere,
            ("dimension", "fraction"),
            "unit cube, allowed inside a centred ball holding `fraction` of the volume",
        ),
        "hyperplane": DatasetInfo(
            _hyperplane, ("dimension",), "unit cube, allowed above an oblique plane through the centre"
        ),
    }
)


def build_dataset(name: str, **options: Any) -> Dataset:
    """Build a registered dataset; unknown names and options list the valid ones."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose from {sorted(DATASETS)}.")
    info = DATASETS[name]
    given = {k: v for k, v in options.items() if v is not None}
    unknown = sorted(set(given) - set(info.options))
    if unknown:
        raise ValueError(
            f"dataset {name!r} does not take options {unknown}; it accepts {list(info.options)}."
        )
    return info.build(**given)
