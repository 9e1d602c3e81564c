"""A random-forest learner whose trees form the query-by-committee committee."""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import RandomForestClassifier

from strategies.learners._base import Learner, NotFittedError

__all__ = ["ForestLearner"]


class ForestLearner(Learner):
    """Random forest (scikit-learn) with probabilities over the full class set {0, 1}.

    Parameters
    ----------
    n_estimators : int, default=100
        Number of trees, i.e. the committee size (100 in the paper's III.A.2).
    criterion : {"gini", "entropy", "log_loss"}, default="gini"
    max_features : {"sqrt", "log2"}, int, float or None, default="sqrt"
    min_samples_leaf : int, default=1
    n_jobs : int, default=-1
        Cores used to fit and predict; -1 uses all.
    random_state : int or None, default=None

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]], dtype=np.float32)
    >>> learner = ForestLearner(n_estimators=5, random_state=0).fit(X, np.ones(4))
    >>> learner.predict_proba(X[:1]).tolist()
    [[0.0, 1.0]]
    """

    def __init__(
        self,
        n_estimators: int = 100,
        *,
        criterion: str = "gini",
        max_features: str | int | float | None = "sqrt",
        min_samples_leaf: int = 1,
        n_jobs: int = -1,
        random_state: int | None = None,
    ) -> None:
        if n_estimators < 1:
            raise ValueError(f"n_estimators must be at least 1, but got n_estimators={n_estimators}.")
        self.n_estimators = n_estimators
        self.criterion = criterion
        self.max_features = max_features
        self.min_samples_leaf = min_samples_leaf
        self.n_jobs = n_jobs
        self.random_state = random_state

    @property
    def n_members(self) -> int:
        return self.n_estimators

    def fit(self, X: np.ndarray, y: np.ndarray) -> ForestLearner:
        self.forest_ = RandomForestClassifier(
            n_estimators=self.n_estimators,
            criterion=self.criterion,
            max_features=self.max_features,
            min_samples_leaf=self.min_samples_leaf,
            n_jobs=self.n_jobs,
            random_state=self.random_state,
        ).fit(X, np.asarray(y).astype(np.int64))
        # A forest trained on one class has one column: place it by classes_.
        self.columns_ = np.searchsorted([0, 1], self.forest_.classes_)
        return self

    def _check_fitted(self) -> RandomForestClassifier:
        if not hasattr(self, "forest_"):
            raise NotFittedError("ForestLearner is not fitted yet: call fit(X, y) first.")
        return self.forest_

    def _full(self, proba: np.ndarray, n: int) -> np.ndarray:
        full = np.zeros((n, 2), dtype=np.float64)
        full[:, self.columns_] = proba
        return full

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        forest = self._check_fitted()
        return self._full(forest.predict_proba(X), len(X))

    def committee_proba(self, X: np.ndarray) -> np.ndarray:
        forest = self._check_fitted()
        positive = np.flatnonzero(self.forest_.classes_ == 1)
        out = np.zeros((len(forest.estimators_), len(X)), dtype=np.float64)
        if positive.size:
            # Trees share the forest's encoded classes; column `positive` is class 1.
            for i, tree in enumerate(forest.estimators_):
                out[i] = tree.predict_proba(X)[:, positive[0]]
        return out
