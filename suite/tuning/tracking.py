"""MLflow for studies: one parent run per study, one child run per trial.

The parent's run id is kept in the study's user attribute ``mlflow_parent_run_id``,
so every worker (thread, process or machine) and every later resumption of the
study logs under the same parent. Children are created with that explicit parent
id through :class:`mlflow.MlflowClient`; nothing relies on MLflow's active run.
The storage URL is logged only masked.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import mlflow
from mlflow.entities import Metric, Param, RunTag
from mlflow.utils.mlflow_tags import MLFLOW_PARENT_RUN_ID, MLFLOW_RUN_NAME

from suite.tracking import flatten

if TYPE_CHECKING:
    import optuna
    import pandas as pd

    from suite.tuning.config import StudyConfig

__all__ = ["PARENT_ATTR", "StudyTracker"]

PARENT_ATTR = "mlflow_parent_run_id"


class StudyTracker:
    """Logs one study to MLflow (tracking URI from ``MLFLOW_TRACKING_URI`` unless given)."""

    def __init__(self, config: StudyConfig, *, tracking_uri: str | None = None) -> None:
        self.config = config
        self.tracking_uri = tracking_uri
        self.client = mlflow.MlflowClient(tracking_uri)
        self.parent_run_id: str | None = None
        self.experiment_id: str | None = None

    def _experiment_id(self) -> str:
        if os.environ.get("MLFLOW_EXPERIMENT_ID"):
            return os.environ["MLFLOW_EXPERIMENT_ID"]
        name = os.environ.get("MLFLOW_EXPERIMENT_NAME") or self.config.benchmark.experiment
        found = self.client.get_experiment_by_name(name)
        return found.experiment_id if found else self.client.create_experiment(name)

    def attach(self, study: optuna.Study, storage_masked: str) -> str:
        """Adopt the study's parent run, creating it on first use; call under the claim lock."""
        known = study.user_attrs.get(PARENT_ATTR)
        if known:
            run = self.client.get_run(known)
            self.parent_run_id, self.experiment_id = known, run.info.experiment_id
            if run.info.status != "RUNNING":
                self.client.update_run(known, status="RUNNING")
            return known
        adopted = os.environ.get("MLFLOW_RUN_ID")  # under `mlflow run`, the project run is the parent
        if adopted:
            self.parent_run_id = adopted
            self.experiment_id = self.client.get_run(adopted).info.experiment_id
        else:
            self.experiment_id = self._experiment_id()
            run = self.client.create_run(self.experiment_id, run_name=f"study-{self.config.study_name}")
            self.parent_run_id = run.info.run_id
        cfg, tuning = self.config, self.config.tuning
        tags = {
            "optuna_study": cfg.study_name,
            "role": "study",
            "strategy": tuning.strategy,
            "dataset": cfg.benchmark.dataset.name,
            "sampler": tuning.sampler,
            "objectives": ",".join(tuning.objectives),
            "storage": storage_masked,
        }
        params = flatten(cfg.model_dump(exclude={"description"}))
        self.client.log_batch(
            self.parent_run_id,
            params=[Param(k, v[:6000]) for k, v in params.items()],
            tags=[RunTag(k, v) for k, v in tags.items()],
        )
        study.set_user_attr(PARENT_ATTR, self.parent_run_id)
        return self.parent_run_id

    def start_trial(self, trial: optuna.Trial, sizes: dict[str, int]) -> str:
        """A child run for ``trial`` with its sizes as params, under the explicit parent id."""
        if self.parent_run_id is None or self.experiment_id is None:
            raise RuntimeError("attach must be called before start_trial.")
        name = f"trial-{trial.number}"
        tags = {
            MLFLOW_PARENT_RUN_ID: self.parent_run_id,
            MLFLOW_RUN_NAME: name,
            "optuna_study": self.config.study_name,
            "optuna_trial": str(trial.number),
            "strategy": self.config.tuning.strategy,
            "dataset": self.config.benchmark.dataset.name,
        }
        run = self.client.create_run(self.experiment_id, run_name=name, tags=tags)
        bench = self.config.benchmark
        params = {**{k: getattr(bench, k) for k in ("size_initial", "size_sample", "size_select", "size_max")},
                  **sizes, "repeats": bench.repeats, "size_test": bench.size_test}
        self.client.log_batch(run.info.run_id, params=[Param(k, str(v)) for k, v in params.items()])
        return run.info.run_id

    def log_curve(self, run_id: str, curves: pd.DataFrame) -> None:
        """Mean accuracy over repeats per labelled size (``accuracy``; ``accuracy.<baseline>`` too)."""
        now = int(time.time() * 1000)
        metrics = []
        for name, frame in curves.groupby("strategy", sort=False):
            key = "accuracy" if name == self.config.tuning.strategy else f"accuracy.{name}"
            for step, value in frame.groupby("step").accuracy.mean().items():
                metrics.append(Metric(key, float(value), now, int(step)))
        for start in range(0, len(metrics), 1000):
            self.client.log_batch(run_id, metrics=metrics[start : start + 1000])

    def end_trial(self, run_id: str, state: str, values: dict[str, float], attrs: dict[str, Any]) -> None:
        """Objective values as metrics, the Optuna state and any reason as tags, then terminate."""
        now = int(time.time() * 1000)
        metrics = [Metric(f"objective.{k}", float(v), now, 0) for k, v in values.items()]
        finals = attrs.get("final_accuracies") or []
        if finals:
            metrics += [Metric("final_accuracy_min", min(finals), now, 0), Metric("final_accuracy_max", max(finals), now, 0)]
        tags = [RunTag("optuna_state", state)] + [RunTag(k, str(v)[:5000]) for k, v in attrs.items()
                                                  if k in {"rejected", "error", "pruned_at_iteration"}]
        self.client.log_batch(run_id, metrics=metrics, tags=tags)
        status = {"COMPLETE": "FINISHED", "PRUNED": "KILLED"}.get(state, "FAILED")
        self.client.set_terminated(run_id, status)

    def log_study(self, study: optuna.Study, finished: bool) -> None:
        """Figures and the trials table on the parent; terminate it if the study is finished."""
        from suite.tuning.figures import study_figures, trials_frame

        if self.parent_run_id is None:
            raise RuntimeError("attach must be called before log_study.")
        table = trials_frame(study)
        with tempfile.TemporaryDirectory() as tmp:
            table.to_csv(Path(tmp) / "trials.csv", index=False)
            self.client.log_artifacts(self.parent_run_id, tmp, "summary")
        for path, fig in study_figures(study, self.config, table).items():
            self.client.log_figure(self.parent_run_id, fig, path)
        per_trial = table.drop_duplicates("trial")
        now = int(time.time() * 1000)
        metrics = [Metric("trials", float(len(per_trial)), now, 0),
                   Metric("trials_complete", float((per_trial.state == "COMPLETE").sum()), now, 0)]
        if (per_trial.state == "COMPLETE").any() and len(self.config.tuning.objectives) == 1:
            metrics.append(Metric(f"best.{self.config.tuning.objectives[0]}", float(study.best_value), now, 0))
        self.client.log_batch(self.parent_run_id, metrics=metrics)
        if finished and not os.environ.get("MLFLOW_RUN_ID"):
            self.client.set_terminated(self.parent_run_id, "FINISHED")
