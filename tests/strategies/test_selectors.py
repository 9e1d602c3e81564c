import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from strategies.selectors import RandomSelector, UncertaintySelector, top_n


def test_top_n_orders_by_score():
    assert top_n(np.array([0.2, 0.9, 0.1, 0.5]), 3, np.random.default_rng(0)).tolist() == [1, 3, 0]


def test_ties_are_broken_by_the_seed_not_by_pool_order():
    scores = np.zeros(10)
    picks = np.array([top_n(scores, 1, np.random.default_rng(s))[0] for s in range(4000)])
    counts = np.bincount(picks, minlength=10)
    assert counts.min() > 320 and counts.max() < 480  # uniform: 400 each, sd 19
    assert counts[0] < 480  # the first pool position has no advantage


def test_tie_breaking_is_reproducible():
    scores = np.repeat([1.0, 0.5], 50)
    a = top_n(scores, 60, np.random.default_rng(5))
    b = top_n(scores, 60, np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)
    assert set(a[:50].tolist()) == set(range(50))  # every 1.0 beats every 0.5


@given(arrays(np.float64, st.integers(1, 60), elements=st.floats(0, 1)), st.integers(0, 80), st.integers(0, 2**32 - 1))
def test_top_n_picks_distinct_best_indices(scores, n, seed):
    chosen = top_n(scores, n, np.random.default_rng(seed))
    assert len(chosen) == min(n, len(scores)) == len(set(chosen.tolist()))
    if 0 < len(chosen) < len(scores):
        rest = np.setdiff1d(np.arange(len(scores)), chosen)
        assert scores[chosen].min() >= scores[rest].max()


def test_top_n_rejects_nan():
    with pytest.raises(ValueError, match="NaN"):
        top_n(np.array([0.1, np.nan]), 1, np.random.default_rng(0))


@pytest.mark.parametrize("selector", [RandomSelector(), UncertaintySelector(), UncertaintySelector(0.5)])
def test_selector_contract(selector):
    class Half:
        def predict_proba(self, X):
            return np.full((len(X), 2), 0.5)

    cand = np.zeros((30, 2))
    chosen = selector.select(Half(), cand, 12, np.random.default_rng(3))
    assert len(chosen) == 12 and len(set(chosen.tolist())) == 12 and chosen.max() < 30
    np.testing.assert_array_equal(chosen, selector.select(Half(), cand, 12, np.random.default_rng(3)))
    assert len(selector.select(Half(), cand, 50, np.random.default_rng(3))) == 30
