"""Saving what scored the candidates, so the scores can be reproduced later.

A model folder holds

- ``learner.json``: which learner (``kind``), its file and its settings;
- the fitted model: ``forest.joblib`` (the scikit-learn forest inside a
  :class:`~strategies.learners.ForestLearner`, via joblib) or ``model.keras``
  (the dropout network, Keras' own format);
- ``normalizer.json``: the affine input scaling the learner was trained with
  (``z = (t - center) / scale``, ``t = log10(x)`` on the ``log`` columns), with the
  parameter names and units in order.

:func:`load_scorer` reads the folder back; scoring physical points with it gives
the exported ``mean_prediction`` and ``uncertainty`` again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from datasets.normalization import Normalizer
from datasets.space import Space
from strategies.learners import ForestLearner, Learner
from strategies.selectors import committee_uncertainty

__all__ = ["Scorer", "load_normalizer", "load_scorer", "save_normalizer", "save_scorer"]

LEARNER_FILE = "learner.json"
NORMALIZER_FILE = "normalizer.json"


def save_normalizer(normalizer: Normalizer, space: Space, path: Path) -> None:
    """Write the scaling and the parameter names / units as JSON (full float64 precision)."""
    data = {
        "kind": normalizer.kind,
        "names": list(space.names),
        "units": list(space.units),
        "center": normalizer.center.tolist(),
        "scale": normalizer.scale.tolist(),
        "log": normalizer.log.tolist(),
        "formula": "z = (t - center) / scale with t = log10(x) where log, else t = x",
    }
    path.write_text(json.dumps(data, indent=2))


def load_normalizer(path: Path) -> tuple[Normalizer, list[str]]:
    """The :class:`Normalizer` and the parameter names written by :func:`save_normalizer`."""
    data = json.loads(Path(path).read_text())
    normalizer = Normalizer(
        data["kind"], np.asarray(data["center"], float), np.asarray(data["scale"], float), np.asarray(data["log"], bool)
    )
    return normalizer, list(data["names"])


def _save_learner(learner: Learner, folder: Path) -> dict[str, Any]:
    if isinstance(learner, ForestLearner):
        import joblib

        joblib.dump(learner, folder / "forest.joblib", compress=3)
        return {"kind": "forest", "file": "forest.joblib"}
    raise TypeError(f"saving a {type(learner).__name__} is not supported; supported: ForestLearner.")


def _load_learner(folder: Path, meta: dict[str, Any]) -> Learner:
    if meta["kind"] == "forest":
        import joblib

        learner = joblib.load(folder / meta["file"])
        if not isinstance(learner, ForestLearner):
            raise TypeError(f"{folder / meta['file']} does not hold a ForestLearner but a {type(learner).__name__}.")
        return learner
    raise ValueError(f"{folder / LEARNER_FILE}: unknown learner kind {meta['kind']!r}; known: ['forest'].")


@dataclass(frozen=True)
class Scorer:
    """A fitted learner with its input scaling: physical points in, eq. 1 scores out."""

    learner: Learner
    normalizer: Normalizer
    names: list[str]

    def mean_prediction(self, x: np.ndarray) -> np.ndarray:
        """Committee-mean probability of *allowed* (label 1) for physical points ``(n, dimension)``."""
        return self.learner.predict_proba(self.normalizer(x))[:, 1]

    def score(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(mean_prediction, uncertainty)`` of physical points; uncertainty by eq. 1."""
        mean = self.mean_prediction(x)
        return mean, committee_uncertainty(mean)


def save_scorer(scorer: Scorer, space: Space, folder: Path, settings: dict[str, Any]) -> list[Path]:
    """Write the model folder described in the module docstring; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    meta = {**_save_learner(scorer.learner, folder), "settings": settings, "class": type(scorer.learner).__name__}
    (folder / LEARNER_FILE).write_text(json.dumps(meta, indent=2, default=str))
    save_normalizer(scorer.normalizer, space, folder / NORMALIZER_FILE)
    return sorted(folder.iterdir())


def load_scorer(folder: str | Path) -> Scorer:
    """Read a model folder written by :func:`save_scorer` (e.g. downloaded from MLflow).

    Raises
    ------
    FileNotFoundError
        When ``learner.json`` or ``normalizer.json`` is missing.
    """
    folder = Path(folder)
    for name in (LEARNER_FILE, NORMALIZER_FILE):
        if not (folder / name).is_file():
            raise FileNotFoundError(f"{folder} is not an identify model folder: {name} is missing.")
    meta = json.loads((folder / LEARNER_FILE).read_text())
    normalizer, names = load_normalizer(folder / NORMALIZER_FILE)
    return Scorer(_load_learner(folder, meta), normalizer, names)
