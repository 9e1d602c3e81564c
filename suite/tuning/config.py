"""Study configuration: a base benchmark plus the ``tuning`` section, validated once.

A study file (or a built-in study profile under ``suite/profiles/studies/``) holds

- ``benchmark``: a :class:`~suite.config.BenchmarkConfig` giving everything a trial
  does not search (dataset, ``size_test``, ``repeats``, forest, seed, and the
  values of the sizes that are not searched);
- ``tuning``: a :class:`TuningConfig` (strategy, objectives, sampler, search space
  or grid, number of trials, pruner).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, field_validator, model_validator

from strategies.registry import STRATEGIES, get_strategy
from suite.config import (
    BenchmarkConfig,
    comma_list,
    known_names,
    list_profiles,
    load_settings,
)

__all__ = [
    "OBJECTIVES",
    "SIZE_PARAMS",
    "ParamRange",
    "StudyConfig",
    "TuningConfig",
    "list_study_profiles",
    "load_study_config",
]

SIZE_PARAMS = ("size_initial", "size_sample", "size_select", "size_max")
"""The loop sizes a study may search (the paper's Appendix A names, plus the budget)."""

OBJECTIVES: dict[str, Literal["maximize", "minimize"]] = {
    "accuracy": "maximize",  # mean accuracy of the final model (last iteration within size_max)
    "gain": "maximize",  # median eq. 2 gain against the strategy's random baseline
    "labels": "minimize",  # labels spent by the final model
}
"""Objective names and their directions."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ParamRange(_Strict):
    """The searched range of one size: integers in ``[low, high]``, log or linear."""

    low: PositiveInt
    high: PositiveInt
    log: bool = False
    step: PositiveInt = 1

    @model_validator(mode="after")
    def _ordered(self) -> ParamRange:
        if self.low > self.high:
            raise ValueError(f"low must be at most high ({self.high}), but got low={self.low}")
        if self.log and self.step != 1:
            raise ValueError(f"a log-scale range takes no step (Optuna samples it continuously), but got step={self.step}")
        return self


class TuningConfig(_Strict):
    """What a study searches, how, and for which objective(s).

    ``space`` gives a :class:`ParamRange` per searched size (TPE and random
    samplers); ``grid`` gives the values per size for ``sampler: grid``. Sizes in
    neither keep the ``benchmark`` value. ``trials`` is the *total* number of trials
    of the study, counting those of earlier runs of the same study (default: every
    valid grid cell in grid mode, 20 otherwise).
    """

    study: str | None = None
    strategy: str = "rf-qbc"
    objectives: list[str] = Field(default_factory=lambda: ["accuracy"], min_length=1)
    sampler: Literal["tpe", "random", "grid"] = "tpe"
    trials: PositiveInt | None = None
    pruner: Literal["median", "none"] | None = None
    startup_trials: int = Field(default=5, ge=0)
    seed: int = Field(default=0, ge=0)
    space: dict[str, ParamRange] = Field(default_factory=dict)
    grid: dict[str, list[PositiveInt]] = Field(default_factory=dict)

    @field_validator("strategy")
    @classmethod
    def _known_strategy(cls, name: str) -> str:
        if name not in STRATEGIES:
            raise ValueError(f"unknown strategy {name!r}; choose from {sorted(STRATEGIES)}")
        return name

    @field_validator("objectives", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return comma_list(value)

    @field_validator("objectives")
    @classmethod
    def _known_objectives(cls, names: list[str]) -> list[str]:
        return known_names(names, OBJECTIVES, "objectives")

    @field_validator("space", "grid")
    @classmethod
    def _size_names(cls, table: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(table) - set(SIZE_PARAMS))
        if unknown:
            raise ValueError(f"only the sizes {list(SIZE_PARAMS)} can be searched, but got {unknown}")
        return table

    @field_validator("grid")
    @classmethod
    def _grid_values(cls, grid: dict[str, list[int]]) -> dict[str, list[int]]:
        for name, values in grid.items():
            if not values or len(set(values)) != len(values):
                raise ValueError(f"grid.{name} needs distinct values, but got {values}")
        return grid

    @model_validator(mode="after")
    def _consistent(self) -> TuningConfig:
        if self.sampler == "grid":
            if not self.grid:
                raise ValueError("sampler 'grid' needs tuning.grid, e.g. {size_sample: [1000, 5000], size_select: [500]}")
            if self.pruner == "median":
                raise ValueError("pruner must be 'none' in grid mode (every cell runs to the end), but got pruner='median'")
        elif not self.space:
            raise ValueError(
                f"sampler {self.sampler!r} needs tuning.space, e.g. {{size_sample: {{low: 1000, high: 100000, log: true}}}}"
            )
        if len(self.objectives) > 1 and self.pruner == "median":
            raise ValueError(f"pruning needs a single objective, but got objectives={self.objectives} with pruner='median'")
        if "gain" in self.objectives and get_strategy(self.strategy).baseline is None:
            raise ValueError(
                f"objective 'gain' needs an active strategy with a random baseline, but got strategy={self.strategy!r}"
            )
        return self

    @property
    def directions(self) -> list[Literal["maximize", "minimize"]]:
        return [OBJECTIVES[name] for name in self.objectives]

    @property
    def pruning(self) -> bool:
        """Whether trials may be pruned: a single objective, not in grid mode, not switched off."""
        if self.pruner is not None:
            return self.pruner == "median"
        return self.sampler != "grid" and len(self.objectives) == 1

    @property
    def searched(self) -> tuple[str, ...]:
        """The sizes this study varies, in the order they are suggested."""
        table = self.grid if self.sampler == "grid" else self.space
        return tuple(name for name in SIZE_PARAMS if name in table)


class StudyConfig(_Strict):
    """A study: the base benchmark each trial varies, and the tuning settings."""

    name: str = "study"
    description: str = ""
    benchmark: BenchmarkConfig = BenchmarkConfig()
    tuning: TuningConfig = TuningConfig(space={"size_sample": ParamRange(low=1000, high=100_000, log=True)})

    @model_validator(mode="after")
    def _no_strategies(self) -> StudyConfig:
        if "strategies" in self.benchmark.model_fields_set:
            raise ValueError("benchmark.strategies is not used by a study; set tuning.strategy instead")
        if "labels" in self.tuning.objectives and "size_max" not in self.tuning.searched:
            raise ValueError(
                f"objective 'labels' is constant unless size_max is searched (it is {self.benchmark.size_max}); "
                "give tuning.space.size_max (or tuning.grid.size_max)"
            )
        return self

    @property
    def study_name(self) -> str:
        return self.tuning.study or self.name

    @property
    def strategies(self) -> list[str]:
        """The strategies each trial runs: the tuned one, after its baseline for a gain objective."""
        baseline = get_strategy(self.tuning.strategy).baseline
        if "gain" in self.tuning.objectives and baseline is not None:
            return [baseline, self.tuning.strategy]
        return [self.tuning.strategy]

    @property
    def total_trials(self) -> int | None:
        return self.tuning.trials


def list_study_profiles() -> list[str]:
    """Names of the built-in study profiles."""
    return list_profiles("studies")


def load_study_config(source: str | None = None, overrides: list[str] | None = None) -> StudyConfig:
    """Read a study profile or YAML file (default ``tune-quick``) and apply ``key=value`` overrides.

    Raises
    ------
    ConfigError
        Naming every bad setting, the allowed values and the value given.

    Examples
    --------
    >>> load_study_config("tune-fig8").tuning.grid["size_select"]
    [500, 2500, 5000, 7500]
    """
    return load_settings(StudyConfig, source or "tune-quick", overrides, subfolder="studies",
                         kind="study profile", what="study configuration")
