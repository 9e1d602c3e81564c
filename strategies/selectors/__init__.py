"""Selectors: which candidates to label next; all return candidate indices."""

from strategies.selectors._base import Selector, top_n
from strategies.selectors.diverse import DiverseSelector
from strategies.selectors.measures import MEASURES
from strategies.selectors.random import RandomSelector
from strategies.selectors.uncertainty import UncertaintySelector, committee_uncertainty

__all__ = ["MEASURES", "DiverseSelector", "RandomSelector", "Selector", "UncertaintySelector", "committee_uncertainty", "top_n"]
