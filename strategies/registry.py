"""Named strategies: a (learner, selector) pair and the baseline its gain is measured against."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from strategies.learners import DropoutLearner, EnsembleLearner, ForestLearner, Learner
from strategies.proposals import LocalProposal, PriorProposal, Proposal
from strategies.selectors import DiverseSelector, RandomSelector, Selector, UncertaintySelector

__all__ = [
    "LEARNERS",
    "PROPOSALS",
    "STRATEGIES",
    "Strategy",
    "get_strategy",
    "learner_tags",
    "make_learner",
    "make_proposal",
    "make_selector",
]

LEARNERS = ("dropout", "ensemble", "forest")
PROPOSALS = ("prior", "local")


@dataclass(frozen=True)
class Strategy:
    """A named (learner, selector) pair.

    ``baseline`` is the random strategy with the same learner; the gain of eq. 2 is
    computed against it (None for the random strategies themselves). ``proposal``
    says where the candidates come from: ``prior`` draws from the pool (the paper)
    or ``local`` ones near the most uncertain labelled points as well
    (:mod:`strategies.proposals`).
    """

    name: str
    learner: str
    selector: str
    baseline: str | None
    description: str
    proposal: str = "prior"


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
        "rf-qbc-local": Strategy(
            "rf-qbc-local",
            "forest",
            "uncertainty",
            "rf-random",
            "rf-qbc with boundary-seeking candidates: a share of them are Gaussian steps from the most "
            "uncertain labelled points (settings: local)",
            proposal="local",
        ),
        "qbdc-local": Strategy(
            "qbdc-local",
            "dropout",
            "uncertainty",
            "nn-random",
            "qbdc with boundary-seeking candidates: a share of them are Gaussian steps from the most "
            "uncertain labelled points (settings: local)",
            proposal="local",
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


def make_proposal(kind: str, params: Mapping[str, Any]) -> Proposal:
    """Build the proposal of ``kind``; ``params`` (the ``local`` settings) only apply to local proposals."""
    if kind == "prior":
        return PriorProposal()
    if kind == "local":
        return LocalProposal(**params)
    raise ValueError(f"unknown proposal {kind!r}; choose from {list(PROPOSALS)}.")
