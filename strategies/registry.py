"""Named strategies: a (learner, selector) pair and the baseline its gain is measured against."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from strategies.learners import ForestLearner, Learner
from strategies.selectors import RandomSelector, Selector, UncertaintySelector

__all__ = ["STRATEGIES", "Strategy", "get_strategy", "make_learner", "make_selector"]


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
    raise ValueError(f"unknown learner {kind!r}; choose from ['forest'].")


def make_selector(kind: str, params: Mapping[str, Any]) -> Selector:
    """Build a selector of ``kind``; ``params`` only apply to uncertainty selection."""
    if kind == "random":
        return RandomSelector()
    if kind == "uncertainty":
        return UncertaintySelector(**params)
    raise ValueError(f"unknown selector {kind!r}; choose from ['random', 'uncertainty'].")
