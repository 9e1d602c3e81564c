"""Named strategies: a (learner, selector) pair and the baseline its gain is measured against."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from strategies.learners import DropoutLearner, EnsembleLearner, ForestLearner, Learner
from strategies.selectors import DiverseSelector, RandomSelector, Selector, UncertaintySelector

__all__ = ["LEARNERS", "STRATEGIES", "Strategy", "get_strategy", "learner_tags", "make_learner", "make_selector"]

LEARNERS = ("dropout", "ensemble", "forest")


@dataclass(frozen=True)
class Strategy:
    """A named (learner, selector) pair.

    ``baseline`` is the random strategy with the same learner; the gain of eq. 2 is
    computed against it (None for the random strategies themselves).
    """

    name: str
    learner: str
    selector: str
    baseline: str | None
    description: str


STRATEGIES: Mapping[str, Strategy] = MappingProxyType(
    {
        "rf-random": Strategy(
            "rf-random", "forest", "random", None, "random forest trained on uniformly drawn points"
        ),
        "rf-qbc": Strategy(
            "rf-qbc",
            "forest",
            "uncertainty",
            "rf-random",
            "random-forest query-by-committee: the trees are the committee (eq. 1)",
        ),
        "nn-random": Strategy(
            "nn-random", "dropout", "random", None, "the QBDC network trained on uniformly drawn points"
        ),
        "qbdc": Strategy(
            "qbdc",
            "dropout",
            "uncertainty",
            "nn-random",
            "query by dropout committee: Monte Carlo dropout passes of one network are the committee",
        ),
        "rf-qbc-diverse": Strategy(
            "rf-qbc-diverse",
            "forest",
            "diverse",
            "rf-random",
            "RF-QBC with spread-out batches of uncertain points (diversity section: kmeans or farthest)",
        ),
        "qbdc-diverse": Strategy(
            "qbdc-diverse",
            "dropout",
            "diverse",
            "nn-random",
            "QBDC with spread-out batches of uncertain points (diversity section: kmeans or farthest)",
        ),
        "ensemble-random": Strategy(
            "ensemble-random", "ensemble", "random", None, "the deep ensemble trained on uniformly drawn points"
        ),
        "ensemble-qbc": Strategy(
            "ensemble-qbc",
            "ensemble",
            "uncertainty",
            "ensemble-random",
            "deep-ensemble query-by-committee: K independently initialised networks, trained as one, are the committee",
        ),
    }
)


def get_strategy(name: str) -> Strategy:
    """Look a strategy up by name; unknown names list the valid ones."""
    try:
        return STRATEGIES[name]
    except KeyError:
        raise ValueError(
            f"unknown strategy {name!r}; choose from {sorted(STRATEGIES)}."
        ) from None


def make_learner(kind: str, params: Mapping[str, Any], random_state: int) -> Learner:
    """Build a fresh learner of ``kind`` with keyword ``params``."""
    if kind == "forest":
        return ForestLearner(**params, random_state=random_state)
    if kind == "dropout":
        return DropoutLearner(**params, random_state=random_state)
    if kind == "ensemble":
        return EnsembleLearner(**params, random_state=random_state)
    raise ValueError(f"unknown learner {kind!r}; choose from {list(LEARNERS)}.")


def learner_tags(kind: str) -> dict[str, str]:
    """Run tags describing where learner ``kind`` computes: Keras backend and device for networks."""
    if kind in ("dropout", "ensemble"):
        from strategies.learners._keras import keras_environment

        return keras_environment()
    return {"device": "cpu"}


def make_selector(kind: str, params: Mapping[str, Any]) -> Selector:
    """Build a selector of ``kind``; ``params`` only apply to uncertainty and diverse selection."""
    if kind == "random":
        return RandomSelector()
    if kind == "uncertainty":
        return UncertaintySelector(**params)
    if kind == "diverse":
        return DiverseSelector(**params)
    raise ValueError(f"unknown selector {kind!r}; choose from ['diverse', 'random', 'uncertainty'].")

