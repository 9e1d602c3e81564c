"""Configuration of ``alsuite identify`` (paper Section III.B), validated once.

An identify file (or a built-in profile under ``suite/profiles/identify/``) names the
labelled data (a dataset: a finite table, or an oracle whose labels are drawn from the
prior), the learner, how many candidates to draw from the space's prior and how many
of the most uncertain to keep, and which projections to draw.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, field_validator, model_validator

from suite.config import (
    DatasetConfig,
    ForestConfig,
    NetworkConfig,
    OracleConfig,
    list_profiles,
    load_settings,
)

__all__ = ["IdentifyConfig", "LEARNERS", "ProjectionConfig", "list_identify_profiles", "load_identify_config"]

LEARNERS = {"qbdc": "qbdc", "forest": "rf-qbc"}
"""Learner choice -> the strategy whose learner (and learner settings) it uses."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProjectionConfig(_Strict):
    """Which 2-D projections are drawn.

    ``pairs`` lists parameter pairs by name; by default the ``n_pairs`` pairs on
    which the selected points are most *concentrated* relative to the candidates
    (the smallest ratio ``sqrt(det C_selected / det C_candidates)`` of the two
    parameters' 2x2 covariance matrices: the area of the selection's covariance
    ellipse relative to the prior's). ``mass_plane`` adds the approximate
    (tree-level) LSP-gluino mass plane where the space has M1, M2, M3 and mu.
    """

    pairs: list[tuple[str, str]] | None = None
    n_pairs: PositiveInt = 6
    mass_plane: bool = True

    @field_validator("pairs", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):  # "M3:mu,M1:M2" from the command line
            value = [tuple(p.strip() for p in part.split(":")) for part in value.split(",") if part.strip()]
        return value

    @field_validator("pairs")
    @classmethod
    def _distinct(cls, pairs: list[tuple[str, str]] | None) -> list[tuple[str, str]] | None:
        for a, b in pairs or []:
            if a == b:
                raise ValueError(f"a projection pair needs two different parameters, but got ({a!r}, {b!r})")
        return pairs


class IdentifyConfig(_Strict):
    """Train a committee on labelled data and export the most uncertain prior points.

    ``size_initial`` is the number of training points: for an oracle dataset, points
    drawn from the prior and labelled (default 10,000); for a finite table, a seeded
    subset of its rows (default: every row, as the paper trained on the full data).
    ``size_sample`` candidates are drawn from the space's prior (the paper: about
    87,000) and the ``size_select`` most uncertain by eq. 1 are kept (1,000).
    ``random_fraction`` of the exported points are instead drawn at random from the
    other candidates (flagged in the ``random`` column), as the paper recommends for
    realistic use. ``learner: qbdc`` (default, as the paper) trains the dropout
    network of the ``network`` section and scores by eq. 1 on the mean of its
    ``network.n_passes`` Monte Carlo passes; ``learner: forest`` uses the trees of
    the ``forest`` section as the committee.
    """

    name: str = "identify"
    description: str = ""
    experiment: str = "alsuite"
    dataset: DatasetConfig = DatasetConfig()
    oracle: OracleConfig | None = None
    learner: Literal["qbdc", "forest"] = "qbdc"
    size_initial: PositiveInt | None = None
    size_sample: PositiveInt = 87_000
    size_select: PositiveInt = 1_000
    random_fraction: float = Field(default=0.0, ge=0.0, le=1.0)
    seed: int = Field(default=0, ge=0)
    forest: ForestConfig = ForestConfig()
    network: NetworkConfig = NetworkConfig()
    projection: ProjectionConfig = ProjectionConfig()

    @model_validator(mode="after")
    def _sizes(self) -> IdentifyConfig:
        if self.size_select > self.size_sample:
            raise ValueError(
                f"size_select must be at most size_sample ({self.size_sample}), but got size_select={self.size_select}"
            )
        return self

    def learner_settings(self) -> dict[str, Any]:
        """Keyword settings of the chosen learner (the config section it reads)."""
        section = self.forest if self.learner == "forest" else self.network
        return section.model_dump()


def list_identify_profiles() -> list[str]:
    """Names of the built-in identify profiles."""
    return list_profiles("identify")


def load_identify_config(source: str | None = None, overrides: list[str] | None = None) -> IdentifyConfig:
    """Read an identify profile or YAML file (default ``identify-quick``) and apply overrides.

    Raises
    ------
    ConfigError
        Naming every bad setting, the allowed values and the value given.

    Examples
    --------
    >>> load_identify_config("identify-quick", ["size_select=50"]).size_select
    50
    """
    return load_settings(IdentifyConfig, source or "identify-quick", overrides, subfolder="identify",
                         kind="identify profile", what="identify configuration")
