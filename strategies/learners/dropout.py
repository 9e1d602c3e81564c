"""A neural network whose Monte Carlo dropout passes form the committee (QBDC).

One network is trained per iteration; at prediction its dropout layers stay
active, so ``n_passes`` stochastic forward passes give ``n_passes`` committee
members. The passes of a batch of candidates are computed together: the
candidates are tiled ``n_passes`` times and sent through the network in one call
per chunk, not in ``n_passes`` separate calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from strategies.learners._base import Learner, NotFittedError
from strategies.learners._keras import (
    _keras,
    build_network,
    epoch_seeder,
    make_optimizer,
    reseed_dropout,
    reset_network,
)
from strategies.learners._pool import PooledNetwork

__all__ = ["OPTIMIZERS", "CommitteeCollapsedError", "DropoutLearner"]

OPTIMIZERS = ("adam", "adamw", "nadam", "rmsprop", "sgd")
LOSSES = ("binary_crossentropy", "categorical_crossentropy")


class CommitteeCollapsedError(RuntimeError):
    """Every Monte Carlo pass gave the same output: the committee cannot disagree."""


def _check(name: str, value: object, ok: bool, allowed: str) -> None:
    if not ok:
        raise ValueError(f"DropoutLearner: {name} must be {allowed}, but got {name}={value!r}.")


class DropoutLearner(PooledNetwork, Learner):
    """Dense network with always-active dropout; its passes are the committee.

    Parameters
    ----------
    hidden_units : sequence of int, default=(500, 100, 100, 50)
        Widths of the hidden dense layers (paper Table III).
    activation : str, default="relu"
        Activation of the hidden layers (any Keras activation name).
    dropout : float, default=0.2
        Dropout rate after every hidden layer, in [0, 1). 0 removes the dropout
        layers; the committee then collapses and uncertainty selection refuses it.
    n_passes : int, default=25
        Monte Carlo passes, i.e. the committee size.
    optimizer : {"adam", "adamw", "nadam", "rmsprop", "sgd"}, default="adam"
    learning_rate : float, default=0.001
    loss : {"binary_crossentropy", "categorical_crossentropy"}, default="binary_crossentropy"
        On the two softmax outputs against one-hot labels.
    epochs : int, default=1000
        Upper bound; early stopping usually ends training first.
    batch_size : int, default=1000
    patience : int, default=20
        Epochs without improvement of the validation loss before training stops;
        the weights of the best epoch are restored.
    validation_fraction : float, default=0.1
        Share of the labelled points held out (a seeded random split) for early
        stopping; with fewer than 2 points training monitors the training loss.
    predict_rows : int, default=65536
        Rows (candidates x passes) per forward call; bounds prediction memory.
    jit_compile : bool or "auto", default=False
        Passed to ``model.compile``. XLA compilation costs seconds per new model,
        i.e. per iteration, which small networks do not win back on a CPU.
    random_state : int or None, default=None
        Seeds initial weights, shuffling, the validation split and the dropout
        masks; the same value and data give the same predictions on one backend.

    Examples
    --------
    >>> learner = DropoutLearner((8,), n_passes=5, epochs=2, random_state=0)
    >>> X = np.random.default_rng(0).random((50, 3), dtype=np.float32)
    >>> learner.fit(X, (X[:, 0] > 0.5).astype(int)).committee_proba(X[:4]).shape
    (5, 4)
    """

    stochastic = True

    def __init__(
        self,
        hidden_units: Sequence[int] = (500, 100, 100, 50),
        *,
        activation: str = "relu",
        dropout: float = 0.2,
        n_passes: int = 25,
        optimizer: str = "adam",
        learning_rate: float = 1e-3,
        loss: str = "binary_crossentropy",
        epochs: int = 1000,
        batch_size: int = 1000,
        patience: int = 20,
        validation_fraction: float = 0.1,
        predict_rows: int = 65536,
        jit_compile: bool | str = False,
        random_state: int | None = None,
    ) -> None:
        units = tuple(int(u) for u in hidden_units)
        _check("hidden_units", hidden_units, len(units) > 0 and min(units) >= 1, "a non-empty list of positive widths")
        _check("dropout", dropout, 0.0 <= dropout < 1.0, "in [0, 1)")
        _check("n_passes", n_passes, n_passes >= 1, "at least 1")
        _check("optimizer", optimizer, optimizer in OPTIMIZERS, f"one of {list(OPTIMIZERS)}")
        _check("loss", loss, loss in LOSSES, f"one of {list(LOSSES)}")
        _check("learning_rate", learning_rate, learning_rate > 0, "positive")
        for name, value in (("epochs", epochs), ("batch_size", batch_size), ("predict_rows", predict_rows)):
            _check(name, value, value >= 1, "at least 1")
        _check("patience", patience, patience >= 0, "at least 0")
        _check("validation_fraction", validation_fraction, 0.0 <= validation_fraction < 1.0, "in [0, 1)")
        self.hidden_units = units
        self.activation = activation
        self.dropout = float(dropout)
        self.n_passes = int(n_passes)
        self.optimizer = optimizer
        self.learning_rate = float(learning_rate)
        self.loss = loss
        self.epochs = int(epochs)
        self.batch_size = int(batch_size)
        self.patience = int(patience)
        self.validation_fraction = float(validation_fraction)
        self.predict_rows = int(predict_rows)
        self.jit_compile = jit_compile
        self.random_state = random_state

    @property
    def n_members(self) -> int:
        return self.n_passes

    def _key(self, n_features: int) -> tuple[object, ...]:
        return (n_features, self.hidden_units, self.activation, self.dropout, self.optimizer,
                self.loss, self.jit_compile, _keras().backend.backend())

    def _build(self, n_features: int) -> Any:
        """A new compiled network for inputs of width ``n_features``."""
        model = build_network(n_features, self.hidden_units, activation=self.activation,
                              dropout=self.dropout, seed=0)
        model.compile(optimizer=make_optimizer(self.optimizer, self.learning_rate), loss=self.loss,
                      jit_compile=self.jit_compile)
        return model

    def fit(self, X: np.ndarray, y: np.ndarray) -> DropoutLearner:
        keras = _keras()
        X = np.ascontiguousarray(X, dtype=np.float32)
        y = np.asarray(y).astype(np.int64)
        if X.ndim != 2 or y.shape != (len(X),) or len(X) == 0:
            raise ValueError(
                f"DropoutLearner.fit needs X of shape (n_samples, n_features) and y of shape "
                f"(n_samples,) with n_samples >= 1, but got {X.shape} and {y.shape}."
            )
        seed = int(np.random.default_rng().integers(2**31 - 1)) if self.random_state is None else int(self.random_state)
        model = self._borrow(X.shape[1])
        keras.utils.set_random_seed(seed)  # the shuffling of fit()
        reset_network(model, seed, self.learning_rate)
        onehot = np.eye(2, dtype=np.float32)[y]
        n_val = min(int(round(self.validation_fraction * len(X))), len(X) - 1) if len(X) >= 2 else 0
        validation = None
        if n_val > 0:
            order = np.random.default_rng(seed).permutation(len(X))
            val, train = order[:n_val], order[n_val:]
            validation = (X[val], onehot[val])
            X, onehot = X[train], onehot[train]
        stop = keras.callbacks.EarlyStopping(
            monitor="val_loss" if validation else "loss", patience=self.patience, restore_best_weights=True
        )
        history = model.fit(X, onehot, validation_data=validation, epochs=self.epochs,
                            batch_size=self.batch_size, callbacks=[epoch_seeder(seed), stop], verbose=0,
                            shuffle=True)
        self.history_ = {k: [float(v) for v in vals] for k, vals in history.history.items()}
        self.n_epochs_ = len(history.epoch)
        model.history = None  # the History callback refers back to the model
        return self

    def reseed(self, seed: int) -> DropoutLearner:
        """Restart the dropout masks at a state set by ``seed``: the same calls then give the same passes.

        Without it every call continues the mask stream of the previous one (fresh
        members each time). Returns ``self``.
        """
        if not hasattr(self, "model_"):
            raise NotFittedError("DropoutLearner is not fitted yet: call fit(X, y) first.")
        reseed_dropout(self.model_, int(seed))
        return self

    def network_weights(self) -> list[np.ndarray]:
        """The trained network's weights (kernels and biases, layer order), copies."""
        if not hasattr(self, "model_"):
            raise NotFittedError("DropoutLearner is not fitted yet: call fit(X, y) first.")
        return [np.array(w) for w in self.model_.get_weights()]

    def set_network_weights(self, weights: Sequence[np.ndarray]) -> DropoutLearner:
        """Install weights from :meth:`network_weights` of a learner with the same settings; returns ``self``.

        The network is built (or borrowed) for the input width of the first kernel,
        so the learner is fitted afterwards without training.

        Raises
        ------
        ValueError
            When the number or shapes of the arrays do not fit this learner's network.
        """
        weights = [np.asarray(w, dtype=np.float32) for w in weights]
        if not weights or weights[0].ndim != 2:
            raise ValueError("DropoutLearner.set_network_weights needs the kernels and biases in layer order, "
                             f"starting with a 2-D kernel, but got {len(weights)} arrays.")
        self._install(weights, weights[0].shape[0], f"DropoutLearner(hidden_units={list(self.hidden_units)})")
        return self

    def _passes(self, X: np.ndarray) -> np.ndarray:
        if not hasattr(self, "model_"):
            raise NotFittedError("DropoutLearner is not fitted yet: call fit(X, y) first.")
        X = np.ascontiguousarray(X, dtype=np.float32)
        n, p = len(X), self.n_passes
        out = np.empty((p, n), dtype=np.float32)
        chunk = max(1, self.predict_rows // p)
        for start in range(0, n, chunk):
            block = X[start : start + chunk]
            # Pass-major tiling: rows [block; block; ...], each row gets its own dropout mask.
            proba = np.asarray(self._forward(np.tile(block, (p, 1))))[:, 1]
            out[:, start : start + len(block)] = proba.reshape(p, len(block))
        return out.astype(np.float64)

    def committee_proba(self, X: np.ndarray) -> np.ndarray:
        """Probability of class 1 in each of ``n_passes`` dropout passes, shape ``(n_passes, n_samples)``.

        Raises
        ------
        CommitteeCollapsedError
            When every pass gave exactly the same output for every sample.
        """
        passes = self._passes(X)
        if self.n_passes > 1 and passes.size and np.all(passes == passes[0]):
            raise CommitteeCollapsedError(
                f"committee collapsed: all {self.n_passes} Monte Carlo dropout passes gave identical "
                f"outputs for all {passes.shape[1]} candidates, so their disagreement says nothing. "
                f"Dropout is not active at prediction (dropout={self.dropout}) or the network is "
                f"saturated; set network.dropout in (0, 1), e.g. 0.2 as in the paper."
            )
        return passes

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Mean over the ``n_passes`` dropout passes (the pass-averaged network), shape ``(n_samples, 2)``."""
        p1 = self._passes(X).mean(axis=0)
        return np.column_stack([1.0 - p1, p1])
