"""Compiled networks kept for reuse, so retraining every iteration neither leaks nor slows down.

Every new Keras model traces new training and inference functions (a
``tf.function`` on TensorFlow, a ``jax.jit`` on JAX). TensorFlow keeps part of each
trace for the life of the process: building one small model per fit grows the
resident memory by about 6 MB per fit and adds seconds of tracing to every fit,
even after the model is collected and after ``keras.backend.clear_session()``.
So a :class:`~strategies.learners.DropoutLearner` borrows a compiled network from
this pool, re-initialises its weights, optimiser state and dropout seeds from
its own ``random_state`` (so results do not depend on the network's history),
and gives it back when it is released or garbage collected. In the loop that
means at most two networks per architecture (the previous iteration's learner is
alive while the next one fits), traced once each.

Only networks of the pool are touched: other live models, such as the SUSY-AI
oracle, keep their state (the pool never calls ``clear_session``).
"""

from __future__ import annotations

import threading
import weakref
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Sequence
from typing import Any

__all__ = ["NetworkPool", "POOL", "PooledNetwork"]


class NetworkPool:
    """Free compiled networks by key (architecture, optimiser, loss, input width).

    Parameters
    ----------
    max_free : int, default=2
        Free networks kept per key; more are dropped (and collected).
    """

    def __init__(self, max_free: int = 2) -> None:
        if max_free < 0:
            raise ValueError(f"max_free must be at least 0, but got max_free={max_free}.")
        self.max_free = max_free
        self._free: dict[Hashable, list[Any]] = {}
        self._lock = threading.Lock()
        self.built = 0

    def acquire(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """A free entry for ``key``, or a new one from ``build()``."""
        with self._lock:
            free = self._free.get(key)
            if free:
                return free.pop()
        self.built += 1
        return build()

    def give_back(self, key: Hashable, entry: Any) -> None:
        """Return an entry; it must no longer be used by its previous owner."""
        with self._lock:
            free = self._free.setdefault(key, [])
            if len(free) < self.max_free:
                free.append(entry)

    def n_free(self, key: Hashable | None = None) -> int:
        """Free entries for ``key`` (all keys if None)."""
        with self._lock:
            if key is not None:
                return len(self._free.get(key, []))
            return sum(len(v) for v in self._free.values())

    def clear(self) -> None:
        """Drop every free network (they are collected once nothing else holds them)."""
        with self._lock:
            self._free.clear()


POOL = NetworkPool()


class PooledNetwork(ABC):
    """Mixin for learners whose compiled network is borrowed from :data:`POOL`.

    Subclasses give ``_key(n_features)`` (what makes two networks interchangeable)
    and ``_build(n_features)`` (a new compiled model). The network is kept across
    refits with the same key and given back when :meth:`release` is called or the
    learner is garbage collected.
    """

    @abstractmethod
    def _key(self, n_features: int) -> tuple[object, ...]:
        """What makes two networks interchangeable (architecture, optimiser, input width, backend)."""

    @abstractmethod
    def _build(self, n_features: int) -> Any:
        """A new compiled network for inputs of width ``n_features``."""

    def release(self) -> None:
        """Give the trained network back to the pool; the learner is unfitted afterwards.

        Only this learner's network is affected; other live models, such as the
        SUSY-AI oracle, are untouched (no global ``keras.backend.clear_session()``).
        """
        finalizer = self.__dict__.pop("_finalizer", None)
        self.__dict__.pop("model_", None)
        self.__dict__.pop("_forward", None)
        if finalizer is not None:
            finalizer()

    def _borrow(self, n_features: int) -> Any:
        """This learner's network (kept across refits) or one borrowed from the pool."""
        from strategies.learners._keras import forward_function

        key = self._key(n_features)
        if "model_" in self.__dict__ and self.__dict__.get("_pool_key") == key:
            return self.__dict__["model_"]
        self.release()

        def build() -> tuple[Any, Any]:
            model = self._build(n_features)
            return model, forward_function(model)

        entry = POOL.acquire(key, build)
        self._finalizer = weakref.finalize(self, POOL.give_back, key, entry)
        self._pool_key = key
        self.model_, self._forward = entry
        return self.model_

    def _install(self, weights: Sequence[Any], n_features: int, learner: str) -> None:
        """Put ``weights`` into this learner's network for ``n_features`` inputs, checking their shapes.

        Raises ``ValueError`` naming ``learner`` (its settings) and both shape lists when
        the weights come from another architecture; the network is given back then.
        """
        model = self._borrow(n_features)
        expected = [tuple(w.shape) for w in model.weights]
        got = [tuple(w.shape) for w in weights]
        if got != expected:
            self.release()
            raise ValueError(f"{learner} expects weight shapes {expected}, but got {got}; "
                             "the weights come from another architecture.")
        model.set_weights(list(weights))
