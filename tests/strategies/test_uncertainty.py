import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from strategies.learners import ForestLearner
from strategies.selectors import UncertaintySelector, committee_uncertainty


def test_eq1_on_hand_made_committees():
    all_agree = np.ones((10, 3))                         # 10 members, 3 points, all say 1
    even_split = np.vstack([np.ones((5, 3)), np.zeros((5, 3))])
    three_quarters = np.vstack([np.ones((3, 1)), np.zeros((1, 1))])
    np.testing.assert_array_equal(committee_uncertainty(all_agree.mean(0)), [0, 0, 0])
    np.testing.assert_array_equal(committee_uncertainty(even_split.mean(0)), [1, 1, 1])
    np.testing.assert_allclose(committee_uncertainty(three_quarters.mean(0)), [0.5])


def test_one_class_forest_is_certain_everywhere():
    X = np.random.default_rng(0).random((40, 3)).astype(np.float32)
    learner = ForestLearner(n_estimators=7, random_state=0).fit(X, np.zeros(40))
    proba = learner.predict_proba(X)
    np.testing.assert_array_equal(proba, np.tile([1.0, 0.0], (40, 1)))
    np.testing.assert_array_equal(UncertaintySelector().scores(learner, X), np.zeros(40))
    np.testing.assert_array_equal(learner.committee_proba(X), np.zeros((7, 40)))


@given(arrays(np.float64, 20, elements=st.floats(0, 1)))
def test_eq1_is_bounded_and_symmetric(p):
    u = committee_uncertainty(p)
    assert np.all((u >= 0) & (u <= 1))
    np.testing.assert_allclose(u, committee_uncertainty(1 - p), atol=1e-12)


def test_selector_takes_the_committee_mean_of_a_forest():
    rng = np.random.default_rng(1)
    X = rng.random((300, 2)).astype(np.float32)
    y = (X[:, 0] > 0.5).astype(int)
    learner = ForestLearner(n_estimators=15, random_state=0).fit(X, y)
    np.testing.assert_allclose(learner.committee_proba(X).mean(0), learner.predict_proba(X)[:, 1], atol=1e-12)
    cand = rng.random((2000, 2)).astype(np.float32)
    chosen = UncertaintySelector().select(learner, cand, 8, np.random.default_rng(0))
    # the most uncertain candidates hug the boundary x0 = 0.5 (mean distance 0.25 over the pool)
    assert np.abs(cand[chosen, 0] - 0.5).mean() < 0.05


def test_random_fraction_mixes_exactly_that_many_random_points():
    class Fixed:
        def predict_proba(self, X):
            p = X[:, 0]
            return np.column_stack([1 - p, p])

    cand = np.linspace(0, 1, 101)[:, None]
    chosen = UncertaintySelector(random_fraction=0.3).select(Fixed(), cand, 10, np.random.default_rng(0))
    assert len(chosen) == 10 and len(set(chosen.tolist())) == 10
    top = chosen[:7]
    assert set(np.abs(cand[top, 0] - 0.5).round(2)) <= {0.0, 0.01, 0.02, 0.03}
    with pytest.raises(ValueError, match=r"random_fraction must be in \[0, 1\]"):
        UncertaintySelector(random_fraction=1.5)
