"""The Monte Carlo dropout learner: Table III network, passes, collapse, reproducibility, memory."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from datasets.oracles import Hyperplane
from strategies import make_learner, make_selector
from strategies.learners import CommitteeCollapsedError, DropoutLearner, NotFittedError
from strategies.learners._pool import POOL, NetworkPool
from suite.config import load_config

pytestmark = pytest.mark.keras

ROOT = Path(__file__).resolve().parents[2]
TINY = dict(hidden_units=(16, 16), n_passes=10, epochs=40, patience=40, batch_size=32)


def _plane(n=300, seed=0):
    oracle = Hyperplane(2)
    x = oracle.space.sample(n, np.random.default_rng(seed))
    return oracle.space.normalize(x), oracle.label(x)


def test_the_paper_network_is_table_iii():
    from strategies.learners._keras import always_dropout_class, build_network

    cfg = load_config("paper-qbdc").network
    model = build_network(19, cfg.hidden_units, activation=cfg.activation, dropout=cfg.dropout, seed=0)
    assert model.count_params() == 75_352
    kinds = [(type(layer).__name__, getattr(layer, "units", None) or getattr(layer, "rate", None))
             for layer in model.layers]
    assert kinds == [("Dense", 500), ("AlwaysDropout", 0.2), ("Dense", 100), ("AlwaysDropout", 0.2),
                     ("Dense", 100), ("AlwaysDropout", 0.2), ("Dense", 50), ("AlwaysDropout", 0.2), ("Dense", 2)]
    assert [l.activation.__name__ for l in model.layers if hasattr(l, "units")] == ["relu"] * 4 + ["softmax"]
    assert (cfg.optimizer, cfg.loss, cfg.epochs, cfg.batch_size, cfg.patience, cfg.n_passes) == (
        "adam", "binary_crossentropy", 1000, 1000, 20, 25)
    # The dropout layer drops at prediction too, whatever `training` says.
    layer = always_dropout_class()(0.5, seed=1)
    out = np.asarray(layer(np.ones((1, 1000), dtype="float32"), training=False))
    assert set(np.unique(out).tolist()) == {0.0, 2.0} and 350 < (out == 0).sum() < 650


def test_passes_differ_and_the_pass_average_is_a_good_classifier():
    X, y = _plane()
    learner = DropoutLearner(**TINY, random_state=0).fit(X, y)
    Xt, yt = _plane(2000, seed=1)
    committee = learner.committee_proba(Xt)
    assert committee.shape == (10, 2000) and learner.n_members == 10
    assert np.mean(committee.std(axis=0) > 0) > 0.95         # passes differ for nearly every point
    proba = learner.predict_proba(Xt)
    assert proba.shape == (2000, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert np.mean((proba[:, 1] > 0.5) == yt) > 0.9          # a plane in 2-D, 300 labels
    # predict_proba draws fresh passes: close to, not equal to, this committee's mean
    assert 0 < np.abs(proba[:, 1] - committee.mean(axis=0)).mean() < 0.05


def test_committee_collapses_without_dropout():
    X, y = _plane()
    learner = DropoutLearner(**{**TINY, "epochs": 3}, dropout=0.0, random_state=0).fit(X, y)
    with pytest.raises(CommitteeCollapsedError, match=r"committee collapsed: all 10 Monte Carlo dropout passes .*\(dropout=0.0\)"):
        learner.committee_proba(X)
    with pytest.raises(CommitteeCollapsedError, match="set network.dropout in"):
        make_selector("uncertainty", {"measure": "eq1"}).select(learner, X, 5, np.random.default_rng(0))
    assert learner.predict_proba(X[:3]).shape == (3, 2)      # the pass-averaged network still scores


def test_same_seed_same_passes_regardless_of_pool_history():
    X, y = _plane()
    pool = POOL.built
    a = DropoutLearner(**{**TINY, "epochs": 5}, random_state=7).fit(X, y)
    first = a.committee_proba(X[:50])
    b = DropoutLearner(**{**TINY, "epochs": 5}, random_state=8).fit(X, y)   # a second network
    a.release()
    c = DropoutLearner(**{**TINY, "epochs": 5}, random_state=7).fit(X, y)   # reuses a's network
    assert POOL.built - pool <= 2
    np.testing.assert_array_equal(c.committee_proba(X[:50]), first)
    assert not np.array_equal(b.committee_proba(X[:50]), first)
    with pytest.raises(NotFittedError, match="call fit"):
        a.predict_proba(X)
    built = POOL.built
    c.fit(X, y)                                                         # a refit keeps its network
    assert POOL.built == built and c.model_ is not None
    np.testing.assert_array_equal(c.committee_proba(X[:50]), first)


def _retrain(n_fits, X, y, on_fit=None):
    for i in range(n_fits):
        learner = DropoutLearner(hidden_units=(8,), n_passes=4, epochs=2, batch_size=64,
                                 random_state=i).fit(X[: 150 + i], y[: 150 + i])
        learner.committee_proba(X)
        if on_fit:
            on_fit(i + 1)


def test_retraining_30_times_does_not_leak_or_touch_other_models():
    import keras
    import psutil

    X, y = _plane(200)
    other = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])   # a live model of someone else
    before = np.asarray(other(X[:20]))
    rss = {}
    _retrain(30, X, y, lambda i: rss.__setitem__(i, psutil.Process().memory_info().rss))
    # Without the network pool each fit added about 6 MB (TensorFlow keeps every trace).
    assert rss[30] - rss[5] < 15 * 2**20, f"RSS grew by {(rss[30] - rss[5]) / 2**20:.1f} MiB"
    np.testing.assert_array_equal(np.asarray(other(X[:20])), before)


def test_retraining_leaves_the_susyai_oracle_intact(susyai_oracle):
    points = susyai_oracle.space.sample(500, np.random.default_rng(0))
    before = susyai_oracle.predict_proba(points)
    X, y = _plane(200)
    _retrain(3, X, y)
    np.testing.assert_array_equal(susyai_oracle.predict_proba(points), before)


def test_network_pool_bounds_its_free_list():
    pool = NetworkPool(max_free=1)
    assert pool.acquire("k", lambda: "a") == "a" and pool.built == 1
    pool.give_back("k", "a")
    pool.give_back("k", "b")                                  # over max_free: dropped
    assert pool.n_free("k") == 1 and pool.acquire("k", lambda: "c") == "a"
    assert pool.acquire("k", lambda: "c") == "c" and pool.built == 2
    with pytest.raises(ValueError, match="max_free must be at least 0, but got max_free=-1"):
        NetworkPool(max_free=-1)


def test_errors():
    with pytest.raises(NotFittedError, match="call fit"):
        DropoutLearner().committee_proba(np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"DropoutLearner: dropout must be in \[0, 1\), but got dropout=1.0"):
        DropoutLearner(dropout=1.0)
    with pytest.raises(ValueError, match=r"optimizer must be one of \['adam',.*got optimizer='lbfgs'"):
        DropoutLearner(optimizer="lbfgs")
    with pytest.raises(ValueError, match="hidden_units must be a non-empty list of positive widths"):
        DropoutLearner(hidden_units=())
    with pytest.raises(ValueError, match=r"needs X of shape \(n_samples, n_features\).*\(3,\)"):
        DropoutLearner().fit(np.zeros(3), np.zeros(3))
    learner = make_learner("dropout", load_config("paper-qbdc").learner_params("dropout"), random_state=0)
    assert learner.hidden_units == (500, 100, 100, 50) and learner.n_passes == 25


def test_learner_trains_and_predicts_under_the_torch_backend():
    try:
        import torch  # noqa: F401
    except ImportError:
        pytest.skip("torch is not installed: pip install torch (optional, for KERAS_BACKEND=torch)")
    script = textwrap.dedent("""
        import numpy as np, keras
        from datasets.oracles import Hyperplane
        from strategies.learners import DropoutLearner
        from strategies.learners._keras import keras_environment
        o = Hyperplane(2); x = o.space.sample(300, np.random.default_rng(0)); y = o.label(x)
        X = o.space.normalize(x)
        l = DropoutLearner((16, 16), n_passes=10, epochs=25, patience=25, batch_size=32, random_state=0).fit(X, y)
        c = l.committee_proba(X); p = l.predict_proba(X)[:, 1]
        again = DropoutLearner((16, 16), n_passes=10, epochs=25, patience=25, batch_size=32, random_state=0)
        same = np.array_equal(again.fit(X, y).committee_proba(X), c)
        print(keras.backend.backend(), keras_environment()["device"], c.shape, float(np.mean(c.std(0) > 0)),
              float(np.mean((p > 0.5) == y)), same)
    """)
    env = {**os.environ, "KERAS_BACKEND": "torch", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    backend, device, *shape, spread, accuracy, same = done.stdout.split()[-7:]
    assert (backend, device) == ("torch", "cpu") and " ".join(shape) == "(10, 300)"
    assert float(spread) > 0.95 and float(accuracy) > 0.9 and same == "True"
