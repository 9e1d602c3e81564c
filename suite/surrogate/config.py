"""Configuration of ``alsuite surrogate train`` / ``check``: the table and the Table II network.

A surrogate file (or a built-in profile under ``suite/profiles/surrogate/``) names a
finite-pool dataset (a labelled table read through :mod:`datasets.finite`) and the
network trained on it. The defaults are the paper's oracle network (Table II):
Dense 500 / 100 / 100 / 50 with selu, Dense 2 softmax, Adam on binary
cross-entropy, up to 300 epochs with early stopping (patience 50, best weights
restored). Rows are split once, with ``seed``: ``test_fraction`` is held out for the
consistency check, ``validation_fraction`` drives early stopping, the rest trains.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, field_validator, model_validator

from datasets.registry import DATASETS
from suite.config import DatasetConfig, comma_list, list_profiles, load_settings

__all__ = ["SurrogateConfig", "list_surrogate_profiles", "load_surrogate_config"]

SUBFOLDER = "surrogate"


class SurrogateConfig(BaseModel):
    """Train a surrogate oracle on a labelled table (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = "surrogate"
    description: str = ""
    experiment: str = "alsuite-surrogate"
    dataset: DatasetConfig = DatasetConfig(name="table")
    hidden_units: list[PositiveInt] = Field(default_factory=lambda: [500, 100, 100, 50], min_length=1)
    activation: Literal["selu", "relu", "elu", "gelu", "swish", "tanh", "sigmoid", "softplus", "linear"] = "selu"
    learning_rate: float = Field(default=1e-3, gt=0.0)
    batch_size: PositiveInt = 1000
    epochs: PositiveInt = 300
    patience: PositiveInt = 50
    validation_fraction: float = Field(default=0.1, gt=0.0, lt=1.0)
    test_fraction: float = Field(default=0.1, gt=0.0, lt=1.0)
    seed: int = Field(default=0, ge=0)
    verbose: bool = True

    @field_validator("hidden_units", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return comma_list(value)

    @model_validator(mode="after")
    def _finite_and_split(self) -> SurrogateConfig:
        if DATASETS[self.dataset.name].pool != "finite":
            finite = sorted(n for n, info in DATASETS.items() if info.pool == "finite")
            raise ValueError(
                f"dataset {self.dataset.name!r} is not a labelled table; a surrogate is trained on one of {finite}"
            )
        if self.validation_fraction + self.test_fraction >= 1.0:
            raise ValueError(
                f"validation_fraction + test_fraction must leave rows to train on, but got "
                f"{self.validation_fraction} + {self.test_fraction}"
            )
        return self


def list_surrogate_profiles() -> list[str]:
    """Names of the built-in surrogate profiles."""
    return list_profiles(SUBFOLDER)


def load_surrogate_config(source: str | None = None, overrides: list[str] | None = None) -> SurrogateConfig:
    """Read a surrogate profile or YAML file (default ``surrogate-quick``) and apply overrides.

    Raises
    ------
    ConfigError
        ``invalid surrogate configuration: `` and every bad setting.
    """
    return load_settings(SurrogateConfig, source or "surrogate-quick", overrides, subfolder=SUBFOLDER,
                         kind="surrogate profile", what="surrogate configuration")
