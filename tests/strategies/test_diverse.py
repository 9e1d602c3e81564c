"""Diverse batches: exact counts, spread vs top-k on an analytic oracle, seeds, validation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import pdist, squareform

from datasets.oracles.analytic import Hypersphere
from strategies import make_selector
from strategies.learners import ForestLearner
from strategies.selectors import DiverseSelector, committee_uncertainty, top_n
from strategies.selectors.diverse import farthest_point_batch, kmeans_batch

METHODS = ["kmeans", "farthest"]


class _Scored:
    """A learner with given probabilities (the selector only calls ``predict_proba``)."""

    def __init__(self, p):
        self.p = np.asarray(p, dtype=float)

    def predict_proba(self, X):
        return np.c_[1 - self.p, self.p]


@pytest.fixture(scope="module")
def sphere():
    """A 25-tree forest fitted on 300 labelled points of a 3-D ball, and 3,000 candidates."""
    oracle, rng = Hypersphere(3, 0.3), np.random.default_rng(0)
    x = rng.random((300, 3))
    forest = ForestLearner(n_estimators=25, random_state=0, n_jobs=1).fit(x, oracle.label(x))
    candidates = rng.random((3000, 3))
    return forest, candidates, committee_uncertainty(forest.predict_proba(candidates)[:, 1])


def _nearest(x):
    d = squareform(pdist(x))
    np.fill_diagonal(d, np.inf)
    return d.min(axis=1).mean()


@pytest.mark.parametrize("method", METHODS)
def test_diverse_batches_are_more_spread_than_top_k_from_the_uncertain_shortlist(sphere, method):
    forest, cand, s = sphere
    top = top_n(s, 30, np.random.default_rng(1))
    chosen = DiverseSelector(factor=5, method=method).select(forest, cand, 30, np.random.default_rng(1))
    assert len(chosen) == len(set(chosen.tolist())) == 30
    # measured: mean pairwise 0.533 (top-k) vs 0.557 / 0.570; nearest neighbour 0.131 vs 0.164 / 0.217
    assert pdist(cand[chosen]).mean() > 1.03 * pdist(cand[top]).mean()
    assert _nearest(cand[chosen]) > 1.2 * _nearest(cand[top])
    # top-k maximises mean uncertainty; the diverse batch stays within the 150 most uncertain
    assert s[chosen].mean() <= s[top].mean()
    assert s[chosen].min() >= np.sort(s)[-150]
    assert s[chosen].mean() >= s[top].mean() - 0.05


def test_factor_one_is_top_k(sphere):
    forest, cand, s = sphere
    for method in METHODS:
        chosen = DiverseSelector(factor=1, method=method).select(forest, cand, 30, np.random.default_rng(4))
        assert sorted(chosen.tolist()) == sorted(top_n(s, 30, np.random.default_rng(4)).tolist())


@pytest.mark.parametrize("method", METHODS)
def test_same_seed_same_batch_and_another_seed_may_differ(sphere, method):
    forest, cand, _ = sphere
    selector = DiverseSelector(factor=4, method=method)
    a = selector.select(forest, cand, 25, np.random.default_rng(7))
    np.testing.assert_array_equal(a, selector.select(forest, cand, 25, np.random.default_rng(7)))
    if method == "kmeans":  # the clustering is seeded from the generator
        assert not np.array_equal(np.sort(a), np.sort(selector.select(forest, cand, 25, np.random.default_rng(8))))


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 80), st.integers(0, 100), st.floats(1.0, 6.0), st.sampled_from(METHODS),
       st.sampled_from([0.0, 0.3]), st.integers(0, 2**32 - 1))
def test_exact_count_of_distinct_indices(m, n, factor, method, random_fraction, seed):
    rng = np.random.default_rng(seed)
    cand = rng.random((m, 2)).round(1)  # rounding makes duplicate points, so k-means can leave clusters empty
    chosen = DiverseSelector(factor, method, random_fraction).select(_Scored(rng.random(m)), cand, n, rng)
    assert len(chosen) == len(set(chosen.tolist())) == min(n, m)
    assert chosen.dtype.kind == "i" and (chosen.min() >= 0 and chosen.max() < m if len(chosen) else True)


def test_duplicate_points_still_give_the_full_batch():
    x = np.zeros((20, 2))  # one location: k-means finds one non-empty cluster
    scores = np.linspace(1, 0, 20)
    for picked in (kmeans_batch(x, scores, 5, np.random.default_rng(0)), farthest_point_batch(x, scores, 5)):
        assert sorted(picked.tolist()) == [0, 1, 2, 3, 4]  # made up by the most uncertain rows


def test_more_requested_than_candidates_returns_every_candidate():
    cand = np.random.default_rng(0).random((12, 3))
    for method in METHODS:
        chosen = DiverseSelector(3, method).select(_Scored(np.full(12, 0.5)), cand, 50, np.random.default_rng(0))
        assert sorted(chosen.tolist()) == list(range(12))


def test_farthest_point_picks_the_far_corner_when_uncertainty_is_equal():
    x = np.array([[0.0, 0.0], [0.1, 0.0], [1.0, 1.0], [0.0, 0.1]])
    assert farthest_point_batch(x, np.ones(4), 2).tolist() == [0, 2]
    # weighted: the near point's 20 * 0.1 = 2.0 beats the far corner's 1 * 1.41
    assert farthest_point_batch(x, np.array([1.0, 20.0, 1.0, 1.0]), 2).tolist() == [0, 1]


def test_kmeans_takes_the_most_uncertain_point_of_each_of_two_blobs():
    x = np.r_[np.zeros((5, 2)), np.ones((5, 2))] + np.arange(10)[:, None] * 1e-3
    scores = np.array([0.1, 0.9, 0.2, 0.3, 0.4, 0.5, 0.6, 0.95, 0.7, 0.8])
    assert sorted(kmeans_batch(x, scores, 2, np.random.default_rng(0)).tolist()) == [1, 7]


def test_random_fraction_mixes_in_points_outside_the_shortlist():
    p = np.r_[np.full(10, 0.5), np.zeros(90)]  # ten fully uncertain, ninety certain
    cand = np.random.default_rng(0).random((100, 2))
    chosen = DiverseSelector(1, "kmeans", random_fraction=0.5).select(_Scored(p), cand, 10, np.random.default_rng(0))
    assert len(chosen) == 10 and (chosen[:5] < 10).all() and (chosen[5:] >= 10).all()


def test_registry_builds_it_from_config_params():
    selector = make_selector("diverse", {"random_fraction": 0.0, "measure": "bald", "factor": 3, "method": "farthest"})
    assert isinstance(selector, DiverseSelector)
    assert (selector.factor, selector.method, selector.measure) == (3.0, "farthest", "bald")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"factor": 0.5}, r"factor must be a finite number >= 1, but got factor=0.5"),
    ({"factor": float("inf")}, r"factor must be a finite number >= 1, but got factor=inf"),
    ({"factor": "5"}, r"factor must be a finite number >= 1, but got factor='5'"),
    ({"method": "dpp"}, r"method must be one of \['kmeans', 'farthest'\], but got method='dpp'"),
    ({"measure": "margin"}, r"measure must be one of .*, but got measure='margin'"),
    ({"random_fraction": 1.5}, r"random_fraction must be in \[0, 1\], but got random_fraction=1.5"),
])
def test_invalid_parameters_name_the_parameter_and_value(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DiverseSelector(**kwargs)
