"""The finite pool: row ids, no row twice, depletion, the last batch, the split."""

from __future__ import annotations

import numpy as np
import pytest

from datasets.pools import Candidates, FinitePool, split_rows
from datasets.space import Space
from strategies.learners import ForestLearner
from strategies.selectors import RandomSelector, UncertaintySelector
from suite.loop import LabelledSet, run_loop


def _pool(n_rows=10, rows=None):
    x = np.arange(n_rows, dtype=np.float64)[:, None] * np.ones((1, 2))  # row id i is the point (i, i)
    y = (np.arange(n_rows) % 2).astype(np.int8)                          # odd ids are allowed
    space = Space(["a", "b"], [0.0, 0.0], [n_rows, n_rows])
    rows = np.arange(n_rows) if rows is None else rows
    return FinitePool(x, y, rows, space, space.normalize), x, y


def _loop(pool, x, y, initial_ids, size_select, size_sample=100, selector=None, last_batch="rest", size_max=1000):
    return run_loop(
        pool=pool,
        make_learner=lambda: ForestLearner(n_estimators=3, n_jobs=1, random_state=0),
        selector=selector or UncertaintySelector(),
        initial=LabelledSet(x[initial_ids], y[initial_ids]),
        test_x=pool.normalize(x),
        test_y=y,
        size_sample=size_sample,
        size_select=size_select,
        size_max=size_max,
        rng=np.random.default_rng(0),
        last_batch=last_batch,
    )


@pytest.mark.parametrize("selector", [RandomSelector(), UncertaintySelector()])
def test_ten_rows_three_labelled_select_five(selector):
    pool, x, y = _pool(10, rows=np.array([0, 1, 3, 4, 5, 7, 9]))
    records = _loop(pool, x, y, [2, 6, 8], size_select=5, selector=selector)
    assert [r.step for r in records] == [3, 8, 10]
    assert [r.pool["pool_remaining"] for r in records] == [7.0, 2.0, 0.0]
    assert records[-1].pool["pool_uncertain_share"] == 0.0
    acquired = pool.acquired
    assert sorted(acquired.tolist()) == [0, 1, 3, 4, 5, 7, 9]  # every pool row once, no initial row
    assert len(set(acquired.tolist())) == 7
    assert pool.remaining() == 0 and pool.oracle_calls == 7
    assert [r.oracle_calls for r in records] == [3, 8, 10]


def test_stop_instead_of_a_short_last_batch():
    pool, x, y = _pool(10, rows=np.array([0, 1, 3, 4, 5, 7, 9]))
    records = _loop(pool, x, y, [2, 6, 8], size_select=5, last_batch="stop")
    assert [r.step for r in records] == [3, 8]
    assert pool.remaining() == 2


def test_size_max_below_the_pool_trims_like_an_infinite_budget():
    pool, x, y = _pool(20, rows=np.arange(3, 20))
    records = _loop(pool, x, y, [0, 1, 2], size_select=5, size_max=12)
    assert [r.step for r in records] == [3, 8, 12]
    assert pool.remaining() == 17 - 9


def test_labels_are_looked_up_by_row_id_not_by_position():
    pool, x, y = _pool(10, rows=np.array([9, 2, 7]))  # positions 0, 1, 2 hold rows 2, 7, 9
    cand = pool.unused()
    np.testing.assert_array_equal(cand.ids, [2, 7, 9])
    np.testing.assert_array_equal(cand.x[:, 0], [2.0, 7.0, 9.0])
    assert pool.acquire(cand, np.array([2, 0])).tolist() == [1, 0]  # rows 9 (odd) and 2 (even)
    np.testing.assert_array_equal(pool.unused().ids, [7])
    with pytest.raises(ValueError, match=r"table rows \[9\] were already acquired"):
        pool.acquire(cand, np.array([2]))
    with pytest.raises(ValueError, match=r"table rows \[4\] are not in this pool"):
        pool.acquire(Candidates(x[[4]], np.array([4])), np.array([0]))
    with pytest.raises(ValueError, match=r"the chosen candidates repeat table rows \[7, 7\]"):
        pool.acquire(Candidates(x[[7, 7]], np.array([7, 7])), np.array([0, 1]))
    with pytest.raises(ValueError, match=r"a finite pool labels rows by id"):
        pool.acquire(Candidates(x[[7]]), np.array([0]))
    with pytest.raises(ValueError, match=r"pool rows must be distinct table row ids in \[0, 10\)"):
        FinitePool(x, y, np.array([1, 1]), pool.space, pool.normalize)


def test_candidates_are_a_seeded_subset_when_size_sample_is_smaller():
    pool, _, _ = _pool(50)
    a = pool.candidates(10, np.random.default_rng(3))
    b = pool.candidates(10, np.random.default_rng(3))
    assert len(a) == 10 and len(set(a.ids.tolist())) == 10
    np.testing.assert_array_equal(a.ids, b.ids)
    np.testing.assert_array_equal(a.x[:, 0], a.ids)
    assert len(pool.candidates(60, np.random.default_rng(3))) == 50  # all remaining rows


def test_split_is_disjoint_seeded_and_checked():
    a = split_rows(100, 10, 30, np.random.default_rng(7))
    b = split_rows(100, 10, 30, np.random.default_rng(7))
    for part in ("initial", "test", "pool"):
        np.testing.assert_array_equal(getattr(a, part), getattr(b, part))
    together = np.concatenate([a.initial, a.test, a.pool])
    assert (len(a.initial), len(a.test), len(a.pool)) == (10, 30, 60)
    np.testing.assert_array_equal(np.sort(together), np.arange(100))
    assert np.all(np.diff(a.pool) > 0)
    with pytest.raises(ValueError, match=r"the table has 100 rows, too few for size_initial=10 \+ size_test=90 \+ a pool of at least 5 \(size_select\) rows = 105"):
        split_rows(100, 10, 90, np.random.default_rng(0), min_pool=5)


def test_a_resumed_finite_loop_equals_the_uninterrupted_one():
    pool, x, y = _pool(30, rows=np.arange(3, 30))
    full = _loop(pool, x, y, [0, 1, 2], size_select=4)
    states = []
    first, x1, y1 = _pool(30, rows=np.arange(3, 30))
    run_loop(pool=first, make_learner=lambda: ForestLearner(n_estimators=3, n_jobs=1, random_state=0),
             selector=UncertaintySelector(), initial=LabelledSet(x1[[0, 1, 2]], y1[[0, 1, 2]]),
             test_x=first.normalize(x1), test_y=y1, size_sample=100, size_select=4, size_max=1000,
             rng=np.random.default_rng(0), on_batch=states.append)
    saved = states[2]  # as if killed after the third labelled batch
    assert saved.pool_state["batches"] == [b.tolist() for b in first._batches[:3]]
    fresh, _, _ = _pool(30, rows=np.arange(3, 30))
    resumed = run_loop(pool=fresh, make_learner=lambda: ForestLearner(n_estimators=3, n_jobs=1, random_state=0),
                       selector=UncertaintySelector(), initial=LabelledSet(x1[[0, 1, 2]], y1[[0, 1, 2]]),
                       test_x=fresh.normalize(x1), test_y=y1, size_sample=100, size_select=4, size_max=1000,
                       rng=np.random.default_rng(0), start=saved)
    assert [r.step for r in resumed] == [r.step for r in full] == [3, 7, 11, 15, 19, 23, 27, 30]
    assert [r.scores for r in resumed] == [r.scores for r in full]
    assert fresh.acquired.tolist() == pool.acquired.tolist() and fresh.remaining() == 0
    with pytest.raises(ValueError, match="needs a fresh pool"):
        fresh.set_state(saved.pool_state)
