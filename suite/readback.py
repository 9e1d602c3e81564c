"""Read finished benchmarks back from MLflow: by parent run id or by experiment name.

Works against any tracking URI (a local SQLite file, a shared server), so repeats
launched on several machines (``alsuite run ... --repeat K``, each its own parent
run with the same configuration) are merged here afterwards:

- parent runs are grouped by their configuration (their params; ``MLFLOW_*``
  bookkeeping aside), and one :class:`RunSet` is built per group;
- runs given explicitly must share one configuration, or reading stops with an
  error naming the differing settings;
- a (strategy, repeat) that appears in several parents is kept once (the earliest
  finished child) and listed in :attr:`RunSet.duplicates`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import mlflow
import pandas as pd
from mlflow.entities import Run
from mlflow.exceptions import MlflowException

from suite.metrics import SCORE_NAMES

__all__ = ["RunSet", "read_runs"]

STEP_METRICS = (*SCORE_NAMES, "fit_seconds", "score_seconds", "select_seconds", "label_seconds", "oracle_calls")


@dataclass
class RunSet:
    """Every child curve of parent runs that share one configuration."""

    params: dict[str, str]
    parent_run_ids: list[str]
    curves: pd.DataFrame
    tags: dict[str, str] = field(default_factory=dict)
    duplicates: list[tuple[str, int, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.params.get("name", "benchmark")

    @property
    def strategies(self) -> list[str]:
        return list(dict.fromkeys(self.curves.strategy))


def _config_key(run: Run) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(run.data.params.items()))


def _parents(client: mlflow.MlflowClient, target: str) -> list[Run]:
    try:
        run = client.get_run(target)
    except MlflowException:
        run = None
    if run is not None:
        if "mlflow.parentRunId" in run.data.tags:
            raise ValueError(f"run {target} is a child run (strategy {run.data.tags.get('strategy')!r}); "
                             f"give its parent, {run.data.tags['mlflow.parentRunId']}.")
        return [run]
    experiment = client.get_experiment_by_name(target)
    if experiment is None:
        names = [e.name for e in client.search_experiments()]
        raise ValueError(f"{target!r} is neither a run id nor an experiment at {client.tracking_uri}; "
                         f"experiments there: {names}.")
    runs = client.search_runs([experiment.experiment_id], "tags.role = 'benchmark' and attributes.status = 'FINISHED'",
                              max_results=5000, order_by=["attributes.start_time ASC"])
    if not runs:
        raise ValueError(f"experiment {target!r} holds no finished benchmark runs.")
    return list(runs)


def _child_curves(client: mlflow.MlflowClient, child: Run) -> pd.DataFrame:
    columns: dict[str, dict[int, float]] = {}
    for name in STEP_METRICS:
        if name in child.data.metrics:
            columns[name] = {m.step: m.value for m in client.get_metric_history(child.info.run_id, name)}
    frame = pd.DataFrame(columns).sort_index()
    frame.index.name = "step"
    frame = frame.reset_index()
    frame.insert(0, "iteration", range(len(frame)))
    frame.insert(0, "repeat", int(child.data.tags["repeat"]))
    frame.insert(0, "strategy", child.data.tags["strategy"])
    return frame


def _merge(client: mlflow.MlflowClient, parents: list[Run]) -> RunSet:
    seen: dict[tuple[str, int], str] = {}
    duplicates: list[tuple[str, int, str]] = []
    frames = []
    for parent in parents:
        children = client.search_runs(
            [parent.info.experiment_id],
            f"tags.mlflow.parentRunId = '{parent.info.run_id}' and attributes.status = 'FINISHED'",
            max_results=5000, order_by=["attributes.start_time ASC"])
        for child in children:
            key = (child.data.tags["strategy"], int(child.data.tags["repeat"]))
            if key in seen:
                duplicates.append((*key, child.info.run_id))
                continue
            seen[key] = child.info.run_id
            frames.append(_child_curves(client, child))
    if not frames:
        raise ValueError(f"parent runs {[p.info.run_id for p in parents]} have no finished child runs to report on.")
    curves = pd.concat(frames, ignore_index=True).sort_values(["strategy", "repeat", "step"], kind="stable")
    order = list(dict.fromkeys(s for p in parents for s in p.data.tags.get("strategies", "").split(",") if s))
    rank = {s: i for i, s in enumerate(order)}
    curves = curves.sort_values(["strategy", "repeat", "step"], key=lambda c: c.map(rank) if c.name == "strategy" else c,
                                kind="stable").reset_index(drop=True)
    return RunSet(dict(parents[0].data.params), [p.info.run_id for p in parents], curves,
                  dict(parents[0].data.tags), duplicates)


def read_runs(targets: Sequence[str], *, tracking_uri: str | None = None) -> list[RunSet]:
    """Read parent runs (ids) or whole experiments (names) into one RunSet per configuration.

    Raises
    ------
    ValueError
        For unknown targets, child run ids, runs without finished children, or run
        ids given together that differ in configuration.
    """
    if not targets:
        raise ValueError("give at least one parent run id or experiment name.")
    uri = tracking_uri or mlflow.get_tracking_uri()
    if uri.startswith("sqlite:///") and not Path(uri.removeprefix("sqlite:///")).is_file():
        raise ValueError(f"there is no MLflow store at {uri}; run a benchmark here first, or point "
                         "--tracking-uri (or MLFLOW_TRACKING_URI) at the store that holds the runs.")
    client = mlflow.MlflowClient(uri)
    groups: dict[tuple[tuple[str, str], ...], list[Run]] = {}
    explicit: list[Run] = []
    for target in targets:
        parents = _parents(client, target)
        if len(parents) == 1 and parents[0].info.run_id == target:
            explicit.append(parents[0])
        for run in parents:
            group = groups.setdefault(_config_key(run), [])
            if all(r.info.run_id != run.info.run_id for r in group):
                group.append(run)
    if explicit and len(groups) > 1:
        first, *rest = (dict(k) for k in groups)
        differing = sorted({k for other in rest for k in set(first) | set(other) if first.get(k) != other.get(k)})
        raise ValueError(f"the runs given have different configurations (settings {differing} differ); "
                         f"report on them separately or give the experiment name to report per configuration.")
    return [_merge(client, runs) for runs in groups.values()]
