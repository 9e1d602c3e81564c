"""Test-set scores of one fitted learner; probability metrics use probabilities."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    brier_score_loss,
    f1_score,
    log_loss,
    precision_score,
    recall_score,
    roc_auc_score,
)

__all__ = ["SCORE_NAMES", "score"]

SCORE_NAMES = ("accuracy", "auc", "brier", "log_loss", "f1", "precision", "recall")


def score(y_true: np.ndarray, proba: np.ndarray) -> dict[str, float]:
    """Scores of probabilities of class 1 against labels in {0, 1}.

    Hard labels are ``proba > 0.5``. AUC is NaN when the test set holds one class;
    precision, recall and F1 are 0 where undefined.

    Examples
    --------
    >>> s = score(np.array([0, 1, 1, 0]), np.array([0.2, 0.9, 0.4, 0.1]))
    >>> s["accuracy"], s["auc"]
    (0.75, 1.0)
    """
    y_true = np.asarray(y_true)
    proba = np.clip(np.asarray(proba, dtype=np.float64), 0.0, 1.0)
    if y_true.shape != proba.shape or y_true.ndim != 1:
        raise ValueError(
            f"y_true and proba must be 1-D of equal length, but got shapes {y_true.shape} and {proba.shape}."
        )
    hard = (proba > 0.5).astype(np.int8)
    two_classes = np.unique(y_true).size == 2
    return {
        "accuracy": float(accuracy_score(y_true, hard)),
        "auc": float(roc_auc_score(y_true, proba)) if two_classes else float("nan"),
        "brier": float(brier_score_loss(y_true, proba, labels=[0, 1])),
        "log_loss": float(log_loss(y_true, proba, labels=[0, 1])),
        "f1": float(f1_score(y_true, hard, zero_division=0)),
        "precision": float(precision_score(y_true, hard, zero_division=0)),
        "recall": float(recall_score(y_true, hard, zero_division=0)),
    }
