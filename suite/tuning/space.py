"""The search space over the loop sizes, and the one place that says which sizes are valid.

Validity is the :class:`~suite.config.BenchmarkConfig` rules (``size_select <=
size_sample``, ``size_initial < size_max``) plus one rule of studies: at least one
full batch must fit the budget (``size_initial + size_select <= size_max``), else the
"last iteration before the budget" has no active-learning step at all. Grid mode
excludes invalid cells before any trial exists; TPE / random trials whose sampled
sizes are invalid are rejected (pruned, with the reason as the user attribute
``rejected``) and never run.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from pydantic import ValidationError

from suite.config import BenchmarkConfig, _describe
from suite.tuning.config import SIZE_PARAMS, StudyConfig

if TYPE_CHECKING:
    import optuna

__all__ = ["grid_cells", "invalid_reason", "suggest_sizes", "trial_config"]


def trial_config(config: StudyConfig, sizes: dict[str, int]) -> BenchmarkConfig:
    """The benchmark one trial runs: the base benchmark with ``sizes`` and the study's strategies.

    Raises
    ------
    pydantic.ValidationError
        If the sizes break a :class:`BenchmarkConfig` rule.
    """
    data = config.benchmark.model_dump()
    data.update(sizes, strategies=config.strategies, name=f"{config.study_name}-trial")
    return BenchmarkConfig.model_validate(data)


def invalid_reason(config: StudyConfig, sizes: dict[str, int]) -> str | None:
    """Why ``sizes`` cannot run in this study, or None if they can.

    Examples
    --------
    >>> from suite.tuning.config import load_study_config
    >>> invalid_reason(load_study_config("tune-fig8"), {"size_sample": 1000, "size_select": 2500})
    'size_select must be at most size_sample (1000), but got size_select=2500'
    """
    try:
        cfg = trial_config(config, sizes)
    except ValidationError as exc:
        return _describe(exc)
    if cfg.size_initial + cfg.size_select > cfg.size_max:
        return (
            f"size_initial + size_select must be at most size_max ({cfg.size_max}) so that one full batch "
            f"fits the budget, but got size_initial={cfg.size_initial}, size_select={cfg.size_select}"
        )
    return None


def grid_cells(config: StudyConfig) -> tuple[list[dict[str, int]], list[tuple[dict[str, int], str]]]:
    """The grid's valid cells in a fixed order, and the excluded ones with their reasons."""
    names = config.tuning.searched
    valid: list[dict[str, int]] = []
    excluded: list[tuple[dict[str, int], str]] = []
    for values in itertools.product(*(config.tuning.grid[n] for n in names)):
        cell = dict(zip(names, values, strict=True))
        reason = invalid_reason(config, cell)
        if reason is None:
            valid.append(cell)
        else:
            excluded.append((cell, reason))
    return valid, excluded


def suggest_sizes(trial: optuna.Trial, config: StudyConfig) -> dict[str, int]:
    """Suggest every searched size on ``trial`` (grid cells arrive as enqueued fixed values)."""
    tuning = config.tuning
    sizes: dict[str, int] = {}
    for name in SIZE_PARAMS:
        if tuning.sampler == "grid" and name in tuning.grid:
            sizes[name] = int(trial.suggest_categorical(name, tuning.grid[name]))
        elif tuning.sampler != "grid" and name in tuning.space:
            r = tuning.space[name]
            sizes[name] = trial.suggest_int(name, r.low, r.high, log=r.log, step=r.step)
    return sizes
