"""Keras 3 pieces of the deep-ensemble learner: K dense networks computed as one.

- :func:`ensemble_dense_class`: a dense layer holding one kernel per member,
  shape ``(n_members, in, out)``, applied to all members in one batched matrix product;
- :func:`build_ensemble`: the stack of such layers (the Table III widths without
  dropout), output ``(batch, n_members, 2)`` softmax;
- :func:`member_loss`: the sum over members of each member's own weighted
  cross-entropy, so one ``fit`` trains every member on its own loss;
- :func:`initial_weights`: Glorot-uniform kernels and zero biases drawn per
  member from that member's own seed.

Only ``keras.ops`` is used, so the model runs on TensorFlow, PyTorch and JAX.
Keras is imported lazily, as in :mod:`strategies.learners._keras`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np

from strategies.learners._keras import _keras

__all__ = ["build_ensemble", "ensemble_dense_class", "initial_weights", "member_loss"]

EPSILON = 1e-7
"""Probabilities are clipped to ``[EPSILON, 1 - EPSILON]`` before the log, as Keras' own losses do."""


@cache
def ensemble_dense_class() -> type:
    """The ``EnsembleDense`` layer class (built once, on first use).

    Inputs of shape ``(batch, in)`` (the features, the same for every member) or
    ``(n_members, batch, in)`` (the previous layer's per-member activations) give
    ``(n_members, batch, units)``, or ``(batch, n_members, units)`` with
    ``batch_first=True`` (the output layer, so that Keras sees the batch axis
    first). Member ``k`` uses only ``kernel[k]`` and ``bias[k]``, so the members
    share nothing but the call. The member-major layout makes every layer one
    batched matrix product (the features broadcast over the members), which on a
    CPU ran about 1.5-2 times faster than an ``einsum`` over batch-first tensors.
    """
    keras = _keras()

    @keras.saving.register_keras_serializable(package="alsuite")
    class EnsembleDense(keras.layers.Layer):  # type: ignore[name-defined]
        def __init__(self, units: int, n_members: int, activation: str | None = None, batch_first: bool = False,
                     **kwargs: Any) -> None:
            super().__init__(**kwargs)
            if units < 1 or n_members < 1:
                raise ValueError(f"EnsembleDense needs units and n_members of at least 1, "
                                 f"but got units={units}, n_members={n_members}.")
            self.units = int(units)
            self.n_members = int(n_members)
            self.activation = keras.activations.get(activation)
            self.batch_first = bool(batch_first)

        def build(self, input_shape: Any) -> None:
            fan_in = int(input_shape[-1])
            # Placeholders: the learner installs per-member Glorot draws before every fit.
            self.kernel = self.add_weight(shape=(self.n_members, fan_in, self.units), initializer="zeros",
                                          name="kernel")
            self.bias = self.add_weight(shape=(self.n_members, self.units), initializer="zeros", name="bias")

        def call(self, inputs: Any) -> Any:
            ops = keras.ops
            out = self.activation(ops.matmul(inputs, self.kernel) + self.bias[:, None, :])  # (K, batch, units)
            return ops.transpose(out, (1, 0, 2)) if self.batch_first else out

        def compute_output_shape(self, input_shape: Any) -> Any:
            batch = input_shape[0] if len(input_shape) == 2 else input_shape[1]
            return (batch, self.n_members, self.units) if self.batch_first else (self.n_members, batch, self.units)

        def get_config(self) -> dict[str, Any]:
            return {**super().get_config(), "units": self.units, "n_members": self.n_members,
                    "activation": keras.activations.serialize(self.activation), "batch_first": self.batch_first}

    return EnsembleDense


def build_ensemble(n_features: int, hidden_units: Sequence[int], *, n_members: int, activation: str) -> Any:
    """``EnsembleDense`` layers of ``hidden_units`` widths, then ``EnsembleDense(2, softmax)``.

    With ``hidden_units=(500, 100, 100, 50)``, ReLU and 19 inputs each member is
    the paper's Table III network without its dropout layers (75,352 parameters
    per member).
    """
    keras = _keras()
    layer = ensemble_dense_class()
    layers: list[Any] = [keras.Input(shape=(n_features,), dtype="float32")]
    for i, units in enumerate(hidden_units):
        layers.append(layer(int(units), n_members, activation=activation, name=f"ensemble_dense_{i}"))
    layers.append(layer(2, n_members, activation="softmax", batch_first=True, name="ensemble_output"))
    return keras.Sequential(layers, name="deep_ensemble")


def member_loss(y_true: Any, y_pred: Any) -> Any:
    """Per sample, the sum over members of ``weight * cross-entropy``.

    ``y_true`` has shape ``(batch, n_members, 3)``: the one-hot label in the first
    two channels and the member's sample weight (a bootstrap count, or 1) in the
    third; ``y_pred`` is ``(batch, n_members, 2)``. On two softmax outputs against
    one-hot labels the cross-entropy equals Keras' ``binary_crossentropy`` (the
    paper's loss). Summing (not averaging) over members gives each member exactly
    the gradient of its own loss, whatever the optimiser.
    """
    ops = _keras().ops
    onehot, weight = y_true[..., :2], y_true[..., 2]
    log_p = ops.log(ops.clip(y_pred, EPSILON, 1.0 - EPSILON))
    return ops.sum(weight * -ops.sum(onehot * log_p, axis=-1), axis=-1)


def initial_weights(
    n_features: int, hidden_units: Sequence[int], n_members: int, seed: int
) -> list[np.ndarray]:
    """Fresh weights for :func:`build_ensemble`, in layer order ``[kernel, bias, kernel, bias, ...]``.

    Member ``k``'s kernels are Glorot-uniform (the Keras default for one dense
    layer, limit ``sqrt(6 / (fan_in + fan_out))``) drawn from its own generator,
    seeded by ``(seed, k)``: members start independently, and the first members of
    a larger ensemble start where those of a smaller one with the same seed do.
    Biases start at zero. Drawn with NumPy, so every backend starts identically.
    """
    widths = [n_features, *(int(u) for u in hidden_units), 2]
    members = [np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(k,))) for k in range(n_members)]
    weights: list[np.ndarray] = []
    for fan_in, fan_out in zip(widths[:-1], widths[1:], strict=True):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        weights.append(np.stack([rng.uniform(-limit, limit, (fan_in, fan_out)) for rng in members]).astype(np.float32))
        weights.append(np.zeros((n_members, fan_out), dtype=np.float32))
    return weights
