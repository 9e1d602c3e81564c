"""The SUSY-AI oracle: the paper's Table II network, rebuilt from ``susyai.hdf5``.

Keras 3 cannot load this Keras 2.1.5 file (``load_model`` fails on the old config
layout), so the layers are read from the file's ``model_config`` and the weights
with h5py, and the same network is rebuilt in Keras 3. Output column 1 is the
probability that a point is allowed; the label is 1 where it exceeds 0.5.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from datasets.data_dir import DataFile, DataFileError, locate, sha256sum
from datasets.normalization import Normalizer
from datasets.oracles.surrogate import DenseLayer, SurrogateMetadata, SurrogateOracle, network_model, save_surrogate
from datasets.pmssm import pmssm19_space

__all__ = ["SUSYAI_FILE", "DenseLayer", "SusyAIOracle", "convert_susyai", "read_network", "susyai_metadata"]

SUSYAI_FILE = DataFile(
    name="susyai.hdf5",
    sha256="546e064b2b46a8676a6b3c322d2fb482905f6d928d7ca7b09b14e7a9f2eb9bea",
    url=(
        "https://raw.githubusercontent.com/bstienen/active-learning/"
        "2229c1f20ef557ca18109513af6e65e1dccef930/susyai.hdf5"
    ),
    size=947_192,
)


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


def susyai_metadata(path: Path) -> SurrogateMetadata:
    """The metadata of the published network: the pMSSM-19 box, its units and the box normalisation."""
    space = pmssm19_space()
    return SurrogateMetadata(
        space,
        Normalizer.box(space),
        allowed_column=1,
        threshold=0.5,
        provenance={
            "source": f"SUSY-AI network {SUSYAI_FILE.name} (sha256 {sha256sum(path)}), converted by alsuite",
            "reference": "Caron et al., Eur. Phys. J. C 79 (2019) 944, Table II; bstienen/active-learning",
            "accuracy_vs_atlas": 0.93,
        },
    )


class SusyAIOracle(SurrogateOracle):
    """Labels pMSSM-19 points (physical units) with the SUSY-AI network.

    The published Keras 2 file is converted in memory (:func:`read_network`,
    :func:`susyai_metadata`) and labelled through :class:`SurrogateOracle`, the same
    path as any oracle file; the box normalisation is folded into the first layer.

    Parameters
    ----------
    path : str or Path, optional
        The network file; by default it is located (and verified) through
        :func:`datasets.data_dir.locate`.
    batch_size : int, default=16384
        Points per forward pass (16384 was fastest on 2 cores; see the oracle benchmark).
    """

    def __init__(self, path: str | Path | None = None, *, batch_size: int = 16384) -> None:
        self.path = Path(path) if path is not None else locate(SUSYAI_FILE)
        super().__init__(read_network(self.path), susyai_metadata(self.path), batch_size=batch_size,
                         name=f"SUSY-AI network {self.path}")


def convert_susyai(path: str | Path | None, out: str | Path) -> Path:
    """Write the published SUSY-AI network (``path``, default: located) as an oracle file ``out``.

    The network is stored as published (on box-normalised inputs), in the current
    Keras format, with :func:`susyai_metadata`.
    """
    oracle = SusyAIOracle(path)
    return save_surrogate(network_model(oracle.layers, "susyai"), oracle.metadata, out)
