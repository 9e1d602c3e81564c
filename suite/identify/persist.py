"""Saving what scored the candidates, so the scores can be reproduced later.

A model folder holds

- ``learner.json``: which learner (``kind``), its file, its settings and, for the
  dropout network, the ``score_seed`` of its Monte Carlo dropout masks;
- the fitted model: ``forest.joblib`` (the scikit-learn forest inside a
  :class:`~strategies.learners.ForestLearner`, via joblib) or ``network.npz`` (the
  dropout network's kernels and biases in layer order; loading rebuilds the network
  from the saved settings through :class:`~strategies.learners.DropoutLearner`'s own
  builder and installs them, so no custom Keras layer has to be deserialised);
- ``normalizer.json``: the affine input scaling the learner was trained with
  (``z = (t - center) / scale``, ``t = log10(x)`` on the ``log`` columns), with the
  parameter names and units in order.

:func:`load_scorer` reads the folder back. What "reproduces the scores" means:

- forest: scoring is deterministic; any points score exactly as exported.
- dropout network (QBDC): a score is the mean of ``n_passes`` random dropout
  passes. :meth:`Scorer.score` restarts the masks from ``score_seed`` on every
  call, so scoring the *same array* (the full candidate draw, which the identify
  configuration regenerates from its seed) gives the exported values bit for bit on
  the same backend and machine. Scoring another array, such as only the exported
  targets, puts each point at another position in the batch and so draws other
  masks: its mean prediction is a fresh Monte Carlo estimate and agrees with the
  exported one within Monte Carlo error: ``|difference| <= 4 * sqrt(2) * s /
  sqrt(n_passes)`` (4 standard errors of a difference of two independent
  estimates) with ``s`` the standard deviation of single passes
  (:meth:`Scorer.standard_error` gives ``s / sqrt(n_passes)``). The targets were
  *selected* for a mean near 0.5, so their exported means are biased towards 0.5
  (the winner's curse of a noisy score): rescored, they are on average less
  uncertain than exported. The dropout-off network's deterministic output is not
  what the paper scores and is not used.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from datasets.normalization import Normalizer
from datasets.space import Space
from strategies.learners import DropoutLearner, ForestLearner, Learner
from strategies.selectors import committee_uncertainty

__all__ = ["Scorer", "load_normalizer", "load_scorer", "save_normalizer", "save_scorer"]

LEARNER_FILE = "learner.json"
NETWORK_FILE = "network.npz"
SCORE_BATCH = 100_000
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
    if isinstance(learner, DropoutLearner):
        weights = learner.network_weights()
        np.savez(folder / NETWORK_FILE, **{f"w{i:02d}": w for i, w in enumerate(weights)})  # type: ignore[arg-type]
        return {"kind": "dropout", "file": NETWORK_FILE, "n_features": int(weights[0].shape[0]),
                "n_epochs": getattr(learner, "n_epochs_", None)}
    raise TypeError(f"saving a {type(learner).__name__} is not supported; supported: ForestLearner, DropoutLearner.")


def _load_learner(folder: Path, meta: dict[str, Any]) -> Learner:
    if meta["kind"] == "forest":
        import joblib

        learner = joblib.load(folder / meta["file"])
        if not isinstance(learner, ForestLearner):
            raise TypeError(f"{folder / meta['file']} does not hold a ForestLearner but a {type(learner).__name__}.")
        return learner
    if meta["kind"] == "dropout":
        settings = {k: v for k, v in meta["settings"].items() if k != "learner"}
        with np.load(folder / meta["file"]) as data:
            weights = [data[k] for k in sorted(data.files)]
        return DropoutLearner(**settings).set_network_weights(weights)
    raise ValueError(f"{folder / LEARNER_FILE}: unknown learner kind {meta['kind']!r}; known: ['dropout', 'forest'].")


@dataclass(frozen=True)
class Scorer:
    """A fitted learner with its input scaling: physical points in, eq. 1 scores out.

    ``seed`` (dropout networks) restarts the Monte Carlo dropout masks before every
    scoring call, so scoring the same array twice gives the same values; see the
    module docstring for what reproduces exactly and what within Monte Carlo error.
    Points are scored in batches of ``batch`` rows.
    """

    learner: Learner
    normalizer: Normalizer
    names: list[str]
    seed: int | None = None
    batch: int = SCORE_BATCH

    def _z(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != len(self.names):
            raise ValueError(f"points to score must have shape (n, {len(self.names)}) with the columns "
                             f"{self.names}, but got shape {x.shape}.")
        return self.normalizer(x)

    def mean_prediction(self, x: np.ndarray) -> np.ndarray:
        """Committee-mean probability of *allowed* (label 1) for physical points ``(n, dimension)``.

        For the dropout network: the mean of its ``n_passes`` Monte Carlo passes.
        """
        z = self._z(x)
        if self.seed is not None and isinstance(self.learner, DropoutLearner):
            self.learner.reseed(self.seed)
        if not len(z):
            return np.zeros(0)
        return np.concatenate([self.learner.predict_proba(z[i:i + self.batch])[:, 1]
                               for i in range(0, len(z), self.batch)])

    def score(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(mean_prediction, uncertainty)`` of physical points; uncertainty by eq. 1 on the mean."""
        mean = self.mean_prediction(x)
        return mean, committee_uncertainty(mean)

    def standard_error(self, x: np.ndarray, draws: int = 8) -> np.ndarray:
        """Monte Carlo standard error of :meth:`mean_prediction`: ``s / sqrt(n_passes)``.

        ``s``, the standard deviation of single passes, is estimated from ``draws``
        fresh committees (``draws * n_passes`` passes), so that a small committee
        (8 passes) still gives a steady estimate. Zero for a deterministic
        committee (the forest), whose mean is exact.
        """
        z = self._z(x)
        if not self.learner.stochastic:
            return np.zeros(len(z))
        if draws < 1:
            raise ValueError(f"draws must be at least 1, but got draws={draws}.")
        passes = np.concatenate([self.learner.committee_proba(z) for _ in range(draws)])
        n_passes = self.learner.n_members
        return passes.std(axis=0, ddof=1) / np.sqrt(n_passes) if len(passes) > 1 else np.zeros(len(z))


def save_scorer(scorer: Scorer, space: Space, folder: Path, settings: dict[str, Any]) -> list[Path]:
    """Write the model folder described in the module docstring; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    meta = {**_save_learner(scorer.learner, folder), "settings": settings, "class": type(scorer.learner).__name__,
            "score_seed": scorer.seed}
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
    return Scorer(_load_learner(folder, meta), normalizer, names, seed=meta.get("score_seed"))
