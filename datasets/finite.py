"""Finite-pool datasets: a validated labelled table, its input scaling and its box.

:class:`TableSource` is what the benchmark needs from a table: the rows (physical
units and labels), the normaliser the learner's inputs go through, the parameter
:class:`~datasets.space.Space`, a seeded initial / test / pool split per repeat, and
a fresh :class:`~datasets.pools.FinitePool` per (strategy, repeat).

Three sources exist: any user table (dataset ``table``), the user's copy of the
ATLAS pMSSM-19 table (``atlas-pmssm19``) and the SUSY-AI stand-in pool
(``susyai-pool``, built by :mod:`datasets.susyai_pool`).
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from datasets.normalization import Normalizer
from datasets.pmssm import pmssm19_space
from datasets.pools.finite import FinitePool, RowSplit, split_rows
from datasets.space import Space
from datasets.tables import LabelledTable, TableError, TableMapping, TableWarning, read_table

__all__ = ["ATLAS_ENV_VAR", "TableSource", "atlas_table_path", "load_table_source", "table_source"]

ATLAS_ENV_VAR = "ALSUITE_ATLAS_TABLE"


@dataclass(frozen=True)
class TableSource:
    """A labelled table ready for the finite-pool loop."""

    table: LabelledTable
    normalizer: Normalizer
    space: Space

    def split(self, size_initial: int, size_test: int, size_select: int, rng: np.random.Generator) -> RowSplit:
        """Disjoint initial / test / pool row ids; the table must leave ``size_select`` pool rows."""
        return split_rows(len(self.table), size_initial, size_test, rng, min_pool=size_select,
                          where=f"table {self.table.source}")

    def check_sizes(self, size_initial: int, size_test: int, size_select: int) -> None:
        """Raise the :func:`split_rows` error now if the table is too small for the sizes."""
        self.split(size_initial, size_test, size_select, np.random.default_rng(0))

    def new_pool(self, rows: np.ndarray) -> FinitePool:
        """A fresh pool over the table rows ``rows``."""
        return FinitePool(self.table.x, self.table.y, rows, self.space, self.normalizer)


def _bounding_space(table: LabelledTable) -> Space:
    lo, hi = table.x.min(axis=0), table.x.max(axis=0)
    flat = hi <= lo  # constant columns: a unit-wide box around the value
    return Space(table.names, np.where(flat, lo - 0.5, lo), np.where(flat, hi + 0.5, hi))


def table_source(table: LabelledTable, mapping: TableMapping) -> TableSource:
    """Attach the normalisation of ``mapping`` (z-score or SUSY-AI box, log columns) to ``table``."""
    log = [table.column_index(k) for k in mapping.log_columns]
    if mapping.normalization == "zscore":
        return TableSource(
            table, Normalizer.zscore(table.x, log, names=table.names, where=table.source), _bounding_space(table)
        )
    space = pmssm19_space()
    if table.x.shape[1] != space.dimension:
        raise TableError(
            f"{table.source}: table.normalization 'susyai' needs the 19 SUSY-AI parameters "
            f"{list(space.names)} in that order, but {table.x.shape[1]} columns are mapped; "
            f"map 19 columns or use normalization 'zscore'."
        )
    outside = ~space.contains(table.x)
    if outside.any():
        warnings.warn(
            f"{table.source}: {int(outside.sum())} of {len(table)} rows lie outside the SUSY-AI box "
            f"(first rows {np.flatnonzero(outside)[:10].tolist()}); check the column order in table.columns.",
            TableWarning,
            stacklevel=2,
        )
    return TableSource(table, Normalizer.box(space, log), space)


def load_table_source(path: str | Path, mapping: TableMapping, *, n_parameters: int | None = None) -> TableSource:
    """Read, validate and normalise a table file."""
    return table_source(read_table(path, mapping, n_parameters=n_parameters), mapping)


def atlas_table_path(path: str | None) -> Path:
    """The user's copy of the ATLAS pMSSM-19 table: ``dataset.path``, else ``$ALSUITE_ATLAS_TABLE``.

    Raises
    ------
    FileNotFoundError
        When neither is set (or the file is missing), naming the stand-in ``susyai-pool``.
    """
    given = path or os.environ.get(ATLAS_ENV_VAR)
    hint = (
        "The table is public (ATLAS, JHEP 10 (2015) 134, HEPData 10.17182/hepdata.69233) but not "
        "shipped with alsuite; see the README section 'The ATLAS pMSSM-19 table'. Without it, use the "
        "stand-in dataset susyai-pool (uniform SUSY-AI box labelled by the SUSY-AI network; "
        "surrogate, not the paper's ATLAS numbers): --set dataset.name=susyai-pool."
    )
    if not given:
        raise FileNotFoundError(
            f"dataset atlas-pmssm19: no copy of the ATLAS pMSSM-19 table is configured: set dataset.path "
            f"or the environment variable {ATLAS_ENV_VAR} to your file. {hint}"
        )
    found = Path(given).expanduser()
    if not found.is_file():
        raise FileNotFoundError(f"dataset atlas-pmssm19: the ATLAS table {found} does not exist. {hint}")
    return found


def mapping_from(options: dict[str, Any] | TableMapping | None) -> TableMapping:
    """A :class:`TableMapping` from the config's ``dataset.table`` (a dict, a mapping or None)."""
    if options is None:
        return TableMapping()
    if isinstance(options, TableMapping):
        return options
    return TableMapping.model_validate(options)
