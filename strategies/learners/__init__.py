"""Learners: estimators with a committee view (``fit``, ``predict_proba``, ``committee_proba``)."""

from strategies.learners._base import Learner, NotFittedError
from strategies.learners.dropout import CommitteeCollapsedError, DropoutLearner
from strategies.learners.ensemble import EnsembleLearner
from strategies.learners.forest import ForestLearner

__all__ = ["CommitteeCollapsedError", "DropoutLearner", "EnsembleLearner", "ForestLearner", "Learner", "NotFittedError"]
