"""Surrogate oracles: a trained network labels points, read from a self-describing oracle file.

An *oracle file* (suffix ``.oracle`` by convention) is a zip archive holding

- ``oracle.json``: the metadata, see :class:`SurrogateMetadata` (format and version,
  parameter names, bounds and units, the input normalisation, which output column
  means *allowed* and the threshold, provenance);
- ``model.keras``: the network in the current Keras format, a stack of ``Dense``
  layers on normalised inputs whose last layer has two outputs.

:class:`SurrogateOracle` folds the affine normalisation into the first layer, so a
batch in physical units costs one cast (and a log10 on log-scaled columns) and one
traced forward pass. The SUSY-AI network (:mod:`datasets.oracles.susyai`) is one
such surrogate; :func:`save_surrogate` / :func:`load_surrogate` write and read files.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from datasets.data_dir import DataFileError
from datasets.normalization import Normalizer
from datasets.oracles._base import Oracle
from datasets.space import Space

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "DenseLayer",
    "SurrogateFileError",
    "SurrogateMetadata",
    "SurrogateOracle",
    "check_parameters",
    "layers_of",
    "load_surrogate",
    "network_model",
    "save_surrogate",
]

FORMAT = "alsuite-oracle"
FORMAT_VERSION = 1
_META, _MODEL = "oracle.json", "model.keras"


class SurrogateFileError(DataFileError):
    """A file is not a usable oracle file; the message names the file and what is wrong."""


@dataclass(frozen=True)
class DenseLayer:
    """One dense layer of a network and the activation that follows it."""

    kernel: np.ndarray
    bias: np.ndarray
    activation: str


@dataclass(frozen=True)
class SurrogateMetadata:
    """What a network needs besides its weights to be an oracle over a parameter box.

    Parameters
    ----------
    space : Space
        Parameter names (in the network's input order), bounds and units: the prior
        box of the infinite pool.
    normalizer : Normalizer
        The map from physical units to the network's inputs.
    allowed_column : int, default=1
        The output column holding the probability of *allowed* (label 1).
    threshold : float, default=0.5
        A point is allowed where that probability exceeds the threshold.
    provenance : dict, default={}
        Free-form JSON facts: source table, accuracies, creation time.
    """

    space: Space
    normalizer: Normalizer
    allowed_column: int = 1
    threshold: float = 0.5
    provenance: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.allowed_column not in (0, 1):
            raise ValueError(f"allowed_column must be 0 or 1, but got allowed_column={self.allowed_column}.")
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"threshold must be in (0, 1), but got threshold={self.threshold}.")
        if self.normalizer.dimension != self.space.dimension:
            raise ValueError(
                f"the normalisation has {self.normalizer.dimension} columns, but the space has "
                f"{self.space.dimension} parameters {list(self.space.names)}."
            )

    def to_json(self) -> dict[str, Any]:
        """The ``oracle.json`` mapping."""
        norm, names = self.normalizer, self.space.names
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "parameters": {"names": list(names), "lower": self.space.lower.tolist(),
                           "upper": self.space.upper.tolist(), "units": list(self.space.units)},
            "normalization": {"kind": norm.kind, "center": norm.center.tolist(), "scale": norm.scale.tolist(),
                              "log_columns": [names[i] for i in np.flatnonzero(norm.log)]},
            "output": {"allowed_column": self.allowed_column, "threshold": self.threshold},
            "provenance": self.provenance,
        }

    @classmethod
    def from_json(cls, data: Any, where: str) -> SurrogateMetadata:
        """Validate an ``oracle.json`` mapping; errors name ``where`` and the bad key."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise SurrogateFileError(f"{where}: not an alsuite oracle file ({_META} lacks format {FORMAT!r}).")
        if data.get("format_version") != FORMAT_VERSION:
            raise SurrogateFileError(
                f"{where}: oracle file format version {data.get('format_version')!r} is not supported; this "
                f"alsuite reads version {FORMAT_VERSION} (re-create the file with this version)."
            )
        try:
            par, norm, out = data["parameters"], data["normalization"], data["output"]
            space = Space(par["names"], par["lower"], par["upper"], par["units"])
            log = [space.names.index(n) for n in norm["log_columns"]]
            mask = np.zeros(space.dimension, dtype=bool)
            mask[log] = True
            center = np.asarray(norm["center"], dtype=np.float64)
            scale = np.asarray(norm["scale"], dtype=np.float64)
            shapes_ok = center.shape == (space.dimension,) and scale.shape == (space.dimension,)
            if not (shapes_ok and np.all(np.isfinite(center)) and np.all(np.isfinite(scale)) and np.all(scale > 0)):
                raise ValueError(f"normalization needs {space.dimension} finite centres and finite positive scales")
            return cls(space, Normalizer(str(norm["kind"]), center, scale, mask), int(out["allowed_column"]),
                       float(out["threshold"]), dict(data.get("provenance", {})))
        except KeyError as exc:
            raise SurrogateFileError(f"{where}: {_META} is missing the key {exc}; the file is incomplete.") from None
        except (ValueError, TypeError) as exc:
            raise SurrogateFileError(f"{where}: {_META} has invalid metadata ({exc}).") from None


def check_parameters(found: Sequence[str], expected: Sequence[str], where: str) -> None:
    """Raise ``ValueError`` unless ``found`` has exactly the names of ``expected``, in that order."""
    if tuple(found) != tuple(expected):
        order = " (same names, different order)" if sorted(found) == sorted(expected) else ""
        raise ValueError(
            f"{where} is over the parameters {list(found)}, but the space it is used with has "
            f"{list(expected)}{order}; use a surrogate trained on these parameters in this order."
        )


def _keras() -> Any:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's C++ notices quiet
    import keras

    return keras


def _compiled_forward(model: Any) -> Any:
    """A fast inference call: a traced ``tf.function`` on TensorFlow, else ``predict_on_batch``.

    Keras' ``predict_on_batch`` re-wraps every batch; on TensorFlow a function traced
    once for any batch size labels about 1.6x more points per second.
    """
    if _keras().backend.backend() != "tensorflow":
        return model.predict_on_batch
    import tensorflow as tf

    spec = tf.TensorSpec(shape=(None, model.input_shape[-1]), dtype=tf.float32)
    return tf.function(lambda x: model(x, training=False), input_signature=[spec])


def layers_of(model: Any, where: str) -> list[DenseLayer]:
    """The dense layers of a Keras model (float32 weights); anything else is refused."""
    keras = _keras()
    layers = []
    for layer in model.layers:
        if not isinstance(layer, keras.layers.Dense):
            raise SurrogateFileError(
                f"{where}: the network has a {type(layer).__name__} layer; oracle files hold stacks of Dense layers."
            )
        weights = layer.get_weights()
        if len(weights) != 2:
            raise SurrogateFileError(
                f"{where}: Dense layer {layer.name!r} has {len(weights)} weight arrays; oracle files need a kernel "
                "and a bias per layer (build the network with use_bias=True)."
            )
        kernel, bias = (np.asarray(w, dtype=np.float32) for w in weights)
        layers.append(DenseLayer(kernel, bias, keras.activations.serialize(layer.activation)))
    return layers


def network_model(layers: Sequence[DenseLayer], name: str = "surrogate") -> Any:
    """A Keras Sequential of ``layers`` (with their weights), the inverse of :func:`layers_of`."""
    keras = _keras()
    model = keras.Sequential(
        [keras.Input(shape=(layers[0].kernel.shape[0],), dtype="float32")]
        + [keras.layers.Dense(len(l.bias), activation=l.activation) for l in layers],
        name=name,
    )
    for dense, layer in zip(model.layers, layers, strict=True):
        dense.set_weights([layer.kernel, layer.bias])
    return model


def _check_layers(layers: Sequence[DenseLayer], meta: SurrogateMetadata, where: str) -> None:
    if not layers:
        raise SurrogateFileError(f"{where}: the network has no layers.")
    n_in, n_out = layers[0].kernel.shape[0], layers[-1].kernel.shape[1]
    if n_in != meta.space.dimension:
        raise SurrogateFileError(
            f"{where}: the network takes {n_in} inputs, but the metadata names {meta.space.dimension} "
            f"parameters {list(meta.space.names)}; the weights do not belong to this metadata."
        )
    if n_out != 2:
        raise SurrogateFileError(f"{where}: the network has {n_out} outputs; a surrogate oracle needs 2 (excluded, allowed).")


class SurrogateOracle(Oracle):
    """Labels points (physical units) with a dense network on normalised inputs.

    Parameters
    ----------
    layers : sequence of DenseLayer
        The network as trained (on ``metadata.normalizer`` outputs), last layer of 2 units.
    metadata : SurrogateMetadata
        The space, normalisation, allowed column and threshold.
    batch_size : int, default=16384
        Points per forward pass.
    name : str, default="surrogate"
        Used in messages.

    Notes
    -----
    The affine part ``z = (t - c) / s`` of the normalisation is folded into the first
    layer (``W' = W / s``, ``b' = b - (c / s) W``, in float64, then float32); only
    the log10 of log-scaled columns is applied to the batch itself.
    """

    def __init__(self, layers: Sequence[DenseLayer], metadata: SurrogateMetadata, *,
                 batch_size: int = 16384, name: str = "surrogate") -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, but got batch_size={batch_size}.")
        _check_layers(layers, metadata, name)
        self.metadata, self.space, self.layers = metadata, metadata.space, list(layers)
        self.batch_size, self.name = int(batch_size), name
        # Fold z = (t - c) / s into the first layer: W' = W / s, b' = b - (c / s) W.
        norm, first = metadata.normalizer, self.layers[0]
        inv = 1.0 / norm.scale
        kernel0 = (first.kernel.astype(np.float64) * inv[:, None]).astype(np.float32)
        bias0 = (first.bias - (norm.center * inv) @ first.kernel.astype(np.float64)).astype(np.float32)
        self.model = network_model([DenseLayer(kernel0, bias0, first.activation), *self.layers[1:]],
                                   "surrogate_oracle")
        self._forward = _compiled_forward(self.model)

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """Probability of *allowed* for each point, shape ``(n_points,)``, float32."""
        x = np.asarray(x)
        log = self.metadata.normalizer.log
        column = self.metadata.allowed_column
        out = np.empty(len(x), dtype=np.float32)
        for start in range(0, len(x), self.batch_size):
            chunk = x[start : start + self.batch_size]
            if log.any():
                chunk = chunk.astype(np.float64)
                if np.any(chunk[:, log] <= 0):
                    bad = [self.space.names[i] for i in np.flatnonzero(log & np.any(chunk <= 0, axis=0))]
                    raise ValueError(f"{self.name}: parameters {bad} are log-scaled in this surrogate, so they must "
                                     "be positive, but some points have values <= 0; check the points or the table.")
                chunk[:, log] = np.log10(chunk[:, log])
            out[start : start + len(chunk)] = np.asarray(self._forward(chunk.astype(np.float32)))[:, column]
        return out

    def _label(self, x: np.ndarray) -> np.ndarray:
        return (self.predict_proba(x) > self.metadata.threshold).astype(np.int8)


def save_surrogate(model: Any, metadata: SurrogateMetadata, path: str | Path) -> Path:
    """Write ``model`` (a Keras stack of Dense layers on normalised inputs) and ``metadata`` to ``path``.

    The file is written to a temporary name next to ``path`` and then renamed, so
    an interrupted save never leaves a half-written oracle file.
    """
    path = Path(path)
    _check_layers(layers_of(model, str(path)), metadata, str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        keras_file = Path(tmp) / _MODEL
        model.save(keras_file)
        partial = path.with_name(path.name + ".partial")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(_META, json.dumps(metadata.to_json(), indent=2))
            archive.write(keras_file, _MODEL)
    os.replace(partial, path)
    return path


def load_surrogate(path: str | Path, parameters: Sequence[str] | None = None, *,
                   batch_size: int = 16384) -> SurrogateOracle:
    """Read an oracle file as a :class:`SurrogateOracle`.

    Parameters
    ----------
    path : str or Path
        The oracle file.
    parameters : sequence of str, optional
        The parameter names (in order) of the space it is used with; checked.
    batch_size : int, default=16384
        Points per forward pass.

    Raises
    ------
    SurrogateFileError
        When the file is missing, not an oracle file, incomplete, or its weights do
        not match its metadata.
    ValueError
        When ``parameters`` differ from the file's names or their order (both listed).
    """
    path = Path(path).expanduser()
    where = f"oracle file {path}"
    if not path.is_file():
        raise SurrogateFileError(f"{where} does not exist; give the file written by 'alsuite surrogate train'.")
    try:
        with zipfile.ZipFile(path) as archive, tempfile.TemporaryDirectory() as tmp:
            names = archive.namelist()
            if _META not in names or _MODEL not in names:
                raise SurrogateFileError(
                    f"{where} is not an alsuite oracle file: it must hold {_META} and {_MODEL}, but holds {names[:10]}."
                )
            metadata = SurrogateMetadata.from_json(json.loads(archive.read(_META)), where)
            archive.extract(_MODEL, tmp)
            model = _keras().saving.load_model(Path(tmp) / _MODEL, compile=False)
    except zipfile.BadZipFile:
        raise SurrogateFileError(
            f"{where} is not an alsuite oracle file (not a zip archive); create one with "
            f"'alsuite surrogate train' or 'alsuite surrogate convert'."
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SurrogateFileError(f"{where}: {_META} is not valid JSON ({exc}).") from None
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise SurrogateFileError(f"{where}: its {_MODEL} cannot be read ({type(exc).__name__}: {exc}).") from None
    if parameters is not None:
        check_parameters(metadata.space.names, parameters, where)
    return SurrogateOracle(layers_of(model, where), metadata, batch_size=batch_size, name=where)
