"""The consistency check: a surrogate's accuracy against a table's own labels.

The paper's SUSY-AI network reached about 93% against the ATLAS labels it was
trained on. :func:`check_surrogate` measures the same for any oracle file on the
held-out rows of a training configuration (the rows training never saw), or on
every row of a table.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from datasets.finite import TableSource
from datasets.oracles._base import Oracle
from datasets.oracles.surrogate import load_surrogate
from datasets.registry import build_dataset
from suite.surrogate.config import SurrogateConfig

__all__ = ["CheckResult", "Split", "check_oracle", "check_surrogate", "confusion_matrix", "load_source",
           "one_class_warning", "split_table"]


@dataclass(frozen=True)
class Split:
    """Disjoint row ids of a table: train, validation (early stopping) and held-out test."""

    train: np.ndarray
    validation: np.ndarray
    test: np.ndarray


def split_table(n_rows: int, validation_fraction: float, test_fraction: float, seed: int) -> Split:
    """A seeded split of ``n_rows`` rows; every part gets at least one row.

    Raises
    ------
    ValueError
        When the table is too small for three non-empty parts.
    """
    n_test, n_val = max(1, round(test_fraction * n_rows)), max(1, round(validation_fraction * n_rows))
    if n_rows - n_test - n_val < 1:
        raise ValueError(
            f"the table has {n_rows} rows, too few for a validation ({n_val}) and a test ({n_test}) part "
            f"and rows to train on; use a larger table."
        )
    order = np.random.default_rng(seed).permutation(n_rows)
    return Split(np.sort(order[n_test + n_val:]), np.sort(order[n_test:n_test + n_val]), np.sort(order[:n_test]))


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """2x2 counts, rows the true label (0 excluded, 1 allowed), columns the predicted one."""
    codes = 2 * np.asarray(y_true, dtype=np.int64) + np.asarray(y_pred, dtype=np.int64)
    return np.bincount(codes, minlength=4).reshape(2, 2)


@dataclass(frozen=True)
class CheckResult:
    """Accuracy and confusion matrix of a surrogate on ``n`` labelled rows."""

    accuracy: float
    confusion: np.ndarray
    n: int

    def metrics(self, prefix: str) -> dict[str, float]:
        """``{prefix}_accuracy``, ``{prefix}_n`` and the four counts ``{prefix}_tn/fp/fn/tp``."""
        (tn, fp), (fn, tp) = self.confusion.tolist()
        counts = {"tn": tn, "fp": fp, "fn": fn, "tp": tp}
        return {f"{prefix}_accuracy": self.accuracy, f"{prefix}_n": float(self.n),
                **{f"{prefix}_{k}": float(v) for k, v in counts.items()}}

    def describe(self) -> str:
        """One line: accuracy, rows and the confusion matrix."""
        (tn, fp), (fn, tp) = self.confusion.tolist()
        return (f"accuracy {self.accuracy:.4f} on {self.n} rows; confusion (true x predicted): "
                f"excluded {tn} / {fp}, allowed {fn} / {tp}")


def check_oracle(oracle: Oracle, x: np.ndarray, y: np.ndarray) -> CheckResult:
    """Label ``x`` with ``oracle`` and compare with the table's labels ``y``."""
    predicted = oracle.label(x)
    return CheckResult(float(np.mean(predicted == y)), confusion_matrix(y, predicted), len(y))


def load_source(config: SurrogateConfig) -> TableSource:
    """The table of ``config.dataset``, read through the finite-pool loader."""
    source = build_dataset(config.dataset.name, **config.dataset.options()).source
    if source is None:  # the config validator only admits finite-pool datasets
        raise ValueError(f"dataset {config.dataset.name!r} is not a labelled table.")
    return source


def check_surrogate(path: str | Path, config: SurrogateConfig, *, all_rows: bool = False) -> CheckResult:
    """The accuracy of the oracle file ``path`` on the held-out rows of ``config`` (or on every row).

    The file's parameter names must be the table's, in order. A file trained by
    ``alsuite surrogate train`` records its split (seed and fractions): the held-out
    rows are rebuilt from that record, so rows it was trained on are never counted as
    held-out whatever ``config`` says; other files (SUSY-AI) use ``config``'s split.
    """
    source = load_source(config)
    oracle = load_surrogate(path, source.table.names)
    n_rows = len(source.table)
    if all_rows:
        rows = np.arange(n_rows)
    else:
        record = oracle.metadata.provenance
        seed, val, test = config.seed, config.validation_fraction, config.test_fraction
        if {"seed", "validation_fraction", "test_fraction"} <= set(record):
            if record.get("n_rows") != n_rows:
                raise ValueError(
                    f"{path} was trained on a table of {record.get('n_rows')} rows ({record.get('source_table')}), "
                    f"but {source.table.source} has {n_rows}: its held-out rows cannot be rebuilt here; "
                    "check the table it was trained on, or pass --all-rows."
                )
            seed, val, test = int(record["seed"]), float(record["validation_fraction"]), float(record["test_fraction"])
        rows = split_table(n_rows, val, test, seed).test
    return check_oracle(oracle, source.table.x[rows], source.table.y[rows])


def one_class_warning(result: CheckResult) -> str | None:
    """Why a surrogate whose every prediction on ``result``'s rows is one class is useless, or None.

    Such an oracle labels the whole box alike: a benchmark on it has no boundary to find.
    """
    predicted = result.confusion.sum(axis=0)
    if result.n == 0 or predicted.min() > 0:
        return None
    which = "allowed (1)" if predicted[1] else "excluded (0)"
    return (f"the surrogate labels every one of the {result.n} held-out rows {which}: it has not learned the "
            "boundary; train longer, with a larger learning_rate or a smaller batch_size, or on more rows.")
