"""MLflow records of surrogate training and consistency checks (one run each).

Runs are created through :class:`mlflow.MlflowClient` with explicit ids, as in
:mod:`suite.tracking`; under ``mlflow run`` the project run (``MLFLOW_RUN_ID``) is
used. A training run holds the config as params, the normalisation (params and
``normalization.json``), per-epoch ``loss`` / ``accuracy`` / ``val_loss`` /
``val_accuracy`` (step = epoch), the validation and held-out accuracy and
confusion counts, ``confusion.png`` and the oracle file.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
from matplotlib.figure import Figure
from mlflow.entities import Metric, Param, RunTag

from suite.surrogate.check import CheckResult
from suite.surrogate.config import SurrogateConfig
from suite.surrogate.train import TrainedSurrogate
from suite.tracking import flatten

__all__ = ["confusion_figure", "log_check", "log_training"]


def confusion_figure(result: CheckResult, title: str) -> Figure:
    """The 2x2 confusion matrix as an annotated heatmap."""
    fig = Figure(figsize=(4.2, 3.6))
    ax = fig.subplots()
    ax.imshow(result.confusion, cmap="Blues")
    for (i, j), count in np.ndenumerate(result.confusion):
        ax.text(j, i, f"{count}", ha="center", va="center",
                color="white" if count > result.confusion.max() / 2 else "black")
    ax.set_xticks([0, 1], ["excluded", "allowed"])
    ax.set_yticks([0, 1], ["excluded", "allowed"])
    ax.set_xlabel("surrogate")
    ax.set_ylabel("table label")
    ax.set_title(f"{title}\naccuracy {result.accuracy:.4f} on {result.n} rows", fontsize=9)
    fig.tight_layout()
    return fig


def _start(client: Any, experiment: str, name: str, tags: dict[str, str]) -> tuple[str, bool]:
    adopted = os.environ.get("MLFLOW_RUN_ID")
    if adopted:
        client.log_batch(adopted, tags=[RunTag(k, v) for k, v in tags.items()])
        return adopted, True
    experiment_id = os.environ.get("MLFLOW_EXPERIMENT_ID")
    if not experiment_id:
        found = client.get_experiment_by_name(os.environ.get("MLFLOW_EXPERIMENT_NAME") or experiment)
        experiment_id = found.experiment_id if found else client.create_experiment(
            os.environ.get("MLFLOW_EXPERIMENT_NAME") or experiment)
    return client.create_run(experiment_id, run_name=name, tags=tags).info.run_id, False


def _params(client: Any, run_id: str, values: dict[str, str]) -> None:
    existing = client.get_run(run_id).data.params
    params = [Param(k, v[:6000]) for k, v in values.items() if k not in existing]
    for start in range(0, len(params), 100):
        client.log_batch(run_id, params=params[start:start + 100])


def _metrics(client: Any, run_id: str, metrics: list[Metric]) -> None:
    for start in range(0, len(metrics), 1000):
        client.log_batch(run_id, metrics=metrics[start:start + 1000])


def log_training(trained: TrainedSurrogate, oracle_file: Path, *, tracking_uri: str | None = None) -> str:
    """Log a training run (see the module docstring); returns its run id."""
    client = mlflow.MlflowClient(tracking_uri)
    config, meta = trained.config, trained.metadata
    tags = {"role": "surrogate-train", "dataset": config.dataset.name, "profile": config.name,
            **{k: str(v) for k, v in meta.provenance.items() if k in ("keras_backend", "device")}}
    run_id, adopted = _start(client, config.experiment, config.name, tags)
    norm = meta.to_json()["normalization"]
    _params(client, run_id, {**flatten(config.model_dump(mode="json", exclude={"description"})),
                             "normalization.kind": norm["kind"],
                             "normalization.log_columns": ",".join(norm["log_columns"]) or "none",
                             "parameters": ",".join(meta.space.names)})
    now = int(time.time() * 1000)
    metrics = [Metric(key, value, now, epoch) for key, values in trained.history.items()
               for epoch, value in enumerate(values)]
    summary = {**trained.validation.metrics("validation"), **trained.test.metrics("test"),
               "best_epoch": float(trained.best_epoch), "epochs_run": float(len(trained.history["loss"])),
               "train_seconds": trained.seconds, "seconds_per_epoch": trained.seconds_per_epoch}
    metrics += [Metric(k, float(v), now, 0) for k, v in summary.items()]
    _metrics(client, run_id, metrics)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "normalization.json").write_text(json.dumps(
            {"parameters": meta.to_json()["parameters"], "normalization": norm}, indent=2))
        (folder / "config.json").write_text(json.dumps(config.model_dump(mode="json"), indent=2))
        confusion_figure(trained.test, f"{config.name}: held-out rows").savefig(folder / "confusion.png", dpi=110)
        client.log_artifacts(run_id, str(folder))
    client.log_artifact(run_id, str(oracle_file), "oracle")
    if not adopted:
        client.set_terminated(run_id, "FINISHED")
    return run_id


def log_check(result: CheckResult, oracle_file: Path, config: SurrogateConfig, *, all_rows: bool,
              tracking_uri: str | None = None) -> str:
    """Log a consistency check: ``check_*`` metrics, the config and ``confusion.png``; returns the run id."""
    client = mlflow.MlflowClient(tracking_uri)
    tags = {"role": "surrogate-check", "dataset": config.dataset.name, "oracle_file": str(oracle_file),
            "rows": "all" if all_rows else "held-out"}
    run_id, adopted = _start(client, config.experiment, f"check {Path(oracle_file).name}", tags)
    _params(client, run_id, flatten(config.dataset.model_dump(mode="json", exclude_none=True), "dataset."))
    _metrics(client, run_id, [Metric(k, v, int(time.time() * 1000), 0) for k, v in result.metrics("check").items()])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "confusion.png"
        confusion_figure(result, f"{Path(oracle_file).name} vs {config.dataset.name}").savefig(path, dpi=110)
        client.log_artifact(run_id, str(path))
    if not adopted:
        client.set_terminated(run_id, "FINISHED")
    return run_id
