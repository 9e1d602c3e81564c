"""Targets for new searches (paper Section III.B): train, score the prior, keep the most uncertain.

Data flow: labelled training points (a finite table's rows, or prior draws labelled
by the oracle) -> the learner, trained on them through the dataset's normaliser ->
``size_sample`` candidates drawn from the space's prior -> eq. 1 uncertainty of the
committee mean for each (the forest's trees, or the mean of the dropout
network's Monte Carlo passes) -> the ``size_select`` most uncertain (ties broken by the
seed), optionally with a share of random candidates -> a table in physical units.
Every random choice flows from ``config.seed`` through named streams.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from datasets.normalization import Normalizer
from datasets.registry import Dataset, build_dataset
from datasets.space import Space
from strategies.registry import get_strategy, make_learner
from strategies.selectors import top_n
from suite.identify.config import LEARNERS, IdentifyConfig
from suite.identify.persist import Scorer
from suite.labelling import build_user_oracle
from suite.seeding import repeat_seed, stream

__all__ = ["IdentifyResult", "approximate_masses", "identify_targets", "prepare_identify_dataset", "training_data"]

DEFAULT_SIZE_INITIAL = 10_000


@dataclass
class IdentifyResult:
    """The targets, the scored candidates and what scored them."""

    targets: pd.DataFrame
    candidates: np.ndarray  # (size_sample, dimension), physical units
    candidate_uncertainty: np.ndarray
    scorer: Scorer
    space: Space
    dataset: Dataset
    n_train: int
    train_allowed: float
    timings: dict[str, float] = field(default_factory=dict)

    def metrics(self) -> dict[str, float]:
        """Summary numbers logged to MLflow."""
        picked = self.targets[~self.targets.random]
        return {
            "n_train": float(self.n_train),
            "train_allowed_fraction": self.train_allowed,
            "n_candidates": float(len(self.candidates)),
            "n_targets": float(len(self.targets)),
            "candidate_uncertainty_mean": float(self.candidate_uncertainty.mean()),
            "target_uncertainty_mean": float(picked.uncertainty.mean()) if len(picked) else 0.0,
            "target_uncertainty_min": float(picked.uncertainty.min()) if len(picked) else 0.0,
            **{f"{k}_seconds": v for k, v in self.timings.items()},
        }


def prepare_identify_dataset(config: IdentifyConfig) -> Dataset:
    """The configured dataset, its oracle replaced by the user's ``oracle`` section if given."""
    section = config.oracle
    if section is not None and section.space is not None:
        return Dataset("user", build_user_oracle(section, section.space.build()), surrogate=False)
    dataset = build_dataset(config.dataset.name, **config.dataset.options())
    if section is None:
        return dataset
    if dataset.source is not None:
        raise ValueError(
            f"the oracle section labels prior draws, but dataset {dataset.name!r} is a labelled table whose labels "
            "are looked up; remove the oracle section or choose another dataset."
        )
    return replace(dataset, oracle=build_user_oracle(section, dataset.space), surrogate=False)


def _normalizer(dataset: Dataset) -> Normalizer:
    if dataset.source is not None:
        return dataset.source.normalizer
    return Normalizer.box(dataset.space)  # the space's convention (x - mid) / (range / sqrt(12))


def training_data(config: IdentifyConfig, dataset: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """Physical training points and labels: table rows, or prior draws labelled by the oracle.

    Raises
    ------
    ValueError
        When the labels hold a single class (no boundary to find) or a table has
        fewer rows than ``size_initial``.
    """
    rng = stream(config.seed, 0, "identify:train")
    if dataset.source is not None:
        table = dataset.source.table
        n = len(table) if config.size_initial is None else config.size_initial
        if n > len(table):
            raise ValueError(f"size_initial must be at most the table's {len(table)} rows ({table.source}), "
                             f"but got size_initial={n}; leave it unset to train on every row.")
        rows = np.arange(len(table)) if n == len(table) else np.sort(rng.choice(len(table), n, replace=False))
        x, y = np.asarray(table.x[rows], dtype=np.float64), np.asarray(table.y[rows])
    else:
        assert dataset.oracle is not None
        x = dataset.space.sample(config.size_initial or DEFAULT_SIZE_INITIAL, rng)
        y = np.asarray(dataset.oracle.label(x))
        if x.shape[0] != len(y):  # an oracle with on_failure=exclude drops points: keep the labelled ones
            raise ValueError(f"the oracle returned {len(y)} labels for {x.shape[0]} points.")
    classes = np.unique(y)
    if len(classes) < 2:
        which = "allowed (1)" if classes.size and classes[0] == 1 else "excluded (0)"
        raise ValueError(
            f"dataset {dataset.name!r}: all {len(y)} training points are {which}, so there is no boundary to "
            "identify; use data holding both excluded and allowed points (a larger size_initial, another "
            "table or another region of the space)."
        )
    return x, y.astype(np.int8)


def approximate_masses(names: tuple[str, ...] | list[str], x: np.ndarray) -> pd.DataFrame | None:
    """Tree-level mass approximations where M1, M2, M3 and mu are parameters, else None.

    ``m_gluino_approx = |M3|`` and ``m_lsp_approx = min(|M1|, |M2|, |mu|)`` (lightest
    neutralino ignoring mixing): approximations, not spectrum-generator masses.
    """
    index = {n: i for i, n in enumerate(names)}
    if not {"M1", "M2", "M3", "mu"} <= set(index):
        return None
    a = np.abs(np.asarray(x, dtype=np.float64))
    lsp = np.min(a[:, [index["M1"], index["M2"], index["mu"]]], axis=1)
    return pd.DataFrame({"m_gluino_approx": a[:, index["M3"]], "m_lsp_approx": lsp})


def identify_targets(config: IdentifyConfig, dataset: Dataset | None = None) -> IdentifyResult:
    """Run Section III.B for ``config``; see the module docstring.

    Examples
    --------
    >>> from suite.identify.config import IdentifyConfig
    >>> cfg = IdentifyConfig(dataset={"name": "hypersphere", "dimension": 2}, learner="forest",
    ...                      forest={"n_estimators": 10, "n_jobs": 1}, size_initial=200,
    ...                      size_sample=500, size_select=20)
    >>> identify_targets(cfg).targets.shape
    (20, 6)
    """
    dataset = dataset or prepare_identify_dataset(config)
    space = dataset.space
    named = {p for pair in config.projection.pairs or [] for p in pair}
    if named - set(space.names):  # refuse before paying for labels and training
        raise ValueError(f"projection.pairs names unknown parameters {sorted(named - set(space.names))}; "
                         f"the space has {list(space.names)}.")
    timings: dict[str, float] = {}
    start = time.perf_counter()
    x, y = training_data(config, dataset)
    timings["label"] = time.perf_counter() - start
    normalizer = _normalizer(dataset)
    try:
        kind = get_strategy(LEARNERS[config.learner]).learner
    except ValueError:
        raise ValueError(f"learner {config.learner!r} needs the strategy {LEARNERS[config.learner]!r}, which this "
                         "installation lacks; set learner=forest.") from None
    start = time.perf_counter()
    learner = make_learner(kind, config.learner_settings(), random_state=repeat_seed(config.seed, 0))
    learner.fit(normalizer(x), y)
    timings["fit"] = time.perf_counter() - start
    score_seed = int(stream(config.seed, 0, "identify:score").integers(2**31 - 1)) if learner.stochastic else None
    scorer = Scorer(learner, normalizer, list(space.names), seed=score_seed)

    candidates = space.sample(config.size_sample, stream(config.seed, 0, "identify:candidates"))
    start = time.perf_counter()
    mean, uncertainty = scorer.score(candidates)  # eq. 1 on the committee (pass) mean
    timings["score"] = time.perf_counter() - start
    n_random = int(round(config.random_fraction * config.size_select))
    chosen = top_n(uncertainty, config.size_select - n_random, stream(config.seed, 0, "identify:select"))
    if n_random:
        rest = np.setdiff1d(np.arange(len(candidates)), chosen, assume_unique=True)
        extra = stream(config.seed, 0, "identify:random").choice(rest, size=n_random, replace=False)
        chosen = np.concatenate([chosen, extra])
    targets = pd.DataFrame(candidates[chosen], columns=list(space.names))
    targets["uncertainty"] = uncertainty[chosen]
    targets["mean_prediction"] = mean[chosen]
    targets["random"] = np.arange(len(chosen)) >= len(chosen) - n_random
    targets.insert(0, "candidate", chosen.astype(np.int64))
    masses = approximate_masses(space.names, candidates[chosen])
    if masses is not None:
        targets = pd.concat([targets, masses], axis=1)
    return IdentifyResult(targets, candidates, uncertainty, scorer, space, dataset, len(y), float(np.mean(y)), timings)
