"""Section III.B of the paper: find the most uncertain regions and export them as targets for new searches."""

from suite.identify.config import IdentifyConfig, list_identify_profiles, load_identify_config
from suite.identify.persist import Scorer, load_scorer, save_scorer
from suite.identify.projections import choose_pairs, concentration
from suite.identify.run import IdentifyOutput, run_identify
from suite.identify.targets import IdentifyResult, approximate_masses, identify_targets

__all__ = [
    "IdentifyConfig",
    "IdentifyOutput",
    "IdentifyResult",
    "Scorer",
    "approximate_masses",
    "choose_pairs",
    "concentration",
    "identify_targets",
    "list_identify_profiles",
    "load_identify_config",
    "load_scorer",
    "run_identify",
    "save_scorer",
]
