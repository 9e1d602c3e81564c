"""Boundary-seeking candidates: box, counts, concentration near the seeds, fixed sectors, seeds, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datasets.oracles import Hypersphere, Oracle
from datasets.pmssm import DEFAULTS, NAMES, pmssm19_space
from datasets.pools import FinitePool, InfinitePool
from datasets.sectors import FixedSectorOracle
from datasets.space import Space
from strategies.learners import ForestLearner
from strategies.proposals import LocalProposal, PriorProposal, reflect_unit
from strategies.selectors import committee_uncertainty


class _Slab(Oracle):
    """A real analytic oracle over an uneven physical box: allowed where a + b / 100 > 3."""

    def __init__(self) -> None:
        self.space = Space(["a", "b", "c"], [-5.0, 100.0, 0.1], [5.0, 1000.0, 0.3])

    def _label(self, x: np.ndarray) -> np.ndarray:
        return (x[:, 0] + x[:, 1] / 100.0 > 3.0).astype(np.int8)


class _PmssmPlane(Oracle):
    """A real 19-D oracle: allowed where the gluino mass M3 exceeds 2000 GeV."""

    def __init__(self) -> None:
        self.space = pmssm19_space()

    def _label(self, x: np.ndarray) -> np.ndarray:
        return (x[:, 2] > 2000).astype(np.int8)


def _fitted(oracle: Oracle, n: int = 200, seed: int = 0):
    pool = InfinitePool(oracle)
    x = oracle.space.sample(n, np.random.default_rng(seed))
    learner = ForestLearner(n_estimators=10, n_jobs=1, random_state=0).fit(pool.normalize(x), oracle.label(x))
    return pool, learner, x


def test_reflection_folds_any_coordinate_into_the_unit_interval():
    u = np.array([0.0, 0.3, 1.0, 1.3, -0.3, 2.3, -2.3, 7.75, -1e9 - 0.25])
    np.testing.assert_allclose(reflect_unit(u), [0.0, 0.3, 1.0, 0.7, 0.3, 0.3, 0.3, 0.25, 0.25], atol=1e-6)


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_reflection_is_a_symmetric_triangle_wave(u):
    v = reflect_unit(np.array([u]))[0]
    assert 0.0 <= v <= 1.0
    assert v == pytest.approx(reflect_unit(np.array([-u]))[0], abs=1e-6)
    assert v == pytest.approx(reflect_unit(np.array([u + 2.0]))[0], abs=1e-6)


@pytest.mark.parametrize("scale", [0.05, 1.0, 50.0])
def test_local_candidates_stay_inside_an_uneven_box_even_for_huge_steps(scale):
    pool, learner, x = _fitted(_Slab())
    proposed = LocalProposal(fraction=1.0, scale=scale).propose(pool, learner, x, pool.normalize(x), 5000, np.random.default_rng(1))
    local = proposed.candidates.x
    assert proposed.n_local == 5000 and pool.space.contains(local).all()
    # huge steps fill the box: every coordinate spans most of its side
    if scale == 50.0:
        spread = (local.max(axis=0) - local.min(axis=0)) / (pool.space.upper - pool.space.lower)
        assert (spread > 0.99).all()


@pytest.mark.parametrize(("fraction", "n", "expected"), [(0.0, 101, 0), (0.25, 101, 25), (0.5, 100, 50),
                                                         (0.7, 10, 7), (1.0, 101, 101)])
def test_exact_counts_of_local_and_prior_candidates(fraction, n, expected):
    pool, learner, x = _fitted(Hypersphere(3, 0.4))
    proposed = LocalProposal(fraction=fraction).propose(pool, learner, x, pool.normalize(x), n, np.random.default_rng(2))
    assert len(proposed.candidates) == n and proposed.n_local == expected
    assert proposed.local[: n - expected].sum() == 0 and proposed.local[n - expected:].all()
    assert pool.oracle_calls == 0  # proposing labels nothing


@settings(max_examples=30, deadline=None)
@given(st.floats(min_value=0.0, max_value=1.0), st.integers(min_value=1, max_value=300))
def test_the_local_share_of_candidates_is_round_fraction_times_n(fraction, n):
    pool, learner, x = _FITTED
    proposed = LocalProposal(fraction=fraction).propose(pool, learner, x, pool.normalize(x), n, np.random.default_rng(3))
    assert len(proposed.candidates) == n and proposed.n_local == round(fraction * n)
    assert pool.space.contains(proposed.candidates.x).all()


_FITTED = _fitted(Hypersphere(2, 0.5), n=50)


def test_fraction_zero_is_exactly_the_prior_draw():
    pool, learner, x = _fitted(Hypersphere(3, 0.4))
    a, b = np.random.default_rng(4), np.random.default_rng(4)
    local = LocalProposal(fraction=0.0).propose(pool, learner, x, pool.normalize(x), 300, a)
    prior = PriorProposal().propose(pool, learner, x, pool.normalize(x), 300, b)
    np.testing.assert_array_equal(local.candidates.x, prior.candidates.x)
    assert a.bit_generator.state == b.bit_generator.state and prior.n_local == 0


def test_local_points_are_gaussian_steps_of_scale_around_their_seed():
    grid = np.stack(np.meshgrid([0.2, 0.5, 0.8], [0.2, 0.5, 0.8]), axis=-1).reshape(-1, 2)
    oracle = Hypersphere(2, 0.5)
    pool = InfinitePool(oracle)
    learner = ForestLearner(n_estimators=10, n_jobs=1, random_state=0).fit(pool.normalize(grid), oracle.label(grid))
    scale = 0.01
    proposed = LocalProposal(fraction=1.0, scale=scale, n_seeds=9).propose(
        pool, learner, grid, pool.normalize(grid), 20_000, np.random.default_rng(5))
    offsets = proposed.candidates.x[:, None, :] - grid[None, :, :]
    nearest = np.argmin((offsets**2).sum(axis=2), axis=1)
    step = offsets[np.arange(len(nearest)), nearest]
    assert np.abs(step.mean(axis=0)).max() < 0.05 * scale              # centred on the seed
    np.testing.assert_allclose(step.std(axis=0), scale, rtol=0.03)       # per-coordinate spread = scale
    assert np.abs(step).max() < 6 * scale
    counts = np.bincount(nearest, minlength=9)
    assert counts.min() > 0.8 * 20_000 / 9                                 # seeds drawn uniformly


def test_local_points_grow_from_the_most_uncertain_labelled_points():
    oracle = Hypersphere(2, 0.5)
    pool = InfinitePool(oracle)
    grid = np.stack(np.meshgrid(np.linspace(0.05, 0.95, 10), np.linspace(0.05, 0.95, 10)), axis=-1).reshape(-1, 2)
    learner = ForestLearner(n_estimators=25, n_jobs=1, random_state=0, max_features=None).fit(
        pool.normalize(grid), oracle.label(grid))
    uncertainty = committee_uncertainty(learner.predict_proba(pool.normalize(grid))[:, 1])
    n_seeds = 12
    threshold = np.sort(uncertainty)[::-1][n_seeds - 1]
    assert threshold > 0  # the seeds sit where the committee disagrees
    proposed = LocalProposal(fraction=1.0, scale=0.002, n_seeds=n_seeds).propose(
        pool, learner, grid, pool.normalize(grid), 2000, np.random.default_rng(6))
    nearest = np.argmin(((proposed.candidates.x[:, None, :] - grid[None]) ** 2).sum(axis=2), axis=1)
    assert len(np.unique(nearest)) == n_seeds
    assert (uncertainty[np.unique(nearest)] >= threshold).all()


def test_fixed_sector_parameters_stay_at_their_defaults():
    base = _PmssmPlane()
    oracle = FixedSectorOracle(base, ["ew", "slepton"])
    pool, learner, x = _fitted(oracle)
    proposed = LocalProposal(fraction=1.0, scale=0.5).propose(pool, learner, x, pool.normalize(x), 400, np.random.default_rng(7))
    assert proposed.candidates.x.shape == (400, 10) and pool.space.contains(proposed.candidates.x).all()
    full = oracle.expand(proposed.candidates.x)
    fixed = [i for i, name in enumerate(NAMES) if name not in oracle.space.names]
    np.testing.assert_array_equal(full[:, fixed], np.broadcast_to([DEFAULTS[NAMES[i]] for i in fixed], (400, 9)))
    assert base.space.contains(full).all()


def test_same_seed_same_candidates_and_the_labelled_set_is_not_modified():
    pool, learner, x = _fitted(_Slab())
    x_norm = pool.normalize(x)
    before = x.copy(), x_norm.copy()
    proposal = LocalProposal(fraction=0.6, scale=0.1, n_seeds=20)
    a = proposal.propose(pool, learner, x, x_norm, 500, np.random.default_rng(8))
    b = proposal.propose(pool, learner, x, x_norm, 500, np.random.default_rng(8))
    c = proposal.propose(pool, learner, x, x_norm, 500, np.random.default_rng(9))
    np.testing.assert_array_equal(a.candidates.x, b.candidates.x)
    assert not np.array_equal(a.candidates.x, c.candidates.x)
    np.testing.assert_array_equal(x, before[0])
    np.testing.assert_array_equal(x_norm, before[1])


def test_local_share_of_a_batch():
    pool, learner, x = _fitted(Hypersphere(3, 0.4))
    proposal = LocalProposal(fraction=0.5)
    proposed = proposal.propose(pool, learner, x, pool.normalize(x), 10, np.random.default_rng(10))
    assert proposal.batch_metrics(proposed, np.array([0, 1, 5, 6, 7])) == {"local_share": 0.6}
    assert proposal.batch_metrics(proposed, np.array([], dtype=int)) == {"local_share": 0.0}
    assert PriorProposal().batch_metrics(proposed, np.array([0])) == {}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"fraction": -0.1}, r"fraction must be in \[0, 1\], but got fraction=-0.1"),
        ({"fraction": 1.5}, r"fraction must be in \[0, 1\], but got fraction=1.5"),
        ({"scale": 0.0}, r"scale must be a positive fraction of the box side, but got scale=0.0"),
        ({"scale": float("inf")}, r"scale must be a positive fraction of the box side, but got scale=inf"),
        ({"scale": float("nan")}, r"scale must be a positive fraction of the box side, but got scale=nan"),
        ({"n_seeds": 0}, r"n_seeds must be an integer of at least 1, but got n_seeds=0"),
        ({"n_seeds": 2.5}, r"n_seeds must be an integer of at least 1, but got n_seeds=2.5"),
        ({"n_seeds": True}, r"n_seeds must be an integer of at least 1, but got n_seeds=True"),
    ],
)
def test_invalid_parameters_are_named(params, message):
    with pytest.raises(ValueError, match=message):
        LocalProposal(**params)


def test_a_finite_pool_and_an_empty_labelled_set_are_refused():
    space = Space(["a", "b"], [0.0, 0.0], [1.0, 1.0])
    rows = np.random.default_rng(0).random((20, 2))
    finite = FinitePool(rows, (rows[:, 0] > 0.5).astype(np.int8), np.arange(20), space, space.normalize)
    pool, learner, x = _fitted(Hypersphere(2, 0.5))
    with pytest.raises(ValueError, match=r"local proposals need a pool that labels any point of the box, but got a finite pool"):
        LocalProposal().propose(finite, learner, x, pool.normalize(x), 10, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"local proposals need at least one labelled point"):
        LocalProposal().propose(pool, learner, x[:0], pool.normalize(x[:0]), 10, np.random.default_rng(0))
