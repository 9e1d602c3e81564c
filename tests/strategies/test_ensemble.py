"""The deep-ensemble learner: one vectorised fit, independent members, reproducibility, backends."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from datasets.oracles import Hypersphere
from strategies import make_learner, make_selector
from strategies.learners import DropoutLearner, EnsembleLearner, NotFittedError
from strategies.learners._ensemble_keras import initial_weights, member_loss
from suite.config import load_config

pytestmark = pytest.mark.keras

ROOT = Path(__file__).resolve().parents[2]
TINY = dict(hidden_units=(32, 32), epochs=40, patience=40, batch_size=64)
ORACLE = Hypersphere(3, fraction=0.3)


def _sphere(n, seed):
    x = ORACLE.space.sample(n, np.random.default_rng(seed))
    return ORACLE.space.normalize(x), ORACLE.label(x), x


@pytest.fixture(scope="module")
def fitted():
    X, y, _ = _sphere(800, seed=0)
    return EnsembleLearner(5, **TINY, random_state=0).fit(X, y)


def test_contract_shapes_and_committee_mean(fitted):
    Xt, _, _ = _sphere(3000, seed=1)
    committee = fitted.committee_proba(Xt)
    proba = fitted.predict_proba(Xt)
    assert committee.shape == (5, 3000) and proba.shape == (3000, 2) and fitted.n_members == 5
    assert not fitted.stochastic and ((committee >= 0) & (committee <= 1)).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(proba[:, 1], committee.mean(axis=0))
    np.testing.assert_array_equal(fitted.committee_proba(Xt), committee)   # deterministic members


def test_the_ensemble_learns_the_sphere_and_every_member_does(fitted):
    Xt, yt, _ = _sphere(3000, seed=1)
    member_accuracy = ((fitted.committee_proba(Xt) > 0.5) == yt).mean(axis=1)
    assert member_accuracy.min() > 0.93
    assert np.mean((fitted.predict_proba(Xt)[:, 1] > 0.5) == yt) > 0.95


def test_members_differ(fitted):
    Xt, _, x = _sphere(3000, seed=1)
    committee = fitted.committee_proba(Xt)
    gaps = np.abs(committee[:, None, :] - committee[None, :, :]).mean(axis=2)[np.triu_indices(5, 1)]
    assert gaps.min() > 0.003                                      # every pair of members disagrees somewhere
    near = np.abs(ORACLE.distance(x)) < 0.05                       # and most near the boundary
    assert committee.std(axis=0)[near].mean() > 3 * committee.std(axis=0)[~near].mean()


def test_one_fit_call_trains_all_members_in_one_set_of_stacked_kernels(monkeypatch):
    import keras

    X, y, _ = _sphere(300, seed=2)
    calls = []
    real_fit = keras.Model.fit

    def counting_fit(self, *args, **kwargs):
        calls.append(kwargs["epochs"])
        return real_fit(self, *args, **kwargs)

    monkeypatch.setattr(keras.Model, "fit", counting_fit)
    learner = EnsembleLearner(4, hidden_units=(16, 8), epochs=5, patience=5, batch_size=64, random_state=3).fit(X, y)
    assert calls == [5] and learner.n_epochs_ == 5
    shapes = [tuple(w.shape) for w in learner.model_.trainable_weights]
    assert shapes == [(4, 3, 16), (4, 16), (4, 16, 8), (4, 8), (4, 8, 2), (4, 2)]
    start = initial_weights(3, (16, 8), 4, seed=3)
    trained = learner.network_weights()
    moved = np.array([[np.abs(t[k] - s[k]).max() for k in range(4)] for t, s in zip(trained, start, strict=True)])
    assert (moved > 1e-4).all()                                    # every layer of every member was trained


def test_a_member_is_a_plain_dense_network(fitted):
    Xt, _, _ = _sphere(500, seed=4)
    committee = fitted.committee_proba(Xt)
    for k in (0, 3):
        plain = DropoutLearner((32, 32), dropout=0.0, n_passes=1).set_network_weights(fitted.member_weights(k))
        np.testing.assert_allclose(plain.predict_proba(Xt)[:, 1], committee[k], atol=1e-6)
        alone = EnsembleLearner(1, hidden_units=(32, 32)).set_network_weights([w[None] for w in fitted.member_weights(k)])
        np.testing.assert_allclose(alone.committee_proba(Xt)[0], committee[k], atol=1e-6)


def test_member_loss_is_binary_crossentropy_per_member_summed():
    import keras

    rng = np.random.default_rng(0)
    p1 = rng.uniform(0.05, 0.95, (6, 3))
    pred = np.stack([1 - p1, p1], axis=2).astype("float32")
    onehot = np.eye(2, dtype="float32")[rng.integers(0, 2, 6)]
    weights = rng.integers(0, 3, (6, 3)).astype("float32")
    target = np.concatenate([np.repeat(onehot[:, None], 3, axis=1), weights[:, :, None]], axis=2)
    bce = np.stack([np.asarray(keras.losses.binary_crossentropy(onehot, pred[:, k])) for k in range(3)], axis=1)
    np.testing.assert_allclose(np.asarray(member_loss(target, pred)), (weights * bce).sum(axis=1), rtol=1e-5)


def test_initial_weights_are_per_member_glorot_draws():
    small, large = initial_weights(19, (500, 100), 2, seed=7), initial_weights(19, (500, 100), 5, seed=7)
    assert [w.shape for w in large] == [(5, 19, 500), (5, 500), (5, 500, 100), (5, 100), (5, 100, 2), (5, 2)]
    for a, b in zip(small, large, strict=True):
        np.testing.assert_array_equal(a, b[:2])                    # member k's start depends on (seed, k) only
    kernel = large[0]
    assert np.abs(kernel).max() <= np.sqrt(6 / 519) and not np.array_equal(kernel[0], kernel[1])
    assert not any(np.array_equal(a, b) for a, b in zip(initial_weights(19, (500, 100), 2, seed=8), small, strict=True)
                   if a.ndim == 3)
    assert all((w == 0).all() for w in large[1::2])


def test_same_seed_same_members_and_bootstrap_changes_them():
    X, y, _ = _sphere(300, seed=5)
    settings = dict(hidden_units=(16,), epochs=6, patience=6, batch_size=64)
    first = EnsembleLearner(3, **settings, random_state=11).fit(X, y)
    reference = first.committee_proba(X[:100])
    first.release()                                                # the next fit reuses this network
    again = EnsembleLearner(3, **settings, random_state=11).fit(X, y).committee_proba(X[:100])
    np.testing.assert_array_equal(again, reference)
    other = EnsembleLearner(3, **settings, random_state=12).fit(X, y).committee_proba(X[:100])
    assert not np.array_equal(other, reference)
    boot = EnsembleLearner(3, **settings, bootstrap=True, random_state=11).fit(X, y).committee_proba(X[:100])
    boot_again = EnsembleLearner(3, **settings, bootstrap=True, random_state=11).fit(X, y).committee_proba(X[:100])
    np.testing.assert_array_equal(boot, boot_again)
    assert np.abs(boot - reference).mean() > 1e-3


def test_single_class_training_and_a_single_point():
    X, _, _ = _sphere(100, seed=6)
    learner = EnsembleLearner(3, hidden_units=(8,), epochs=15, patience=15, batch_size=20, learning_rate=0.01,
                              random_state=0)
    assert learner.fit(X, np.zeros(100, dtype=int)) is learner
    assert (learner.predict_proba(X)[:, 1] < 0.5).all()
    assert learner.fit(X[:1], np.ones(1, dtype=int)).committee_proba(X[:4]).shape == (3, 4)
    assert "val_loss" not in learner.history_                      # one point: no validation split


def test_uncertainty_selection_picks_points_near_the_sphere(fitted):
    Xt, _, x = _sphere(5000, seed=7)
    for measure in ("eq1", "bald"):
        chosen = make_selector("uncertainty", {"measure": measure}).select(fitted, Xt, 200, np.random.default_rng(0))
        assert len(set(chosen.tolist())) == 200
        assert np.abs(ORACLE.distance(x[chosen])).mean() < 0.4 * np.abs(ORACLE.distance(x)).mean()


def test_errors():
    with pytest.raises(ValueError, match=r"EnsembleLearner: n_members must be at least 1, but got n_members=0"):
        EnsembleLearner(0)
    with pytest.raises(ValueError, match=r"optimizer must be one of \['adam',.*got optimizer='lbfgs'"):
        EnsembleLearner(optimizer="lbfgs")
    with pytest.raises(ValueError, match="hidden_units must be a non-empty list of positive widths"):
        EnsembleLearner(hidden_units=(8, 0))
    with pytest.raises(ValueError, match=r"validation_fraction must be in \[0, 1\), but got validation_fraction=1.0"):
        EnsembleLearner(validation_fraction=1.0)
    with pytest.raises(ValueError, match="bootstrap must be True or False, but got bootstrap='yes'"):
        EnsembleLearner(bootstrap="yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"needs X of shape \(n_samples, n_features\).*\(3,\)"):
        EnsembleLearner().fit(np.zeros(3), np.zeros(3))
    with pytest.raises(NotFittedError, match="EnsembleLearner is not fitted yet: call fit"):
        EnsembleLearner().predict_proba(np.zeros((1, 2)))
    learner = EnsembleLearner(2, hidden_units=(4,))
    with pytest.raises(ValueError, match=r"starting with a 3-D kernel \(n_members, in, out\), but got 1 arrays"):
        learner.set_network_weights([np.zeros((3, 4))])
    with pytest.raises(ValueError, match=r"expects weight shapes \[\(2, 3, 4\), \(2, 4\), \(2, 4, 2\), \(2, 2\)\]"):
        learner.set_network_weights([np.zeros((2, 3, 4)), np.zeros((2, 4))])
    learner.set_network_weights(initial_weights(3, (4,), 2, seed=0))
    with pytest.raises(IndexError, match=r"member must be in \[0, 2\), but got member=2"):
        learner.member_weights(2)


def test_registry_and_config_sections():
    cfg = load_config("quick", ["strategies=ensemble-random,ensemble-qbc", "ensemble.n_members=4",
                                "ensemble.bootstrap=true"])
    learner = make_learner("ensemble", cfg.learner_params("ensemble"), random_state=0)
    assert isinstance(learner, EnsembleLearner) and learner.n_members == 4 and learner.bootstrap
    assert learner.hidden_units == (500, 100, 100, 50) and (learner.epochs, learner.patience) == (1000, 20)
    assert load_config("quick").ensemble.n_members == 10


@pytest.mark.slow
def test_learner_trains_and_predicts_under_the_torch_backend():
    """A fresh and a pooled network give identical members under torch too (see ``epoch_seeder``)."""
    try:
        import torch  # noqa: F401
    except ImportError:
        pytest.skip("torch is not installed: pip install torch (optional, for KERAS_BACKEND=torch)")
    script = textwrap.dedent("""
        import numpy as np, keras
        from datasets.oracles import Hypersphere
        from strategies.learners import EnsembleLearner
        from strategies.learners._keras import keras_environment
        o = Hypersphere(3, fraction=0.3); x = o.space.sample(600, np.random.default_rng(0)); y = o.label(x)
        X = o.space.normalize(x)
        make = lambda: EnsembleLearner(4, hidden_units=(32, 32), epochs=40, patience=40, batch_size=64, random_state=0)
        c = make().fit(X, y).committee_proba(X)
        same = np.array_equal(make().fit(X, y).committee_proba(X), c)
        gap = float(np.abs(c[0] - c[1]).mean())
        print(keras.backend.backend(), keras_environment()["device"], c.shape, gap,
              float(np.mean((c.mean(0) > 0.5) == y)), same)
    """)
    env = {**os.environ, "KERAS_BACKEND": "torch", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    backend, device, *shape, gap, accuracy, same = done.stdout.split()[-7:]
    assert (backend, device) == ("torch", "cpu") and " ".join(shape) == "(4, 600)"
    assert float(gap) > 0.003 and float(accuracy) > 0.93 and same == "True"
