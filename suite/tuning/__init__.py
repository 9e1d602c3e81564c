"""Optuna studies of the loop's sizes (the paper's Appendix A): config, space, storage, trials, figures.

- :mod:`suite.tuning.config`: the study configuration (``benchmark`` + ``tuning``);
- :mod:`suite.tuning.space`: searched sizes, grid cells, and which sizes are valid;
- :mod:`suite.tuning.storage`: journal file / PostgreSQL / SQLite, and the claim lock;
- :mod:`suite.tuning.trial`: one trial = one small benchmark, its objective(s);
- :mod:`suite.tuning.study`: workers claiming trials until the total is reached;
- :mod:`suite.tuning.tracking`, :mod:`suite.tuning.figures`: MLflow parent/children, figures.
"""

from suite.tuning.config import StudyConfig, TuningConfig, list_study_profiles, load_study_config
from suite.tuning.space import grid_cells, invalid_reason
from suite.tuning.storage import mask_url, open_storage
from suite.tuning.study import StudySummary, run_study, total_trials

__all__ = [
    "StudyConfig",
    "StudySummary",
    "TuningConfig",
    "grid_cells",
    "invalid_reason",
    "list_study_profiles",
    "load_study_config",
    "mask_url",
    "open_storage",
    "run_study",
    "total_trials",
]
