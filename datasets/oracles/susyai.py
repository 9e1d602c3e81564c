"""The SUSY-AI oracle: the paper's Table II network, rebuilt from ``susyai.hdf5``.

Keras 3 cannot load this Keras 2.1.5 file (``load_model`` fails on the old config
layout), so the layers are read from the file's ``model_config`` and the weights
with h5py, and the same network is rebuilt in Keras 3. Output column 1 is the
probability that a point is allowed; the label is 1 where it exceeds 0.5.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from datasets.data_dir import DataFile, DataFileError, locate
from datasets.oracles._base import Oracle
from datasets.pmssm import pmssm19_space

__all__ = ["SUSYAI_FILE", "DenseLayer", "SusyAIOracle", "read_network"]

SUSYAI_FILE = DataFile(
    name="susyai.hdf5",
    sha256="546e064b2b46a8676a6b3c322d2fb482905f6d928d7ca7b09b14e7a9f2eb9bea",
    url=(
        "https://raw.githubusercontent.com/bstienen/active-learning/"
        "2229c1f20ef557ca18109513af6e65e1dccef930/susyai.hdf5"
    ),
    size=947_192,
)


@dataclass(frozen=True)
class DenseLayer:
    """One dense layer of the stored network and the activation that follows it."""

    kernel: np.ndarray
    bias: np.ndarray
    activation: str


def _layer_list(config: dict[str, Any]) -> list[dict[str, Any]]:
    layers = config.get("config")
    if isinstance(layers, dict):  # Keras >= 2.2 wraps the list in {"layers": [...]}
        layers = layers.get("layers")
    if not isinstance(layers, list):
        raise KeyError("model_config has no layer list")
    return layers


def read_network(path: str | Path) -> list[DenseLayer]:
    """Read the dense layers (weights and activations) of a Keras 2 HDF5 file.

    Raises
    ------
    DataFileError
        When the file is not a Keras 2 Sequential of Dense/Activation layers.
    """
    path = Path(path)
    try:
        with h5py.File(path, "r") as fh:
            config = json.loads(fh.attrs["model_config"])
            layers: list[DenseLayer] = []
            for entry in _layer_list(config):
                kind, cfg = entry["class_name"], entry["config"]
                if kind == "Dense":
                    group = fh["model_weights"][cfg["name"]][cfg["name"]]
                    layers.append(
                        DenseLayer(
                            kernel=np.asarray(group["kernel:0"], dtype=np.float32),
                            bias=np.asarray(group["bias:0"], dtype=np.float32),
                            activation=cfg.get("activation", "linear"),
                        )
                    )
                elif kind == "Activation" and layers and layers[-1].activation == "linear":
                    last = layers.pop()
                    layers.append(DenseLayer(last.kernel, last.bias, cfg["activation"]))
                else:
                    raise KeyError(f"unsupported layer {kind!r}")
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise DataFileError(
            f"{path} is not a readable SUSY-AI network file ({type(exc).__name__}: {exc}). "
            f"Replace it with the original {SUSYAI_FILE.name} (sha256 {SUSYAI_FILE.sha256})."
        ) from exc
    return layers


def _compiled_forward(model: Any) -> Any:
    """A fast inference call: a traced ``tf.function`` on TensorFlow, else ``predict_on_batch``.

    Keras' ``predict_on_batch`` re-wraps every batch; on TensorFlow a function traced
    once for any batch size labels about 1.6x more points per second.
    """
    import keras

    if keras.backend.backend() != "tensorflow":
        return model.predict_on_batch
    import tensorflow as tf

    spec = tf.TensorSpec(shape=(None, model.input_shape[-1]), dtype=tf.float32)
    return tf.function(lambda x: model(x, training=False), input_signature=[spec])


class SusyAIOracle(Oracle):
    """Labels pMSSM-19 points (physical units) with the SUSY-AI network.

    The network expects normalised inputs; that affine map is folded into the first
    layer's weights, so a batch costs one float32 cast and one forward pass.

    Parameters
    ----------
    path : str or Path, optional
        The network file; by default it is located (and verified) through
        :func:`datasets.data_dir.locate`.
    batch_size : int, default=16384
        Points per forward pass (16384 was fastest on 2 cores; see the oracle benchmark).
    """

    def __init__(self, path: str | Path | None = None, *, batch_size: int = 16384) -> None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's C++ notices quiet
        import keras  # deferred: importing a backend costs seconds

        self.space = pmssm19_space()
        self.path = Path(path) if path is not None else locate(SUSYAI_FILE)
        self.layers = read_network(self.path)
        self.batch_size = int(batch_size)
        self.model = keras.Sequential(
            [keras.Input(shape=(self.space.dimension,), dtype="float32")]
            + [keras.layers.Dense(len(l.bias), activation=l.activation) for l in self.layers],
            name="susyai_oracle",
        )
        # Fold the input normalisation z = (x - mid) * inv into the first layer, so
        # physical points go straight in: W' = diag(inv) W, b' = b - (mid * inv) W.
        inv = np.sqrt(12.0) / (self.space.upper - self.space.lower)
        mid = (self.space.upper + self.space.lower) / 2.0
        first = self.layers[0]
        kernel0 = (first.kernel.astype(np.float64) * inv[:, None]).astype(np.float32)
        bias0 = (first.bias - (mid * inv) @ first.kernel.astype(np.float64)).astype(np.float32)
        weights = [(kernel0, bias0)] + [(l.kernel, l.bias) for l in self.layers[1:]]
        for dense, (kernel, bias) in zip(self.model.layers, weights, strict=True):
            dense.set_weights([kernel, bias])
        self._forward = _compiled_forward(self.model)

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """Probability of *allowed* for each point, shape ``(n_points,)``."""
        x = np.asarray(x)
        out = np.empty(len(x), dtype=np.float32)
        for start in range(0, len(x), self.batch_size):
            chunk = x[start : start + self.batch_size].astype(np.float32)
            out[start : start + len(chunk)] = np.asarray(self._forward(chunk))[:, 1]
        return out

    def _label(self, x: np.ndarray) -> np.ndarray:
        return (self.predict_proba(x) > 0.5).astype(np.int8)
