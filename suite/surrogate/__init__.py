"""``alsuite surrogate``: train, check and convert surrogate oracles (the paper's Table II network)."""

from suite.surrogate.check import CheckResult, check_surrogate, confusion_matrix, split_table
from suite.surrogate.config import SurrogateConfig, list_surrogate_profiles, load_surrogate_config
from suite.surrogate.train import TrainedSurrogate, build_surrogate_network, train_surrogate

__all__ = [
    "CheckResult",
    "SurrogateConfig",
    "TrainedSurrogate",
    "build_surrogate_network",
    "check_surrogate",
    "confusion_matrix",
    "list_surrogate_profiles",
    "load_surrogate_config",
    "split_table",
    "train_surrogate",
]
