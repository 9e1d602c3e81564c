"""Named datasets: an oracle (or table) plus how the loop draws from it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from datasets.finite import TableSource, atlas_table_path, load_table_source, mapping_from, table_source
from datasets.oracles import Hyperplane, Hypersphere, Oracle
from datasets.pools import InfinitePool, Pool
from datasets.space import Space

__all__ = ["DATASETS", "Dataset", "DatasetInfo", "build_dataset"]


@dataclass(frozen=True)
class Dataset:
    """A built dataset: its oracle (infinite pool) or table (finite pool), and whether labels come from a stand-in."""

    name: str
    oracle: Oracle | None
    surrogate: bool
    pool_kind: str = "infinite"
    source: TableSource | None = None

    def __post_init__(self) -> None:
        if (self.oracle is None) == (self.source is None):
            raise ValueError(f"dataset {self.name!r} needs exactly one of an oracle or a table source.")

    @property
    def space(self) -> Space:
        return self.oracle.space if self.oracle is not None else self.source.space  # type: ignore[union-attr]

    def normalize(self, x: np.ndarray) -> np.ndarray:
        """Points as the learner sees them: the table's normaliser, or the space's convention."""
        return self.source.normalizer(x) if self.source is not None else self.space.normalize(x)

    def new_pool(self, rows: np.ndarray | None = None) -> Pool:
        """A fresh pool for one (strategy, repeat) run; a finite one over the table rows ``rows``."""
        if self.source is not None:
            if rows is None:
                raise ValueError(f"dataset {self.name!r} is a finite pool: new_pool needs the pool's row ids.")
            return self.source.new_pool(rows)
        return InfinitePool(self.oracle)  # type: ignore[arg-type]


@dataclass(frozen=True)
class DatasetInfo:
    """Registry entry: how to build a dataset and which options it accepts."""

    build: Callable[..., Dataset]
    options: tuple[str, ...]
    description: str
    pool: str = "infinite"


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


def _table(path: str | None = None, table: dict[str, Any] | None = None) -> Dataset:
    if path is None:
        raise ValueError("dataset 'table' needs dataset.path: the labelled table file (csv, parquet, hdf5, npy).")
    mapping = mapping_from(table)
    return Dataset("table", None, surrogate=False, pool_kind="finite", source=load_table_source(path, mapping))


def _atlas(path: str | None = None, table: dict[str, Any] | None = None) -> Dataset:
    found = atlas_table_path(path)
    mapping = mapping_from(table)
    if mapping.positive is None:
        raise ValueError(
            f"dataset atlas-pmssm19 ({found}): set dataset.table.positive to the label value that means "
            f"allowed (not excluded) in your copy, e.g. 0 for an 'excluded' column coded 0/1."
        )
    source = load_table_source(found, mapping, n_parameters=19)
    return Dataset("atlas-pmssm19", None, surrogate=False, pool_kind="finite", source=source)


def _susyai_pool(
    path: str | None = None, size: int | None = None, seed: int | None = None, table: dict[str, Any] | None = None
) -> Dataset:
    from datasets.susyai_pool import POOL_SEED, POOL_SIZE, build_susyai_pool

    mapping = mapping_from(table)
    fixed = mapping.model_dump(exclude={"normalization", "log_columns"}, exclude_defaults=True)
    if fixed:
        raise ValueError(
            f"dataset susyai-pool has fixed columns (the 19 SUSY-AI parameters and its label); of "
            f"dataset.table only normalization and log_columns apply, but got {sorted(fixed)}."
        )
    built = build_susyai_pool(size or POOL_SIZE, POOL_SEED if seed is None else seed, path=path)
    return Dataset("susyai-pool", None, surrogate=True, pool_kind="finite", source=table_source(built, mapping))


def _surrogate(
    path: str | None = None, parameters: list[str] | None = None, fixed_sectors: list[str] | None = None
) -> Dataset:
    from datasets.oracles.surrogate import load_surrogate

    if path is None:
        raise ValueError(
            "dataset 'surrogate' needs dataset.path: the oracle file written by 'alsuite surrogate train' "
            "(or 'alsuite surrogate convert'), e.g. --set dataset=surrogate:my.oracle."
        )
    oracle: Oracle = load_surrogate(path, parameters)
    if fixed_sectors:
        from datasets.sectors import FixedSectorOracle

        oracle = FixedSectorOracle(oracle, fixed_sectors)
    return Dataset("surrogate", oracle, surrogate=True)


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
        "table": DatasetInfo(
            _table, ("path", "table"), "finite pool: your own labelled table (csv, parquet, hdf5, npy)", "finite"
        ),
        "atlas-pmssm19": DatasetInfo(
            _atlas,
            ("path", "table"),
            "finite pool: your copy of the ATLAS pMSSM-19 table (paper III.A.1; path or $ALSUITE_ATLAS_TABLE)",
            "finite",
        ),
        "susyai-pool": DatasetInfo(
            _susyai_pool,
            ("path", "size", "seed", "table"),
            "finite pool: stand-in for ATLAS, 310,324 uniform SUSY-AI-box points labelled by SUSY-AI (surrogate)",
            "finite",
        ),
        "surrogate": DatasetInfo(
            _surrogate,
            ("path", "parameters", "fixed_sectors"),
            "the parameter box of an oracle file (uniform prior) labelled by its network "
            "('alsuite surrogate train'); parameters checks the names and order",
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
