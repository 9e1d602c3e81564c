"""Training a surrogate oracle on a labelled table (the paper's Table II network).

:func:`train_surrogate` reads the table through the finite-pool loader, splits its
rows once (:func:`~suite.surrogate.check.split_table`), trains the dense network on
the normalised training rows, stops early on the validation loss (best weights
restored) and measures the held-out accuracy. Epochs are run one ``fit`` call at a
time on rows shuffled by a seeded :class:`numpy.random.Generator`, so the whole run
depends on ``config.seed`` alone (Keras' own shuffling would use a global seed).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from datasets.finite import TableSource
from datasets.oracles.surrogate import SurrogateMetadata, SurrogateOracle, layers_of
from datasets.pmssm import NAMES, pmssm19_space
from datasets.space import Space
from strategies.learners._keras import _keras, keras_environment
from suite.surrogate.check import CheckResult, Split, check_oracle, load_source, split_table
from suite.surrogate.config import SurrogateConfig

__all__ = ["TrainedSurrogate", "build_surrogate_network", "train_surrogate"]


@dataclass
class TrainedSurrogate:
    """The result of :func:`train_surrogate`.

    ``history`` holds one value per epoch run for ``loss``, ``accuracy``,
    ``val_loss`` and ``val_accuracy``; ``best_epoch`` (0-based) is the epoch whose
    weights were kept.
    """

    config: SurrogateConfig
    model: Any
    oracle: SurrogateOracle
    split: Split
    history: dict[str, list[float]]
    best_epoch: int
    validation: CheckResult
    test: CheckResult
    seconds: float
    source: str

    @property
    def metadata(self) -> SurrogateMetadata:
        return self.oracle.metadata

    @property
    def seconds_per_epoch(self) -> float:
        return self.seconds / len(self.history["loss"])


def build_surrogate_network(n_features: int, hidden_units: list[int], activation: str, *,
                            learning_rate: float, seed: int) -> Any:
    """Dense ``hidden_units`` with ``activation``, then Dense 2 softmax; Adam on binary cross-entropy.

    Kernels are Glorot-uniform from seeds derived from ``seed`` (biases zero), so the
    initial network depends on ``seed`` alone. With ``(500, 100, 100, 50)``, selu and
    19 inputs this is Table II of the paper (75,352 parameters).
    """
    keras = _keras()
    seeds = (np.random.SeedSequence(seed).generate_state(len(hidden_units) + 1) >> 1).tolist()
    layers: list[Any] = [keras.Input(shape=(n_features,), dtype="float32")]
    for units, layer_seed in zip([*hidden_units, 2], seeds, strict=True):
        last = len(layers) == len(hidden_units) + 1
        layers.append(keras.layers.Dense(int(units), activation="softmax" if last else activation,
                                         kernel_initializer=keras.initializers.GlorotUniform(seed=int(layer_seed))))
    model = keras.Sequential(layers, name="surrogate_network")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="binary_crossentropy",
                  metrics=["categorical_accuracy"])
    return model


def _metadata_space(source: TableSource) -> Space:
    space = source.space
    if space.names == NAMES and not any(space.units):  # a pMSSM-19 table: keep the physical units
        return Space(space.names, space.lower.tolist(), space.upper.tolist(), pmssm19_space().units)
    return space


def train_surrogate(config: SurrogateConfig, *, progress: bool = True) -> TrainedSurrogate:
    """Train the network of ``config`` on its table; see the module docstring.

    Raises
    ------
    ValueError
        When the table is too small to split, or holds one class only in its training rows.
    """
    source = load_source(config)
    table = source.table
    split = split_table(len(table), config.validation_fraction, config.test_fraction, config.seed)
    if len(np.unique(table.y[split.train])) < 2:
        raise ValueError(f"{table.source}: the training rows hold one class only; a surrogate needs both labels.")
    z = source.normalizer(table.x)
    onehot = np.eye(2, dtype=np.float32)[table.y]
    model = build_surrogate_network(table.x.shape[1], list(config.hidden_units), config.activation,
                                    learning_rate=config.learning_rate, seed=config.seed)
    rng = np.random.default_rng(np.random.SeedSequence([config.seed, 1]))
    history: dict[str, list[float]] = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
    best_loss, best_epoch, best_weights = np.inf, 0, model.get_weights()
    val_data = (z[split.validation], onehot[split.validation])
    started = time.perf_counter()
    bar = tqdm(range(config.epochs), disable=not (progress and config.verbose), unit="epoch", desc=config.name)
    for epoch in bar:
        rows = rng.permutation(split.train)
        fit = model.fit(z[rows], onehot[rows], batch_size=config.batch_size, epochs=1, shuffle=False,
                        validation_data=val_data, verbose=0).history
        for key, name in (("loss", "loss"), ("accuracy", "categorical_accuracy"),
                          ("val_loss", "val_loss"), ("val_accuracy", "val_categorical_accuracy")):
            history[key].append(float(fit[name][-1]))
        bar.set_postfix(loss=f"{history['loss'][-1]:.4f}", val_accuracy=f"{history['val_accuracy'][-1]:.4f}")
        if history["val_loss"][-1] < best_loss:
            best_loss, best_epoch, best_weights = history["val_loss"][-1], epoch, model.get_weights()
        elif epoch - best_epoch >= config.patience:
            break
    seconds = time.perf_counter() - started
    model.set_weights(best_weights)
    provenance = {
        "source_table": table.source, "dataset": config.dataset.model_dump(mode="json", exclude_none=True),
        "n_rows": len(table), "n_train": len(split.train), "n_validation": len(split.validation),
        "n_test": len(split.test), "seed": config.seed, "validation_fraction": config.validation_fraction,
        "test_fraction": config.test_fraction, "best_epoch": best_epoch,
        "epochs_run": len(history["loss"]), "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "network": {"hidden_units": list(config.hidden_units), "activation": config.activation},
        **keras_environment(), "keras_version": _keras().__version__,
    }
    metadata = SurrogateMetadata(_metadata_space(source), source.normalizer, 1, 0.5, provenance)
    oracle = SurrogateOracle(layers_of(model, config.name), metadata, name=f"surrogate {config.name}")
    validation = check_oracle(oracle, table.x[split.validation], table.y[split.validation])
    test = check_oracle(oracle, table.x[split.test], table.y[split.test])
    # the metadata holds this dict: the accuracies measured with it are recorded in the file too
    provenance.update(validation_accuracy=validation.accuracy, test_accuracy=test.accuracy)
    return TrainedSurrogate(config, model, oracle, split, history, best_epoch, validation, test, seconds,
                            table.source)
