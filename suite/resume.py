"""Resuming an interrupted benchmark: its configuration, and its MLflow runs.

``alsuite run --resume RUN_ID`` reads the configuration saved in the run's
checkpoint folder, checks that anything given on the command line agrees with it
(only the ``labelling`` and ``checkpoint`` sections may change between sessions),
and logs into the same parent run and the same child runs, found by the parent run
id and their ``strategy`` / ``repeat`` tags.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from suite.checkpoint import CheckpointStore
from suite.config import BenchmarkConfig, apply_overrides, load_config
from suite.errors import ConfigError
from suite.tracking import Tracker, flatten

if TYPE_CHECKING:
    from datasets.registry import Dataset
    from strategies.registry import Strategy

__all__ = ["ResumingTracker", "resume_config"]

MAY_CHANGE = ("labelling", "checkpoint")


def _checkpoint_dir(overrides: list[str]) -> str | None:
    for item in reversed(overrides):
        key, _, value = item.partition("=")
        if key.strip() == "checkpoint.dir" and value.strip():
            return value.strip()
    return None


def resume_config(run_id: str, source: str | None, overrides: list[str]) -> BenchmarkConfig:
    """The configuration to resume ``run_id`` with.

    Without ``source`` the saved configuration is used, with ``overrides`` applied;
    with it, ``source`` and ``overrides`` must describe the same benchmark.

    Raises
    ------
    ConfigError
        When the run has no checkpoint folder, or the given settings differ from the
        saved ones outside ``labelling`` / ``checkpoint``.
    """
    store = CheckpointStore.for_run(run_id, _checkpoint_dir(overrides))
    saved = store.read_config()
    if saved is None:
        raise ConfigError(
            f"cannot resume run {run_id!r}: no checkpoint in {store.folder}; give the parent run id printed "
            "by the interrupted run, and --set checkpoint.dir=... if its checkpoints are elsewhere."
        )
    if source is None:
        try:
            config = BenchmarkConfig.model_validate(apply_overrides(saved, overrides))
        except ValidationError as exc:
            raise ConfigError(f"invalid configuration: {exc.errors()[0]['msg']}") from None
    else:
        config = load_config(source, overrides)
    old = flatten({k: v for k, v in saved.items() if k not in MAY_CHANGE})
    new = flatten({k: v for k, v in config.model_dump(mode="json").items() if k not in MAY_CHANGE})
    changed = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    if changed:
        shown = ", ".join(f"{k}: {old.get(k)!r} -> {new.get(k)!r}" for k in changed[:6])
        raise ConfigError(
            f"cannot resume run {run_id!r} with different settings ({shown}); a resume continues the same "
            f"benchmark, only the {' and '.join(MAY_CHANGE)} sections may change. Drop the profile and --set "
            "options to use the saved configuration."
        )
    return config


class ResumingTracker(Tracker):
    """A :class:`Tracker` that continues the parent run ``run_id`` and its child runs.

    Children are found by ``mlflow.parentRunId`` and their ``strategy`` / ``repeat``
    tags, set back to RUNNING, and terminated again when their loop ends; a
    (strategy, repeat) that never started gets a new child as usual.
    """

    def __init__(self, config: BenchmarkConfig, run_id: str, *, tracking_uri: str | None = None) -> None:
        super().__init__(config, tracking_uri=tracking_uri)
        self.resume_run_id = run_id
        self.logged_steps: dict[str, set[int]] = {}

    def start_parent(self, dataset: Dataset) -> str:
        try:
            run = self.client.get_run(self.resume_run_id)
        except Exception as exc:  # MlflowException: unknown run id
            raise ConfigError(
                f"cannot resume run {self.resume_run_id!r}: not found at {self.client.tracking_uri} ({exc})"
            ) from None
        self.parent_run_id, self.experiment_id = run.info.run_id, run.info.experiment_id
        self._owns_parent = True
        self.client.update_run(self.parent_run_id, status="RUNNING")
        self.client.set_tag(self.parent_run_id, "resumed", "true")
        project_run = os.environ.get("MLFLOW_RUN_ID")
        if project_run and project_run != self.parent_run_id:  # `mlflow run -P resume=...` made a new run
            self.client.set_tag(project_run, "alsuite.resumes", self.parent_run_id)
        return self.parent_run_id

    def start_child(self, spec: Strategy, repeat: int, seed: int, dataset: Dataset) -> str:
        query = (f"tags.mlflow.parentRunId = '{self.parent_run_id}' and tags.strategy = '{spec.name}' "
                 f"and tags.repeat = '{repeat}'")
        found = self.client.search_runs([str(self.experiment_id)], query, max_results=1)
        if not found:
            return super().start_child(spec, repeat, seed, dataset)
        run_id = found[0].info.run_id
        self.client.update_run(run_id, status="RUNNING")
        self._children[(spec.name, repeat)] = run_id
        self.logged_steps[run_id] = {m.step for m in self.client.get_metric_history(run_id, "accuracy")}
        return run_id

    def log_step(self, run_id: str, record: Any) -> None:
        """Log a step unless the interrupted session already logged it."""
        if record.step in self.logged_steps.get(run_id, set()):
            return
        super().log_step(run_id, record)
