"""Everything MLflow: the parent run, one child per (strategy, repeat), metrics, artifacts.

Runs are created through :class:`mlflow.MlflowClient` with explicit run ids, never
through the fluent "active run", so children always carry their parent's id even
when work moves to threads or processes. Under ``mlflow run`` the project run
(``MLFLOW_RUN_ID``) becomes the parent.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import mlflow
from mlflow.entities import Metric, Param, RunTag
from mlflow.utils.mlflow_tags import MLFLOW_PARENT_RUN_ID, MLFLOW_RUN_NAME

if TYPE_CHECKING:
    from datasets.registry import Dataset
    from strategies.registry import Strategy
    from suite.benchmark import BenchmarkResult
    from suite.config import BenchmarkConfig
    from suite.gain import Gain
    from suite.loop import StepRecord

__all__ = ["Tracker", "flatten"]


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Nested settings as ``dotted.key -> str`` for MLflow params."""
    flat: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = ",".join(map(str, value)) if isinstance(value, list) else str(value)
    return flat


class Tracker:
    """Logs one benchmark to MLflow (tracking URI from ``MLFLOW_TRACKING_URI`` or MLflow's default).

    Parameters
    ----------
    config : BenchmarkConfig
        Logged as the parent's params; ``config.experiment`` names the experiment
        unless ``MLFLOW_EXPERIMENT_ID`` / ``MLFLOW_EXPERIMENT_NAME`` say otherwise.
    tracking_uri : str, optional
        Overrides the environment.
    """

    def __init__(self, config: BenchmarkConfig, *, tracking_uri: str | None = None) -> None:
        self.config = config
        self.client = mlflow.MlflowClient(tracking_uri)
        self.parent_run_id: str | None = None
        self.experiment_id: str | None = None
        self._owns_parent = False
        self._children: dict[tuple[str, int], str] = {}

    def _experiment_id(self) -> str:
        if os.environ.get("MLFLOW_EXPERIMENT_ID"):
            return os.environ["MLFLOW_EXPERIMENT_ID"]
        name = os.environ.get("MLFLOW_EXPERIMENT_NAME") or self.config.experiment
        found = self.client.get_experiment_by_name(name)
        return found.experiment_id if found else self.client.create_experiment(name)

    def start_parent(self, dataset: Dataset) -> str:
        """Create (or adopt, under ``mlflow run``) the benchmark's parent run."""
        tags = {
            "dataset": dataset.name,
            "pool": dataset.pool_kind,
            "surrogate": str(dataset.surrogate).lower(),
            "profile": self.config.name,
            "strategies": ",".join(self.config.strategies),
            "role": "benchmark",
        }
        adopted = os.environ.get("MLFLOW_RUN_ID")
        if adopted:
            run = self.client.get_run(adopted)
            self.parent_run_id, self.experiment_id = adopted, run.info.experiment_id
        else:
            self.experiment_id = self._experiment_id()
            run = self.client.create_run(self.experiment_id, run_name=self.config.name, tags=tags)
            self.parent_run_id, self._owns_parent = run.info.run_id, True
        params = flatten(self.config.model_dump(exclude={"description"}))
        existing = self.client.get_run(self.parent_run_id).data.params
        new = [Param(k, v[:6000]) for k, v in params.items() if k not in existing]
        self.client.log_batch(self.parent_run_id, params=new, tags=[RunTag(k, v) for k, v in tags.items()])
        return self.parent_run_id

    def start_child(self, spec: Strategy, repeat: int, seed: int, dataset: Dataset) -> str:
        """One child run per (strategy, repeat), created with the explicit parent id."""
        from strategies.registry import learner_tags
        from suite.config import LEARNER_SECTIONS

        if self.parent_run_id is None or self.experiment_id is None:
            raise RuntimeError("start_parent must be called before start_child.")
        tags = {
            MLFLOW_PARENT_RUN_ID: self.parent_run_id,
            MLFLOW_RUN_NAME: f"{spec.name}-r{repeat}",
            "strategy": spec.name,
            "learner": spec.learner,
            "selector": spec.selector,
            "dataset": dataset.name,
            "repeat": str(repeat),
            "seed": str(seed),
            "pool": dataset.pool_kind,
            "surrogate": str(dataset.surrogate).lower(),
            **learner_tags(spec.learner),
        }
        run = self.client.create_run(self.experiment_id, tags=tags, run_name=tags[MLFLOW_RUN_NAME])
        run_id = run.info.run_id
        cfg = self.config
        params = {
            "size_initial": cfg.size_initial,
            "size_sample": cfg.size_sample,
            "size_select": cfg.size_select,
            "size_max": cfg.size_max,
            "size_test": cfg.size_test,
            **{f"{LEARNER_SECTIONS.get(spec.learner, 'forest')}.{k}": v
               for k, v in cfg.learner_params(spec.learner).items()},
            **{f"selection.{k}": v for k, v in cfg.selection.model_dump().items()},
            **{f"diversity.{k}": v for k, v in cfg.diversity.model_dump().items() if spec.selector == "diverse"},
        }
        self.client.log_batch(run_id, params=[Param(k, str(v)) for k, v in params.items()])
        self._children[(spec.name, repeat)] = run_id
        return run_id

    def log_step(self, run_id: str, record: StepRecord) -> None:
        """All metrics of one iteration in one batch, at ``step`` = labelled-set size."""
        now = int(time.time() * 1000)
        metrics = [Metric(k, float(v), now, record.step) for k, v in record.metrics().items()]
        self.client.log_batch(run_id, metrics=metrics)

    def end_child(self, run_id: str, status: str) -> None:
        self.client.set_terminated(run_id, status)

    def log_gains(self, gains: dict[str, dict[int, Gain]]) -> None:
        """Per-repeat gain on each active child; min / median / max on the parent."""
        from suite.gain import summarize_gains

        now = int(time.time() * 1000)
        parent: list[Metric] = []
        for name, by_repeat in gains.items():
            for repeat, gain in by_repeat.items():
                run_id = self._children.get((name, repeat))
                if run_id is None:
                    continue
                values = {"gain": gain.gain, "gain_target_accuracy": gain.target_accuracy,
                          "gain_n_random": gain.n_random, "gain_reached": float(gain.reached)}
                if gain.n_active is not None:
                    values["gain_n_active"] = gain.n_active
                self.client.log_batch(run_id, metrics=[Metric(k, float(v), now, 0) for k, v in values.items()])
            summary = summarize_gains(list(by_repeat.values()))
            parent += [Metric(f"{k}.{name}", v, now, 0) for k, v in summary.items()]
        if parent and self.parent_run_id:
            self.client.log_batch(self.parent_run_id, metrics=parent)

    def log_result(self, result: BenchmarkResult) -> None:
        """Learning-curve figures and the CSV/JSON summary as parent artifacts."""
        from suite.figures import learning_curves
        from suite.reports import write_summary

        if self.parent_run_id is None:
            raise RuntimeError("start_parent must be called before log_result.")
        for metric in ("accuracy", "auc"):
            fig = learning_curves(result.curves, metric=metric, title=f"{result.config.name}: {metric}")
            self.client.log_figure(self.parent_run_id, fig, f"figures/learning_curve_{metric}.png")
        with tempfile.TemporaryDirectory() as tmp:
            write_summary(result, Path(tmp))
            self.client.log_artifacts(self.parent_run_id, tmp, "summary")
        self.client.set_tag(self.parent_run_id, "summary", json.dumps(
            {k: round(v, 3) for k, v in _medians(result).items()}))

    def end_parent(self, status: str = "FINISHED") -> None:
        """Terminate the parent if this tracker created it (``mlflow run`` ends its own)."""
        if self._owns_parent and self.parent_run_id:
            self.client.set_terminated(self.parent_run_id, status)


def _medians(result: BenchmarkResult) -> dict[str, float]:
    table = result.gain_summary()
    return {row.strategy: row.gain_median for row in table.itertuples()} if len(table) else {}
