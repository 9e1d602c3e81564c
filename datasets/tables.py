"""Labelled tables from files: CSV, Parquet, HDF5 and NumPy ``.npy``, validated.

A table holds one row per model point: its parameter columns and a label column
saying whether the point is allowed. :class:`TableMapping` says which columns are
which (by name or by position) and which label value means *allowed*;
:func:`read_table` reads the file, checks it, and returns a :class:`LabelledTable`
with float64 parameters and int8 labels in {0, 1} (1 = allowed).

Every error names the file, the column and the (0-based, header excluded) rows
concerned, and says how to fix it. Rows are never dropped silently: a table with
NaN or infinite values is rejected with the list of bad rows.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

__all__ = ["FORMATS", "LabelledTable", "TableError", "TableMapping", "TableWarning", "read_table"]

FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".h5": "hdf5",
    ".hdf5": "hdf5",
    ".hdf": "hdf5",
    ".npy": "npy",
}
_SHOWN = 10  # rows / values listed in a message before "..."


class TableError(ValueError):
    """A table file cannot be used as it is; the message names file, column and rows."""


class TableWarning(UserWarning):
    """A table is usable but suspicious (a constant column, a single class, points outside a box)."""


class TableMapping(BaseModel):
    """Which columns of a table are the parameters and the label (``dataset.table``).

    Parameters
    ----------
    columns : list of str or int, optional
        The parameter columns, in the order the learner sees them, by name or by
        0-based position; by default every column except the label.
    label : str or int, default="label"
        The label column, by name or position.
    positive : str, int or bool, optional
        The label value that means *allowed* (mapped to 1; the other value to 0).
        Required for labels coded {-1, 1} or as strings; for {0, 1} and booleans
        it defaults to 1 / True.
    format : {"csv", "parquet", "hdf5", "npy"}, optional
        By default taken from the file suffix.
    key : str, optional
        HDF5 only: the dataset or group holding the table (default: the file's only
        top-level member).
    normalization : {"zscore", "susyai"}, default="zscore"
        How the learner's inputs are scaled: the z-score over the table (the paper's
        finite experiment), or the SUSY-AI box convention when the 19 columns are the
        SUSY-AI parameters in the network's order.
    log_columns : list of str or int, default=[]
        Parameter columns scaled as log10 before normalisation (values must be > 0).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    columns: list[str | int] | None = None
    label: str | int = "label"
    positive: bool | int | str | None = None
    format: Literal["csv", "parquet", "hdf5", "npy"] | None = None
    key: str | None = None
    normalization: Literal["zscore", "susyai"] = "zscore"
    log_columns: list[str | int] = Field(default_factory=list)


@dataclass(frozen=True)
class LabelledTable:
    """A validated table: ``x`` (n_rows, n_parameters) float64, ``y`` (n_rows,) int8.

    Row ``i`` of ``x`` and ``y`` is data row ``i`` of the file (0-based, header
    excluded): these are the *table row ids* the finite pool refers to.
    """

    source: str
    names: tuple[str, ...]
    x: np.ndarray
    y: np.ndarray

    def __len__(self) -> int:
        return len(self.y)

    def column_index(self, key: str | int, setting: str = "table.log_columns") -> int:
        """Position among the parameter columns of a name or a position."""
        if isinstance(key, int) and not isinstance(key, bool):
            if not 0 <= key < len(self.names):
                raise TableError(
                    f"{self.source}: {setting} position {key} is outside the {len(self.names)} "
                    f"parameter columns (0..{len(self.names) - 1})."
                )
            return key
        if key not in self.names:
            raise TableError(
                f"{self.source}: {setting} names column {key!r}, which is not a parameter column; "
                f"choose from {list(self.names)}."
            )
        return self.names.index(key)


def _rows(mask: np.ndarray) -> str:
    rows = np.flatnonzero(mask)
    shown = ", ".join(map(str, rows[:_SHOWN].tolist()))
    more = f", ... ({len(rows)} rows in all)" if len(rows) > _SHOWN else ""
    return f"rows {shown}{more}"


def _raw_columns(path: Path, fmt: str, key: str | None) -> tuple[list[str], list[np.ndarray]]:
    """Every column of the file as (names, 1-D arrays); positional tables get names "0", "1", ..."""
    if fmt in {"csv", "parquet"}:
        frame = pd.read_csv(path) if fmt == "csv" else pd.read_parquet(path)
        return [str(c) for c in frame.columns], [frame[c].to_numpy() for c in frame.columns]
    if fmt == "npy":
        try:
            array = np.load(path, allow_pickle=False)
        except ValueError as exc:
            raise TableError(f"{path}: not a plain .npy array ({exc}); save it without object dtype.") from None
        return _split_array(array, str(path))
    import h5py

    with h5py.File(path, "r") as fh:
        members = list(fh.keys())
        if key is None:
            if len(members) != 1:
                raise TableError(
                    f"{path}: the HDF5 file holds {len(members)} top-level members {members}; "
                    f"set table.key to the one holding the table."
                )
            key = members[0]
        if key not in fh:
            raise TableError(f"{path}: HDF5 has no member {key!r}; table.key must be one of {members}.")
        node = fh[key]
        if isinstance(node, h5py.Group):
            names = [n for n in node.keys() if isinstance(node[n], h5py.Dataset) and node[n].ndim == 1]
            if not names:
                raise TableError(f"{path}: HDF5 group {key!r} holds no 1-D datasets to use as columns.")
            return names, [_decode(np.asarray(node[n])) for n in names]
        return _split_array(np.asarray(node), f"{path}:{key}")


def _decode(values: np.ndarray) -> np.ndarray:
    return values.astype(str) if values.dtype.kind == "S" else values


def _split_array(array: np.ndarray, where: str) -> tuple[list[str], list[np.ndarray]]:
    if array.dtype.names:
        names = list(array.dtype.names)
        return names, [_decode(np.asarray(array[n])) for n in names]
    if array.ndim != 2:
        raise TableError(
            f"{where}: expected a 2-D array (rows x columns) or a structured array, "
            f"but got shape {array.shape}."
        )
    return [str(i) for i in range(array.shape[1])], [array[:, i] for i in range(array.shape[1])]


def _resolve(key: str | int, names: list[str], where: str, setting: str) -> int:
    if isinstance(key, int) and not isinstance(key, bool):
        if not 0 <= key < len(names):
            raise TableError(
                f"{where}: {setting} position {key} is outside the file's {len(names)} columns "
                f"(0..{len(names) - 1})."
            )
        return key
    if key not in names:
        shown = names if len(names) <= 30 else names[:30] + ["..."]
        raise TableError(f"{where}: {setting} names column {key!r}, which the file lacks; its columns are {shown}. "
                         f"Set {setting} to one of them (e.g. --set dataset.{setting}=COLUMN).")
    return names.index(key)


def _numeric(values: np.ndarray, name: str, where: str) -> np.ndarray:
    if values.dtype.kind in "iuf":
        return values.astype(np.float64)
    coerced = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=np.float64)
    bad = np.isnan(coerced) & ~pd.isna(pd.Series(values)).to_numpy()
    if values.dtype.kind == "b" or bad.any():
        example = values[np.flatnonzero(bad)[0]] if bad.any() else values[0]
        raise TableError(
            f"{where}: parameter column {name!r} must be numeric, but holds {values.dtype} values "
            f"(e.g. {example!r}) at {_rows(bad) if bad.any() else 'every row'}; fix those rows or map "
            f"another column in table.columns."
        )
    return coerced


def _labels(values: np.ndarray, positive: bool | int | str | None, name: str, where: str) -> np.ndarray:
    missing = pd.isna(pd.Series(values)).to_numpy()
    if missing.any():
        raise TableError(f"{where}: label column {name!r} is empty or NaN at {_rows(missing)}; label every row.")
    kind = values.dtype.kind
    if kind == "b" or (kind == "O" and all(isinstance(v, (bool, np.bool_)) for v in values)):
        flags = values.astype(bool)
        if positive is None:
            positive = True
        if not isinstance(positive, (bool, np.bool_)):
            raise TableError(
                f"{where}: label column {name!r} holds booleans, so table.positive must be true or "
                f"false, but got {positive!r}."
            )
        return (flags == bool(positive)).astype(np.int8)
    if kind in "iuf":
        found = set(np.unique(values).tolist())
        for coding in ({0, 1}, {-1, 1}):
            if found <= coding:
                break
        else:
            bad = ~np.isin(values, [-1, 0, 1])
            if not bad.any():  # both 0 and -1 occur
                bad = values == -1
            raise TableError(
                f"{where}: label column {name!r} must be coded {{0, 1}}, {{-1, 1}}, booleans or two "
                f"strings, but holds values {sorted(found)[:_SHOWN]} (unexpected at {_rows(bad)})."
            )
        if positive is None:
            if coding == {-1, 1} and -1 in found:
                raise TableError(
                    f"{where}: label column {name!r} is coded {{-1, 1}}: set table.positive to the "
                    f"value that means allowed (-1 or 1)."
                )
            positive = 1
        if isinstance(positive, (bool, str)) or positive not in coding:
            raise TableError(
                f"{where}: table.positive must be one of {sorted(coding)} for label column {name!r}, "
                f"but got {positive!r}."
            )
        return (values == positive).astype(np.int8)
    if kind in "OUS":
        strings = np.asarray([str(v) for v in values])
        found_s = sorted(set(strings.tolist()))
        if len(found_s) > 2:
            raise TableError(
                f"{where}: label column {name!r} must hold two classes, but holds {len(found_s)} "
                f"different strings {found_s[:_SHOWN]}."
            )
        if positive is None or str(positive) not in found_s:
            raise TableError(
                f"{where}: label column {name!r} holds the strings {found_s}: set table.positive to "
                f"the one that means allowed (got {positive!r})."
            )
        return (strings == str(positive)).astype(np.int8)
    raise TableError(f"{where}: label column {name!r} has unusable dtype {values.dtype}.")


def read_table(path: str | Path, mapping: TableMapping, *, n_parameters: int | None = None) -> LabelledTable:
    """Read and validate a labelled table.

    Parameters
    ----------
    path : str or Path
        A ``.csv``, ``.parquet``, ``.h5``/``.hdf5`` or ``.npy`` file.
    mapping : TableMapping
        Which columns are the parameters and the label.
    n_parameters : int, optional
        How many parameter columns the dataset needs (19 for the pMSSM-19).

    Returns
    -------
    LabelledTable

    Raises
    ------
    TableError
        Unknown format, missing or duplicate columns, the wrong number of parameter
        columns, non-numeric parameters, NaN or infinite values (rows listed),
        labels that are not two classes, or no positive class where one is needed.

    Warns
    -----
    TableWarning
        For constant parameter columns and for a table holding one class only.
    """
    path = Path(path).expanduser()
    where = str(path)
    if not path.is_file():
        raise TableError(f"table file {where} does not exist; give the path of a labelled table.")
    fmt = mapping.format or FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise TableError(
            f"{where}: cannot tell the format from the suffix {path.suffix!r}; use one of "
            f"{sorted(FORMATS)} or set table.format to csv, parquet, hdf5 or npy."
        )
    try:
        names, columns = _raw_columns(path, fmt, mapping.key)
    except TableError:
        raise
    except Exception as exc:  # parser errors of every library end in the same advice
        raise TableError(f"{where}: cannot be read as {fmt} ({type(exc).__name__}: {exc}).") from None
    label_at = _resolve(mapping.label, names, where, "table.label")
    if mapping.columns is None:
        chosen = [i for i in range(len(names)) if i != label_at]
        if n_parameters is not None and len(chosen) != n_parameters:
            raise TableError(
                f"{where}: has {len(chosen)} columns besides the label {names[label_at]!r}, but this "
                f"dataset needs {n_parameters} parameters; list them in table.columns."
            )
    else:
        chosen = [_resolve(k, names, where, "table.columns") for k in mapping.columns]
        if n_parameters is not None and len(chosen) != n_parameters:
            raise TableError(
                f"{where}: table.columns maps {len(chosen)} columns, but this dataset needs "
                f"{n_parameters} parameters."
            )
    dupes = sorted({names[i] for i in chosen if chosen.count(i) > 1})
    if dupes:
        raise TableError(f"{where}: table.columns lists {dupes} more than once.")
    if label_at in chosen:
        raise TableError(f"{where}: column {names[label_at]!r} is the label and cannot also be a parameter.")
    if not chosen:
        raise TableError(f"{where}: no parameter columns besides the label {names[label_at]!r}.")
    if len(columns[label_at]) == 0:
        raise TableError(f"{where}: the table has a header but no data rows; give a table of labelled points.")
    x = np.column_stack([_numeric(columns[i], names[i], where) for i in chosen])
    bad = ~np.isfinite(x)
    if bad.any():
        per_column = {names[chosen[j]]: int(c) for j, c in enumerate(bad.sum(axis=0)) if c}
        raise TableError(
            f"{where}: NaN or infinite parameter values at {_rows(bad.any(axis=1))} "
            f"(per column: {per_column}); remove or fix those rows."
        )
    y = _labels(columns[label_at], mapping.positive, names[label_at], where)
    table = LabelledTable(where, tuple(names[i] for i in chosen), x, y)
    _warn_suspicious(table)
    return table


def _warn_suspicious(table: LabelledTable) -> None:
    spread = table.x.max(axis=0) - table.x.min(axis=0) if len(table) else np.zeros(len(table.names))
    for name, s, value in zip(table.names, spread, table.x[0] if len(table) else spread, strict=True):
        if s == 0:
            warnings.warn(
                f"{table.source}: parameter column {name!r} is constant ({value:g}); it carries no "
                f"information and is left unscaled (spread taken as 1).",
                TableWarning,
                stacklevel=3,
            )
    classes = np.unique(table.y)
    if len(table) and len(classes) == 1:
        warnings.warn(
            f"{table.source}: every row has label {int(classes[0])} ({'allowed' if classes[0] else 'excluded'}); "
            f"check table.label and table.positive.",
            TableWarning,
            stacklevel=3,
        )


def column_positions(table: LabelledTable, keys: Sequence[str | int]) -> list[int]:
    """Positions among the parameter columns of ``table.log_columns``-style keys."""
    return [table.column_index(k) for k in keys]
