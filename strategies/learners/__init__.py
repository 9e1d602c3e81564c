"""Learners: estimators with a committee view (``fit``, ``predict_proba``, ``committee_proba``)."""

from strategies.learners._base import Learner, NotFittedError
from strategies.learners.forest import ForestLearner

__all__ = ["ForestLearner", "Learner", "NotFittedError"]
