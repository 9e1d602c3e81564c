"""The learner contract: an estimator that is also a committee."""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

__all__ = ["Learner", "NotFittedError"]


class NotFittedError(RuntimeError):
    """A learner was asked to predict before :meth:`Learner.fit`."""


class Learner(ABC):
    """An estimator in the scikit-learn style with a committee view.

    Contract:

    - ``fit(X, y)`` trains from scratch on ``X`` of shape ``(n_samples, n_features)``
      (normalised float32) and ``y`` in {0, 1}; it returns ``self``. Training on a
      single class is allowed.
    - ``predict_proba(X)`` has shape ``(n_samples, 2)``: columns are the classes 0 and
      1 whatever classes the training data held; it is the committee mean.
    - ``committee_proba(X)`` has shape ``(n_members, n_samples)``: each member's
      probability of class 1.
    - The same ``random_state`` and data give the same predictions.
    - ``stochastic`` is True where members are random draws of one model (Monte
      Carlo dropout): every call then draws fresh members, and ``predict_proba`` is
      the mean of such a draw.
    """

    stochastic: bool = False

    @abstractmethod
    def fit(self, X: np.ndarray, y: np.ndarray) -> Learner:
        """Train on labelled data; returns ``self``."""

    @abstractmethod
    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Committee-mean class probabilities, shape ``(n_samples, 2)``."""

    @abstractmethod
    def committee_proba(self, X: np.ndarray) -> np.ndarray:
        """Per-member probability of class 1, shape ``(n_members, n_samples)``."""

    @property
    @abstractmethod
    def n_members(self) -> int:
        """Committee size."""
