"""How the next batch is chosen: learners, selectors and the named strategies."""

from strategies.registry import STRATEGIES, Strategy, get_strategy, make_learner, make_selector

__all__ = ["STRATEGIES", "Strategy", "get_strategy", "make_learner", "make_selector"]
