import numpy as np
import pytest

from strategies import STRATEGIES, get_strategy, make_learner, make_selector
from strategies.learners import ForestLearner, NotFittedError


def _data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.random((n, 4)).astype(np.float32)
    return X, (X.sum(axis=1) > 2).astype(np.int8)


def test_probabilities_cover_both_classes_even_for_one_class_training():
    X, _ = _data()
    for label in (0, 1):
        proba = ForestLearner(n_estimators=5, random_state=0).fit(X, np.full(len(X), label)).predict_proba(X)
        assert proba.shape == (len(X), 2)
        np.testing.assert_array_equal(proba[:, label], 1.0)


def test_committee_has_one_row_per_tree_and_averages_to_the_forest():
    X, y = _data()
    learner = ForestLearner(n_estimators=9, random_state=0).fit(X, y)
    committee = learner.committee_proba(X[:50])
    assert committee.shape == (9, 50) and learner.n_members == 9
    np.testing.assert_allclose(committee.mean(axis=0), learner.predict_proba(X[:50])[:, 1], atol=1e-12)


def test_same_random_state_same_predictions():
    X, y = _data()
    a = ForestLearner(n_estimators=10, random_state=3).fit(X, y).predict_proba(X)
    b = ForestLearner(n_estimators=10, random_state=3).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)


def test_errors():
    with pytest.raises(NotFittedError, match="call fit"):
        ForestLearner().predict_proba(np.zeros((1, 2)))
    with pytest.raises(ValueError, match="n_estimators must be at least 1"):
        ForestLearner(n_estimators=0)
    with pytest.raises(ValueError, match=r"unknown strategy 'rf-nope'; choose from \['ensemble-qbc', 'ensemble-random', 'nn-random', 'qbdc', 'qbdc-diverse', 'rf-qbc', 'rf-qbc-diverse', 'rf-random'\]"):
        get_strategy("rf-nope")
    with pytest.raises(ValueError, match="unknown learner"):
        make_learner("svm", {}, 0)
    with pytest.raises(ValueError, match="unknown selector"):
        make_selector("density", {})


def test_registry_pairs_active_strategies_with_their_random_baseline():
    assert STRATEGIES["rf-qbc"].baseline == "rf-random"
    assert STRATEGIES["rf-qbc"].learner == STRATEGIES["rf-random"].learner == "forest"
    assert STRATEGIES["rf-random"].baseline is None


def test_registry_pairs_qbdc_with_the_same_network_at_random():
    assert STRATEGIES["qbdc"].baseline == "nn-random"
    assert STRATEGIES["qbdc"].learner == STRATEGIES["nn-random"].learner == "dropout"
    assert (STRATEGIES["qbdc"].selector, STRATEGIES["nn-random"].selector) == ("uncertainty", "random")
    with pytest.raises(ValueError, match=r"unknown learner 'svm'; choose from \['dropout', 'ensemble', 'forest'\]"):
        make_learner("svm", {}, 0)
