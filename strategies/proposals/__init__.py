"""Proposals: where each iteration's candidates come from (prior draws, or also near labelled points)."""

from strategies.proposals._base import Proposal, Proposed
from strategies.proposals.local import LocalProposal, reflect_unit
from strategies.proposals.prior import PriorProposal

__all__ = ["LocalProposal", "PriorProposal", "Proposal", "Proposed", "reflect_unit"]
