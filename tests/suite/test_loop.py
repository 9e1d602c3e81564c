import numpy as np
import pytest

from datasets.oracles import Hypersphere
from datasets.pools import InfinitePool
from strategies.learners import ForestLearner
from strategies.selectors import RandomSelector, UncertaintySelector
from suite.loop import LabelledSet, run_loop


def _run(size_max=130, selector=None, seed=0, size_initial=50):
    oracle = Hypersphere(3, 0.4)
    rng = np.random.default_rng(seed)
    x0 = oracle.space.sample(size_initial, rng)
    xt = oracle.space.sample(2000, rng)
    pool = InfinitePool(oracle)
    records = run_loop(
        pool=pool,
        make_learner=lambda: ForestLearner(n_estimators=5, n_jobs=1, random_state=0),
        selector=selector or UncertaintySelector(),
        initial=LabelledSet(x0, oracle.label(x0)),
        test_x=oracle.space.normalize(xt),
        test_y=oracle.label(xt),
        size_sample=200,
        size_select=20,
        size_max=size_max,
        rng=rng,
    )
    return records, pool


def test_steps_are_exact_labelled_sizes():
    records, pool = _run()
    assert [r.step for r in records] == [50, 70, 90, 110, 130]
    assert [r.iteration for r in records] == [0, 1, 2, 3, 4]
    assert [r.oracle_calls for r in records] == [50, 70, 90, 110, 130]
    assert pool.oracle_calls == 80
    assert records[0].label_seconds == 0.0 and records[1].label_seconds > 0


def test_last_batch_is_trimmed_to_the_budget():
    records, _ = _run(size_max=125)
    assert [r.step for r in records] == [50, 70, 90, 110, 125]


def test_same_seed_gives_identical_metrics():
    a, _ = _run(seed=4)
    b, _ = _run(seed=4)
    assert [r.scores for r in a] == [r.scores for r in b]
    c, _ = _run(seed=5)
    assert [r.scores for r in a] != [r.scores for r in c]


def test_random_and_uncertainty_share_the_first_model():
    a, _ = _run(selector=RandomSelector())
    b, _ = _run(selector=UncertaintySelector())
    assert a[0].scores == b[0].scores


def test_initial_set_must_fit_the_budget():
    with pytest.raises(ValueError, match="must be smaller than size_max=50"):
        _run(size_max=50)
