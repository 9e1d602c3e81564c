"""The committee measures on hand-made pass matrices, and the selector that uses them."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from strategies.selectors import MEASURES, UncertaintySelector, top_n
from strategies.selectors.measures import bald, eq1, vote_entropy, vote_std

ALL_ONE = np.ones((25, 3))                         # every pass says 1 for 3 candidates
ALL_ZERO = np.zeros((25, 3))
ALL_HALF = np.full((25, 3), 0.5)                   # a point stuck exactly at 0.5
ALTERNATING = np.tile([[0.0], [1.0]], (12, 3))     # 24 passes 0, 1, 0, 1, ...


@pytest.mark.parametrize("name", sorted(MEASURES))
def test_unanimous_committees_score_zero_and_an_even_split_scores_one(name):
    measure = MEASURES[name]
    np.testing.assert_array_equal(measure(ALL_ONE), [0, 0, 0])
    np.testing.assert_array_equal(measure(ALL_ZERO), [0, 0, 0])
    np.testing.assert_allclose(measure(ALTERNATING), [1, 1, 1], atol=1e-12)


def test_a_point_stuck_at_one_half():
    for measure in (eq1, vote_std, vote_entropy):
        np.testing.assert_array_equal(measure(ALL_HALF), [1, 1, 1])
    # BALD counts disagreement only: 25 passes that all say 0.5 carry no information.
    np.testing.assert_array_equal(bald(ALL_HALF), [0, 0, 0])


def test_hand_computed_values():
    # 4 passes; candidate 0: probabilities 0.9, 0.9, 0.9, 0.1 (mean 0.7, votes 1, 1, 1, 0)
    c = np.array([[0.9, 0.6], [0.9, 0.6], [0.9, 0.6], [0.1, 0.6]])
    np.testing.assert_allclose(eq1(c), [1 - 2 * 0.2, 1 - 2 * 0.1])
    s = np.std([1, 1, 1, 0])                         # 0.4330...
    np.testing.assert_allclose(vote_std(c), [s / (s + 0.2), 0.0])  # candidate 1: votes agree, mean off 0.5
    h = -(0.75 * np.log2(0.75) + 0.25 * np.log2(0.25))  # 0.8113 bits
    np.testing.assert_allclose(vote_entropy(c), [h, 0.0])
    hb = lambda q: -(q * np.log2(q) + (1 - q) * np.log2(1 - q))  # noqa: E731
    np.testing.assert_allclose(bald(c), [hb(0.7) - (3 * hb(0.9) + hb(0.1)) / 4, 0.0], atol=1e-12)


@pytest.mark.parametrize("name", sorted(MEASURES))
@given(arrays(np.float64, (5, 8), elements=st.sampled_from([0.0, 1.0, 0.5, 0.25, 1e-300, 1 - 1e-16])))
def test_measures_are_finite_and_bounded_even_at_exact_zero_and_one(name, committee):
    scores = MEASURES[name](committee)
    assert scores.shape == (8,)
    assert np.all(np.isfinite(scores)) and np.all((scores >= 0) & (scores <= 1))


def test_ranking_puts_stuck_points_first_and_unanimous_ones_last():
    c = np.column_stack([ALL_ONE[:24, 0], ALTERNATING[:, 0], ALL_ZERO[:24, 0], ALL_HALF[:24, 0],
                         np.r_[np.ones(18), np.zeros(6)]])
    order = top_n(vote_std(c), 5, np.random.default_rng(0)).tolist()
    assert set(order[:2]) == {1, 3} and order[2] == 4 and set(order[3:]) == {0, 2}
    order = top_n(eq1(c), 5, np.random.default_rng(0)).tolist()
    assert set(order[:2]) == {1, 3} and order[2] == 4 and set(order[3:]) == {0, 2}


def test_selector_uses_the_measure_on_the_committee():
    class Committee:
        stochastic = True
        def committee_proba(self, X):
            return np.column_stack([ALL_ONE[:, 0], ALTERNATING[:24, 0].tolist() + [0.0], ALL_HALF[:, 0]])

    cand = np.zeros((3, 2))
    assert UncertaintySelector(measure="bald").select(Committee(), cand, 1, np.random.default_rng(0)).tolist() == [1]
    picks = UncertaintySelector(measure="vote_entropy").select(Committee(), cand, 2, np.random.default_rng(0))
    assert sorted(picks.tolist()) == [1, 2]


def test_errors():
    with pytest.raises(ValueError, match=r"measure must be one of \['eq1', 'vote_std', 'vote_entropy', 'bald'\], but got measure='margin'"):
        UncertaintySelector(measure="margin")
    with pytest.raises(ValueError, match=r"committee must have shape \(n_members, n_candidates\).*\(4,\)"):
        eq1(np.zeros(4))
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\]"):
        bald(np.array([[1.5]]))
