"""Keras 3 pieces of the Monte Carlo dropout learner, independent of the backend.

- :func:`always_dropout_class`: a dropout layer that is active at prediction too;
- :func:`build_network`: the Table III network (dense + dropout stack, softmax of 2);
- :func:`reset_network`: fresh seeded weights, optimiser state and dropout seeds;
- :func:`forward_function`: a fast inference call for the current backend;
- :func:`make_optimizer`, :func:`reset_optimizer`: an optimiser by name, and back to its initial state;
- :func:`keras_environment`: the backend and the device the models run on.

Keras is imported lazily (a backend costs seconds to import), so importing this
module, the learner registry or the configuration stays cheap.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import numpy as np

__all__ = [
    "always_dropout_class", "build_network", "epoch_seeder", "forward_function", "keras_environment",
    "make_optimizer", "reseed_dropout", "reset_network", "reset_optimizer",
]


def _keras() -> Any:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's C++ notices quiet
    import keras

    return keras


@cache
def always_dropout_class() -> type:
    """The ``AlwaysDropout`` layer class (built once, on first use).

    Unlike ``keras.layers.Dropout``, it ignores ``training`` and drops units on every
    call, so each prediction is one Monte Carlo dropout pass. Only this layer is
    stochastic: the rest of the network (batch normalisation, if a user adds it)
    keeps its inference behaviour, which calling the model with ``training=True``
    would not. Masks come from the layer's own seeded ``SeedGenerator``, whose
    state advances on every call, so a seeded model gives a reproducible sequence
    of passes on every backend.
    """
    keras = _keras()

    @keras.saving.register_keras_serializable(package="alsuite")
    class AlwaysDropout(keras.layers.Layer):  # type: ignore[name-defined]
        def __init__(self, rate: float, seed: int | None = None, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            if not 0.0 <= rate < 1.0:
                raise ValueError(f"AlwaysDropout rate must be in [0, 1), but got rate={rate}.")
            self.rate = float(rate)
            self.seed = seed
            self.seed_generator = keras.random.SeedGenerator(seed)
            self.supports_masking = True

        def call(self, inputs: Any, training: bool | None = None) -> Any:  # noqa: ARG002
            if self.rate == 0.0:
                return inputs
            return keras.random.dropout(inputs, self.rate, seed=self.seed_generator)

        def compute_output_shape(self, input_shape: Any) -> Any:
            return input_shape

        def get_config(self) -> dict[str, Any]:
            return {**super().get_config(), "rate": self.rate, "seed": self.seed}

    return AlwaysDropout


def build_network(
    n_features: int,
    hidden_units: Sequence[int],
    *,
    activation: str,
    dropout: float,
    seed: int,
) -> Any:
    """Dense layers with an :func:`always_dropout_class` layer after each, then Dense 2 softmax.

    With ``hidden_units=(500, 100, 100, 50)``, ReLU and 19 inputs this is the
    paper's Table III network, 75,352 parameters. ``dropout=0`` leaves the dropout
    layers out (a deterministic network whose committee collapses).
    """
    keras = _keras()
    layer = always_dropout_class()
    layers: list[Any] = [keras.Input(shape=(n_features,), dtype="float32")]
    for i, units in enumerate(hidden_units):
        layers.append(keras.layers.Dense(int(units), activation=activation))
        if dropout > 0.0:
            layers.append(layer(dropout, seed=seed + 1 + i, name=f"mc_dropout_{i}"))
    layers.append(keras.layers.Dense(2, activation="softmax"))
    return keras.Sequential(layers, name="qbdc_network")


def reset_network(model: Any, seed: int, learning_rate: float) -> None:
    """Put a compiled network back to a freshly initialised state, determined by ``seed`` alone.

    Dense kernels are redrawn Glorot-uniform (the Keras default) from seeds derived
    from ``seed``, biases are zeroed, the optimiser's slots and step counter are
    zeroed, its learning rate set, and each dropout layer's seed generator is
    restarted. A reused network therefore trains exactly like a new one.
    """
    keras = _keras()
    for layer, layer_seed in zip(model.layers, _layer_seeds(model, seed), strict=True):
        if isinstance(layer, keras.layers.Dense):
            init = keras.initializers.GlorotUniform(seed=int(layer_seed))
            layer.kernel.assign(init(tuple(layer.kernel.shape), dtype=layer.kernel.dtype))
            layer.bias.assign(keras.ops.zeros(tuple(layer.bias.shape), dtype=layer.bias.dtype))
    reseed_dropout(model, seed)
    reset_optimizer(model, learning_rate)


def make_optimizer(name: str, learning_rate: float) -> Any:
    """A Keras optimiser by name: ``adam``, ``adamw``, ``nadam``, ``rmsprop`` or ``sgd``."""
    keras = _keras()
    classes = {"adam": keras.optimizers.Adam, "adamw": keras.optimizers.AdamW, "nadam": keras.optimizers.Nadam,
               "rmsprop": keras.optimizers.RMSprop, "sgd": keras.optimizers.SGD}
    return classes[name](learning_rate=learning_rate)


def reset_optimizer(model: Any, learning_rate: float) -> None:
    """Zero a compiled model's optimiser slots and step counter and set its learning rate.

    A reused network then trains as if its optimiser were new.
    """
    keras = _keras()
    optimizer = model.optimizer
    lr_path = optimizer._learning_rate.path if hasattr(optimizer._learning_rate, "path") else None
    for variable in optimizer.variables:
        if variable.path != lr_path:
            variable.assign(keras.ops.zeros(tuple(variable.shape), dtype=variable.dtype))
    optimizer.learning_rate = learning_rate


def epoch_seeder(seed: int) -> Any:
    """A callback that reseeds the global generators at the start of every epoch from ``(seed, epoch)``.

    On PyTorch, ``fit`` shuffles with a ``RandomSampler`` that draws its seed from
    torch's global generator when the epoch's first batch is taken, and a model's
    first ``fit`` draws from that generator once more while it builds. Without
    this callback a network reused from the pool therefore shuffles differently
    from a new one, and the same ``random_state`` gives different members. On
    TensorFlow the shuffle is fixed when ``fit`` starts, so nothing is done there.
    """
    keras = _keras()

    def reseed(epoch: int, logs: Any = None) -> None:  # noqa: ARG001
        if keras.backend.backend() != "tensorflow":
            state = np.random.SeedSequence([seed, epoch]).generate_state(1)[0]
            keras.utils.set_random_seed(int(state >> 1))

    return keras.callbacks.LambdaCallback(on_epoch_begin=reseed)


def _layer_seeds(model: Any, seed: int) -> list[int]:
    return (np.random.SeedSequence(seed).generate_state(len(model.layers)) >> 1).tolist()  # < 2**31


def reseed_dropout(model: Any, seed: int) -> None:
    """Restart every dropout layer's mask stream at a state determined by ``seed`` alone.

    The passes that follow are the same sequence every time the network is reseeded
    with the same ``seed`` and called on the same batches (same shapes, same order).
    """
    keras = _keras()
    dropout_layer = always_dropout_class()
    for layer, layer_seed in zip(model.layers, _layer_seeds(model, seed), strict=True):
        if isinstance(layer, dropout_layer):
            state = layer.seed_generator.state  # type: ignore[attr-defined]
            state.assign(keras.ops.convert_to_tensor([int(layer_seed), 0], dtype=state.dtype))


def forward_function(model: Any) -> Callable[[np.ndarray], Any]:
    """One inference call for ``model``: a traced ``tf.function`` on TensorFlow, else ``predict_on_batch``.

    On TensorFlow the function is traced once for any batch size; Keras'
    ``predict_on_batch`` re-wraps every batch. The dropout layers stay active
    either way (they ignore ``training``).
    """
    keras = _keras()
    if keras.backend.backend() != "tensorflow":
        return model.predict_on_batch  # type: ignore[no-any-return]
    import tensorflow as tf

    spec = tf.TensorSpec(shape=(None, model.input_shape[-1]), dtype=tf.float32)
    return tf.function(lambda x: model(x, training=False), input_signature=[spec])  # type: ignore[no-any-return]


@cache
def keras_environment() -> dict[str, str]:
    """The Keras backend and the device its models run on, e.g. ``{"keras_backend": "tensorflow", "device": "cpu"}``.

    The device is ``"gpu"`` (with the device name appended, such as
    ``"gpu:NVIDIA H200"``) when the backend sees an accelerator; Keras places
    models there automatically.
    """
    keras = _keras()
    backend = keras.backend.backend()
    device = "cpu"
    if backend == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        if gpus:
            details = tf.config.experimental.get_device_details(gpus[0])
            device = f"gpu:{details.get('device_name', gpus[0].name)}"
    elif backend == "torch":
        import torch

        if torch.cuda.is_available():
            device = f"gpu:{torch.cuda.get_device_name(0)}"
    elif backend == "jax":
        import jax

        first = jax.devices()[0]
        if first.platform != "cpu":
            device = f"{first.platform}:{getattr(first, 'device_kind', first.platform)}"
    return {"keras_backend": backend, "device": device}
