"""Benchmark configuration: YAML profiles or files, ``key=value`` overrides, validation.

All constraints are declared once, on the pydantic models below, so configuration
files, the command line and Optuna search spaces are checked by the same rules.
"""

from __future__ import annotations

from collections.abc import Collection
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, PositiveInt, ValidationError, field_validator, model_validator

from datasets.registry import DATASETS
from datasets.space import Space
from datasets.tables import TableMapping
from strategies.registry import STRATEGIES
from suite.errors import ConfigError

__all__ = [
    "BenchmarkConfig",
    "CheckpointConfig",
    "DatasetConfig",
    "DiversityConfig",
    "EnsembleConfig",
    "ForestConfig",
    "LabellingConfig",
    "OracleConfig",
    "NetworkConfig",
    "SelectionConfig",
    "apply_overrides",
    "list_profiles",
    "load_config",
]


SettingsT = TypeVar("SettingsT", bound=BaseModel)


def comma_list(value: Any) -> Any:
    """``"a, b"`` -> ``["a", "b"]`` (how lists arrive from ``--set`` and MLproject); other values unchanged."""
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    return value


def known_names(names: list[str], known: Collection[str], what: str) -> list[str]:
    """``names`` if every one is in ``known`` and none repeats; else a ValueError listing the choices."""
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"unknown {what} {unknown}; choose from {sorted(known)}")
    if len(set(names)) != len(names):
        raise ValueError(f"{what} must not repeat, but got {names}")
    return names


LEARNER_SECTIONS = {"forest": "forest", "dropout": "network", "ensemble": "ensemble"}
"""Learner kind -> the name of its settings section in a benchmark configuration."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatasetConfig(_Strict):
    """Which dataset, with its options (``dimension``/``fraction`` for analytic ones,
    ``table`` for the column mapping of table files, ``size``/``seed`` for ``susyai-pool``,
    ``parameters`` for the names a ``surrogate`` oracle file must have). ``dataset: NAME:PATH``
    (e.g. ``surrogate:my.oracle``) is short for ``{name: NAME, path: PATH}``."""

    name: str = "susyai"
    path: str | None = None
    dimension: PositiveInt | None = None
    fraction: float | None = Field(default=None, gt=0.0, lt=1.0)
    table: TableMapping | None = None
    size: PositiveInt | None = None
    seed: int | None = Field(default=None, ge=0)
    fixed_sectors: list[str] | None = None
    parameters: list[str] | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        """``dataset: NAME`` or ``dataset: NAME:PATH`` (e.g. ``surrogate:my.oracle``) as a mapping."""
        if isinstance(value, str):
            name, sep, path = value.partition(":")
            return {"name": name.strip(), "path": path.strip()} if sep else {"name": value.strip()}
        return value

    @field_validator("fixed_sectors", "parameters", mode="before")
    @classmethod
    def _split_sectors(cls, value: Any) -> Any:
        return comma_list(value)

    @field_validator("fixed_sectors")
    @classmethod
    def _known_sectors(cls, sectors: list[str] | None) -> list[str] | None:
        if sectors is not None:
            from datasets.sectors import free_parameters

            free_parameters(sectors)  # raises naming the unknown or repeated sectors
        return sectors

    @field_validator("name")
    @classmethod
    def _known(cls, name: str) -> str:
        if name not in DATASETS:
            raise ValueError(f"unknown dataset {name!r}; choose from {sorted(DATASETS)}")
        return name

    @model_validator(mode="after")
    def _options_apply(self) -> DatasetConfig:
        allowed = DATASETS[self.name].options
        given = [
            k for k in ("path", "dimension", "fraction", "table", "size", "seed", "fixed_sectors", "parameters")
            if getattr(self, k) is not None
        ]
        unknown = [k for k in given if k not in allowed]
        if unknown:
            raise ValueError(f"dataset {self.name!r} does not take {unknown}; it accepts {list(allowed)}")
        if self.path is not None and not Path(self.path).expanduser().is_file():
            problem = "is a folder, not a file" if Path(self.path).expanduser().is_dir() else "does not exist"
            raise ValueError(f"dataset.path {self.path!r} {problem}; give the path of the file")
        return self

    def options(self) -> dict[str, Any]:
        """The options to pass to :func:`datasets.registry.build_dataset`."""
        return self.model_dump(exclude={"name"}, exclude_none=True)


class ForestConfig(_Strict):
    """Random-forest learner settings (the committee of the ``rf-*`` strategies)."""

    n_estimators: PositiveInt = 100
    criterion: Literal["gini", "entropy", "log_loss"] = "gini"
    max_features: Literal["sqrt", "log2"] | PositiveInt | None = "sqrt"
    min_samples_leaf: PositiveInt = 1
    n_jobs: int = -1


class NetworkConfig(_Strict):
    """The QBDC network (``qbdc``, ``nn-random``); the defaults are the paper's Table III.

    ``n_passes`` Monte Carlo dropout passes form the committee (25 in III.A.3);
    ``validation_fraction`` of the labelled points is held out for early stopping.
    """

    hidden_units: tuple[PositiveInt, ...] = Field(default=(500, 100, 100, 50), min_length=1)
    activation: Literal["relu", "selu", "elu", "gelu", "silu", "tanh", "sigmoid"] = "relu"
    dropout: float = Field(default=0.2, ge=0.0, lt=1.0)
    n_passes: PositiveInt = 25
    optimizer: Literal["adam", "adamw", "nadam", "rmsprop", "sgd"] = "adam"
    learning_rate: float = Field(default=1e-3, gt=0.0)
    loss: Literal["binary_crossentropy", "categorical_crossentropy"] = "binary_crossentropy"
    epochs: PositiveInt = 1000
    batch_size: PositiveInt = 1000
    patience: int = Field(default=20, ge=0)
    validation_fraction: float = Field(default=0.1, ge=0.0, lt=1.0)
    predict_rows: PositiveInt = 65536
    jit_compile: bool = False


class EnsembleConfig(_Strict):
    """The deep-ensemble committee (``ensemble-qbc``, ``ensemble-random``), see ``EnsembleLearner``.

    Each of the ``n_members`` networks has the Table III widths without dropout;
    they are trained together in one vectorised fit. ``n_members`` defaults to 10:
    deep ensembles are usually reported to gain little beyond 5-10 members, and 10
    keeps a fit about as costly as ten Table III networks (cost grows linearly
    with it) while giving eq. 1 a committee mean of ten independent opinions.
    ``bootstrap`` adds a per-member resample of the training points.
    """

    n_members: PositiveInt = 10
    hidden_units: tuple[PositiveInt, ...] = Field(default=(500, 100, 100, 50), min_length=1)
    activation: Literal["relu", "selu", "elu", "gelu", "silu", "tanh", "sigmoid"] = "relu"
    optimizer: Literal["adam", "adamw", "nadam", "rmsprop", "sgd"] = "adam"
    learning_rate: float = Field(default=1e-3, gt=0.0)
    epochs: PositiveInt = 1000
    batch_size: PositiveInt = 1000
    patience: int = Field(default=20, ge=0)
    validation_fraction: float = Field(default=0.1, ge=0.0, lt=1.0)
    bootstrap: bool = False
    predict_rows: PositiveInt = 65536
    jit_compile: bool = False


class SelectionConfig(_Strict):
    """Settings of uncertainty selection (``measure``: see ``strategies.selectors.measures``)."""

    random_fraction: float = Field(default=0.0, ge=0.0, le=1.0)
    measure: Literal["eq1", "vote_std", "vote_entropy", "bald"] = "eq1"


class DiversityConfig(_Strict):
    """Spread-out batches of the ``*-diverse`` strategies (see ``strategies.selectors.diverse``).

    The batch is chosen among the ``factor * size_select`` most uncertain
    candidates, by ``method``: ``kmeans`` (most uncertain point per cluster) or
    ``farthest`` (greedy farthest points weighted by uncertainty).
    """

    factor: float = Field(default=5.0, ge=1.0, allow_inf_nan=False)
    method: Literal["kmeans", "farthest"] = "kmeans"


class SpaceConfig(_Strict):
    """A parameter box for a user's oracle: names, bounds and optional units."""

    names: list[str] = Field(min_length=1)
    lower: list[float]
    upper: list[float]
    units: list[str] | None = None

    @model_validator(mode="after")
    def _valid_box(self) -> SpaceConfig:
        self.build()
        return self

    def build(self) -> Space:
        """The :class:`~datasets.space.Space` (raises ``ValueError`` naming bad bounds)."""
        return Space(self.names, self.lower, self.upper, self.units)


class OracleConfig(_Strict):
    """A user's labeller replacing the dataset's oracle (see :mod:`datasets.oracles.external`).

    Exactly one of ``command`` (a program, argument list with ``{input}`` /
    ``{output}`` placeholders) or ``function`` (``package.module:function``).
    Points come from ``space`` if given, else from the dataset's parameter box.
    """

    command: list[str] | str | None = None
    function: str | None = None
    shell: bool = False
    labels: dict[str, int] = Field(default_factory=lambda: {"0": 0, "1": 1})
    timeout: float | None = Field(default=None, gt=0)
    retries: int = Field(default=0, ge=0)
    on_failure: Literal["fail", "exclude"] = "fail"
    space: SpaceConfig | None = None

    @field_validator("labels", mode="before")
    @classmethod
    def _text_keys(cls, value: Any) -> Any:
        return {str(k).strip(): v for k, v in value.items()} if isinstance(value, dict) else value

    @field_validator("labels")
    @classmethod
    def _coding(cls, value: dict[str, int]) -> dict[str, int]:
        from datasets.oracles._fallible import check_coding

        return check_coding(value)

    @model_validator(mode="after")
    def _one_labeller(self) -> OracleConfig:
        given = [k for k in ("command", "function") if getattr(self, k) not in (None, "", [])]
        if len(given) != 1:
            raise ValueError(
                "oracle needs exactly one of command (a program and its arguments) or function "
                f"('package.module:function'), but got {given or 'neither'}"
            )
        if self.function is not None:
            from datasets.oracles.python import _TARGET

            if not _TARGET.match(self.function):
                raise ValueError(f"oracle.function must look like 'package.module:function', but got {self.function!r}")
        if self.shell and not isinstance(self.command, str):
            raise ValueError("oracle.shell=true needs command as one string for the shell, but got a list")
        return self


class LabellingConfig(_Strict):
    """How batches are labelled: worker processes or a Dask cluster, and the label cache."""

    workers: PositiveInt = 1
    scheduler: str | None = None
    chunk_size: PositiveInt | None = None
    cache: bool = True


class CheckpointConfig(_Strict):
    """Checkpoints after every labelled batch, in ``dir/<parent run id>/``.

    ``dir`` defaults to ``$ALSUITE_CHECKPOINT_DIR`` or ``./alsuite-checkpoints``.
    """

    enabled: bool = True
    dir: str | None = None


class BenchmarkConfig(_Strict):
    """One benchmark: strategies x repeats on one dataset with one set of loop sizes.

    The sizes use the paper's words: the loop starts from ``size_initial`` labelled
    points, draws ``size_sample`` candidates per iteration, labels the
    ``size_select`` chosen ones, and stops at ``size_max`` labels; every model is
    scored on ``size_test`` held-out points.
    """

    name: str = "custom"
    description: str = ""
    experiment: str = "alsuite"
    dataset: DatasetConfig = DatasetConfig()
    strategies: list[str] = Field(default_factory=lambda: ["rf-random", "rf-qbc"], min_length=1)
    size_initial: PositiveInt = 10_000
    size_sample: PositiveInt = 100_000
    size_select: PositiveInt = 2_500
    size_max: PositiveInt = 100_000
    size_test: PositiveInt = 1_000_000
    repeats: PositiveInt = 7
    seed: int = Field(default=0, ge=0)
    forest: ForestConfig = ForestConfig()
    network: NetworkConfig = NetworkConfig()
    ensemble: EnsembleConfig = EnsembleConfig()
    selection: SelectionConfig = SelectionConfig()
    diversity: DiversityConfig = DiversityConfig()
    last_batch: Literal["rest", "stop"] = "rest"
    """Finite pools: when fewer rows remain than ``size_select``, label the rest or stop."""
    oracle: OracleConfig | None = None
    labelling: LabellingConfig = LabellingConfig()
    checkpoint: CheckpointConfig = CheckpointConfig()

    @field_validator("strategies", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return comma_list(value)

    @field_validator("strategies")
    @classmethod
    def _known_strategies(cls, names: list[str]) -> list[str]:
        return known_names(names, STRATEGIES, "strategies")

    @model_validator(mode="after")
    def _sizes_consistent(self) -> BenchmarkConfig:
        if self.size_select > self.size_sample:
            raise ValueError(
                f"size_select must be at most size_sample ({self.size_sample}), "
                f"but got size_select={self.size_select}"
            )
        parallel = self.labelling.workers > 1 or self.labelling.scheduler
        if parallel and self.oracle is None:
            raise ValueError(
                "parallel labelling (labelling.workers > 1 or labelling.scheduler) applies to a user's "
                "oracle; add an oracle section (command or function) or set labelling.workers=1"
            )
        if self.size_initial >= self.size_max:
            raise ValueError(
                f"size_initial must be below size_max ({self.size_max}), "
                f"but got size_initial={self.size_initial}"
            )
        return self

    def learner_params(self, kind: str) -> dict[str, Any]:
        """The settings section of learner ``kind``: ``forest``, ``dropout`` (``network``) or ``ensemble``."""
        return getattr(self, LEARNER_SECTIONS.get(kind, "forest")).model_dump()  # type: ignore[no-any-return]

    def selector_params(self, kind: str) -> dict[str, Any]:
        """The settings of selector ``kind``: ``selection``, plus ``diversity`` for ``diverse``."""
        params = self.selection.model_dump()
        if kind == "diverse":
            params.update(self.diversity.model_dump())
        return params

    @property
    def n_iterations(self) -> int:
        """Number of fitted models per (strategy, repeat), the first included."""
        return 1 + -(-(self.size_max - self.size_initial) // self.size_select)


def list_profiles(subfolder: str = "") -> list[str]:
    """Names of the built-in profiles (``subfolder``: ``studies``, ``identify`` for the other commands)."""
    folder = resources.files("suite") / "profiles" / subfolder if subfolder else resources.files("suite") / "profiles"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def read_settings(source: str, *, subfolder: str = "", kind: str = "profile") -> dict[str, Any]:
    """The settings mapping of a YAML file, or of the built-in ``kind`` named ``source``.

    One reader for every command's profiles (benchmarks, studies, identify runs), so
    they fail with the same messages: a missing file, an unknown profile (listing
    the built-in ones), invalid YAML, or YAML that is not a mapping.
    """
    path = Path(source).expanduser()
    names = list_profiles(subfolder)
    if path.suffix in {".yaml", ".yml"} or path.exists():
        if not path.is_file():
            raise ConfigError(f"config file {source!r} does not exist; give a YAML file or one of the {kind}s {names}.")
        text, origin = path.read_text(), str(path)
    else:
        folder = resources.files("suite") / "profiles" / subfolder if subfolder else resources.files("suite") / "profiles"
        profile = folder / f"{source}.yaml"
        if not profile.is_file():
            raise ConfigError(f"unknown {kind} {source!r}; choose from {names} or give a YAML file.")
        text, origin = profile.read_text(), f"{kind} {source}"
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{origin} must hold a mapping of settings, but holds {type(data).__name__}.")
    return data


def apply_overrides(data: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """Apply ``dotted.key=value`` overrides; values are parsed as YAML scalars or lists.

    An override of ``dataset.name`` to another dataset drops the options of the profile's
    dataset that the new one does not take, so ``--set dataset.name=table`` works on a
    profile written for ``susyai-pool`` (whose ``size`` a table does not take).
    """
    data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in data.items()}
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"override {item!r} must look like key=value, e.g. size_max=5000.")
        try:
            value = yaml.safe_load(raw) if raw.strip() else None
        except yaml.YAMLError as exc:
            raise ConfigError(f"override {item!r} has an unreadable value: {exc}") from exc
        *parents, leaf = key.strip().split(".")
        node = data
        for depth, part in enumerate(parents):
            child = node.get(part)
            if isinstance(child, str):
                where = ".".join(parents[: depth + 1])
                raise ConfigError(
                    f"override {item!r} sets a key under {where!r}, which is the value {child!r}; "
                    f"give {where} as dotted keys only (e.g. dataset.name=surrogate, dataset.path=FILE)."
                )
            node[part] = child = dict(child) if isinstance(child, dict) else {}
            node = child
        if parents and parents[-1] == "dataset" and leaf == "name" and isinstance(value, str) and value in DATASETS:
            # switching dataset keeps only the profile's options that the new one takes (e.g. not susyai-pool's size)
            for option in [k for k in node if k != "name" and k not in DATASETS[value].options]:
                del node[option]
        node[leaf] = value
    return data


def _describe(error: ValidationError) -> str:
    lines = []
    for err in error.errors():
        where = ".".join(str(p) for p in err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        shown = "" if err["type"] in {"value_error", "missing"} else f" (got {err.get('input')!r})"
        if err["type"] == "extra_forbidden":
            message, shown = "is not a known setting", ""
        lines.append(f"{where}: {message}{shown}" if where else f"{message}{shown}")
    return "; ".join(lines)


def load_config(source: str | None = None, overrides: list[str] | None = None) -> BenchmarkConfig:
    """Read a profile name or YAML file (default: the ``quick`` profile) and apply overrides.

    Raises
    ------
    ConfigError
        Naming every bad setting, the allowed values and the value given.

    Examples
    --------
    >>> load_config("quick", ["size_max=4000"]).size_max
    4000
    """
    return load_settings(BenchmarkConfig, source or "quick", overrides)


def load_settings(
    model: type[SettingsT],
    source: str,
    overrides: list[str] | None = None,
    *,
    subfolder: str = "",
    kind: str = "profile",
    what: str = "configuration",
) -> SettingsT:
    """Read ``source`` (see :func:`read_settings`), apply overrides and validate it as ``model``.

    Raises
    ------
    ConfigError
        ``invalid <what>: `` followed by every bad setting, as :func:`load_config` does.
    """
    data = apply_overrides(read_settings(source, subfolder=subfolder, kind=kind), list(overrides or []))
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"invalid {what}: {_describe(exc)}") from None
