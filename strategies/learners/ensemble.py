"""A deep ensemble: K independently initialised networks are the committee.

The K members are trained together as one vectorised Keras model (one kernel
of shape ``(K, in, out)`` per layer, see :mod:`strategies.learners._ensemble_keras`)
in a single ``fit`` call: every minibatch goes through all members in one
forward and backward pass, and the loss is the sum of the members' own losses,
so each member follows its own gradient. Members differ by their initial
weights (each drawn from its own seed) and, optionally, by bootstrap weights on
the training points. Unlike Monte Carlo dropout passes of one network, the
members are separate optima, which is why deep ensembles are proposed as a fix
for the mode collapse of MC dropout. Prediction is deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from strategies.learners._base import Learner, NotFittedError
from strategies.learners._ensemble_keras import build_ensemble, initial_weights, member_loss
from strategies.learners._keras import _keras, epoch_seeder, make_optimizer, reset_optimizer
from strategies.learners._pool import PooledNetwork
from strategies.learners.dropout import OPTIMIZERS

__all__ = ["EnsembleLearner"]


def _check(name: str, value: object, ok: bool, allowed: str) -> None:
    if not ok:
        raise ValueError(f"EnsembleLearner: {name} must be {allowed}, but got {name}={value!r}.")


class EnsembleLearner(PooledNetwork, Learner):
    """K dense networks trained in one vectorised fit; their outputs are the committee.

    Parameters
    ----------
    n_members : int, default=10
        Committee size K. Training and prediction cost grow linearly with it.
    hidden_units : sequence of int, default=(500, 100, 100, 50)
        Widths of each member's hidden layers (paper Table III without dropout).
    activation : str, default="relu"
        Activation of the hidden layers (any Keras activation name).
    optimizer : {"adam", "adamw", "nadam", "rmsprop", "sgd"}, default="adam"
    learning_rate : float, default=0.001
    epochs : int, default=1000
        Upper bound; early stopping usually ends training first.
    batch_size : int, default=1000
        Points per minibatch; every member sees the same minibatches.
    patience : int, default=20
        Epochs without improvement of the validation loss (summed over members)
        before training stops; the weights of the best epoch are restored, for all
        members at once.
    validation_fraction : float, default=0.1
        Share of the labelled points held out (a seeded random split, the same for
        every member) for early stopping; with fewer than 2 points training
        monitors the training loss.
    bootstrap : bool, default=False
        Weight each member's training points by its own bootstrap counts (a
        resample with replacement of the training points, seeded per fit), for
        data diversity on top of the independent initialisations.
    predict_rows : int, default=65536
        Rows (candidates x members) per forward call; bounds prediction memory.
    jit_compile : bool or "auto", default=False
        Passed to ``model.compile``, as for :class:`DropoutLearner`.
    random_state : int or None, default=None
        Seeds the members' initial weights, shuffling, the validation split and the
        bootstrap counts; the same value and data give the same predictions on one
        backend.

    Examples
    --------
    >>> learner = EnsembleLearner(4, hidden_units=(8,), epochs=2, random_state=0)
    >>> X = np.random.default_rng(0).random((50, 3), dtype=np.float32)
    >>> learner.fit(X, (X[:, 0] > 0.5).astype(int)).committee_proba(X[:6]).shape
    (4, 6)
    """

    stochastic = False

    def __init__(
        self,
        n_members: int = 10,
        *,
        hidden_units: Sequence[int] = (500, 100, 100, 50),
        activation: str = "relu",
        optimizer: str = "adam",
        learning_rate: float = 1e-3,
        epochs: int = 1000,
        batch_size: int = 1000,
        patience: int = 20,
        validation_fraction: float = 0.1,
        bootstrap: bool = False,
        predict_rows: int = 65536,
        jit_compile: bool | str = False,
        random_state: int | None = None,
    ) -> None:
        units = tuple(int(u) for u in hidden_units)
        _check("n_members", n_members, n_members >= 1, "at least 1")
        _check("hidden_units", hidden_units, len(units) > 0 and min(units) >= 1, "a non-empty list of positive widths")
        _check("optimizer", optimizer, optimizer in OPTIMIZERS, f"one of {list(OPTIMIZERS)}")
        _check("learning_rate", learning_rate, learning_rate > 0, "positive")
        for name, value in (("epochs", epochs), ("batch_size", batch_size), ("predict_rows", predict_rows)):
            _check(name, value, value >= 1, "at least 1")
        _check("patience", patience, patience >= 0, "at least 0")
        _check("validation_fraction", validation_fraction, 0.0 <= validation_fraction < 1.0, "in [0, 1)")
        _check("bootstrap", bootstrap, isinstance(bootstrap, bool), "True or False")
        self._n_members = int(n_members)
        self.hidden_units = units
        self.activation = activation
        self.optimizer = optimizer
        self.learning_rate = float(learning_rate)
        self.epochs = int(epochs)
        self.batch_size = int(batch_size)
        self.patience = int(patience)
        self.validation_fraction = float(validation_fraction)
        self.bootstrap = bootstrap
        self.predict_rows = int(predict_rows)
        self.jit_compile = jit_compile
        self.random_state = random_state

    @property
    def n_members(self) -> int:
        return self._n_members

    def _key(self, n_features: int) -> tuple[object, ...]:
        return ("ensemble", n_features, self._n_members, self.hidden_units, self.activation, self.optimizer,
                self.jit_compile, _keras().backend.backend())

    def _build(self, n_features: int) -> Any:
        """A new compiled network for inputs of width ``n_features``."""
        model = build_ensemble(n_features, self.hidden_units, n_members=self._n_members,
                               activation=self.activation)
        model.compile(optimizer=make_optimizer(self.optimizer, self.learning_rate), loss=member_loss,
                      jit_compile=self.jit_compile)
        return model

    def _targets(self, onehot: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """``(n, K, 3)``: the one-hot label for every member, then the member's weight of the point."""
        n, k = len(onehot), self._n_members
        return np.concatenate([np.broadcast_to(onehot[:, None, :], (n, k, 2)), weights[:, :, None]],
                              axis=2).astype(np.float32)

    def fit(self, X: np.ndarray, y: np.ndarray) -> EnsembleLearner:
        """Train all members from fresh initial weights in one ``fit`` call; returns ``self``."""
        keras = _keras()
        X = np.ascontiguousarray(X, dtype=np.float32)
        y = np.asarray(y).astype(np.int64)
        if X.ndim != 2 or y.shape != (len(X),) or len(X) == 0:
            raise ValueError(
                f"EnsembleLearner.fit needs X of shape (n_samples, n_features) and y of shape "
                f"(n_samples,) with n_samples >= 1, but got {X.shape} and {y.shape}."
            )
        seed = int(np.random.default_rng().integers(2**31 - 1)) if self.random_state is None else int(self.random_state)
        model = self._borrow(X.shape[1])
        model.set_weights(initial_weights(X.shape[1], self.hidden_units, self._n_members, seed))
        reset_optimizer(model, self.learning_rate)
        rng = np.random.default_rng(seed)  # the validation split of a DropoutLearner with this seed, then bootstrap
        onehot = np.eye(2, dtype=np.float32)[y]
        n_val = min(int(round(self.validation_fraction * len(X))), len(X) - 1) if len(X) >= 2 else 0
        validation = None
        if n_val > 0:
            order = rng.permutation(len(X))
            val, train = order[:n_val], order[n_val:]
            validation = (X[val], self._targets(onehot[val], np.ones((n_val, self._n_members))))
            X, onehot = X[train], onehot[train]
        counts = np.ones((len(X), self._n_members))
        if self.bootstrap:
            counts = rng.multinomial(len(X), np.full(len(X), 1.0 / len(X)), size=self._n_members).T.astype(np.float64)
        keras.utils.set_random_seed(seed)  # the shuffling of fit()
        stop = keras.callbacks.EarlyStopping(
            monitor="val_loss" if validation else "loss", patience=self.patience, restore_best_weights=True
        )
        history = model.fit(X, self._targets(onehot, counts), validation_data=validation, epochs=self.epochs,
                            batch_size=self.batch_size, callbacks=[epoch_seeder(seed), stop], verbose=0, shuffle=True)
        self.history_ = {k: [float(v) for v in vals] for k, vals in history.history.items()}
        self.n_epochs_ = len(history.epoch)
        model.history = None  # the History callback refers back to the model
        return self

    def network_weights(self) -> list[np.ndarray]:
        """All members' weights, layer order, kernels ``(K, in, out)`` and biases ``(K, out)`` (copies)."""
        if not hasattr(self, "model_"):
            raise NotFittedError("EnsembleLearner is not fitted yet: call fit(X, y) first.")
        return [np.array(w) for w in self.model_.get_weights()]

    def member_weights(self, member: int) -> list[np.ndarray]:
        """Member ``member``'s weights as one plain dense network: kernels ``(in, out)``, biases ``(out,)``.

        They fit a :class:`DropoutLearner` with the same widths and ``dropout=0``.

        Raises
        ------
        IndexError
            When ``member`` is not in ``[0, n_members)``.
        """
        if not 0 <= member < self._n_members:
            raise IndexError(f"member must be in [0, {self._n_members}), but got member={member}.")
        return [w[member] for w in self.network_weights()]

    def set_network_weights(self, weights: Sequence[np.ndarray]) -> EnsembleLearner:
        """Install weights from :meth:`network_weights` of a learner with the same settings; returns ``self``.

        Raises
        ------
        ValueError
            When the number or shapes of the arrays do not fit this learner's network.
        """
        weights = [np.asarray(w, dtype=np.float32) for w in weights]
        if not weights or weights[0].ndim != 3:
            raise ValueError("EnsembleLearner.set_network_weights needs the stacked kernels and biases in layer "
                             f"order, starting with a 3-D kernel (n_members, in, out), but got {len(weights)} arrays.")
        self._install(weights, weights[0].shape[1],
                      f"EnsembleLearner(n_members={self._n_members}, hidden_units={list(self.hidden_units)})")
        return self

    def committee_proba(self, X: np.ndarray) -> np.ndarray:
        """Each member's probability of class 1, shape ``(n_members, n_samples)``; deterministic."""
        if not hasattr(self, "model_"):
            raise NotFittedError("EnsembleLearner is not fitted yet: call fit(X, y) first.")
        X = np.ascontiguousarray(X, dtype=np.float32)
        out = np.empty((self._n_members, len(X)), dtype=np.float64)
        chunk = max(1, self.predict_rows // self._n_members)
        for start in range(0, len(X), chunk):
            block = X[start : start + chunk]
            out[:, start : start + len(block)] = np.asarray(self._forward(block))[:, :, 1].T
        return out

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """The members' mean probability, shape ``(n_samples, 2)`` (columns: classes 0 and 1)."""
        p1 = self.committee_proba(X).mean(axis=0)
        return np.column_stack([1.0 - p1, p1])
