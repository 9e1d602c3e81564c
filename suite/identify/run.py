"""``alsuite identify`` end to end: targets, files, figures and one MLflow run.

Files written to ``out`` (and logged under the same names as artifacts of one MLflow
run, created with an explicit run id as :mod:`suite.tracking` does):

- ``targets/targets.csv``, ``targets/targets.parquet``: the exported points in
  physical units (the space's parameter names as columns) with ``uncertainty``,
  ``mean_prediction`` (committee-mean probability of *allowed*), ``random`` (true
  for the mixed-in random points), ``candidate`` (index in the candidate draw) and,
  for the pMSSM, ``m_gluino_approx`` / ``m_lsp_approx``;
- ``model/``: the learner and ``normalizer.json`` (:mod:`suite.identify.persist`);
- ``figures/projections.png`` and, where defined, ``figures/mass_plane.png``.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import mlflow
from mlflow.entities import Metric, Param, RunTag

from suite.identify.config import IdentifyConfig
from suite.identify.persist import save_scorer
from suite.identify.projections import choose_pairs, mass_plane_figure, projection_grid
from suite.identify.targets import IdentifyResult, approximate_masses, identify_targets
from suite.tracking import flatten

__all__ = ["IdentifyOutput", "run_identify", "write_outputs"]


@dataclass
class IdentifyOutput:
    """What :func:`run_identify` produced."""

    result: IdentifyResult
    out: Path
    files: list[Path]
    run_id: str | None = None


def write_outputs(config: IdentifyConfig, result: IdentifyResult, out: Path) -> list[Path]:
    """Write the targets, the model folder and the figures under ``out``; returns the files."""
    (out / "targets").mkdir(parents=True, exist_ok=True)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    files = [out / "targets" / "targets.csv", out / "targets" / "targets.parquet"]
    result.targets.to_csv(files[0], index=False, float_format="%.17g")
    result.targets.to_parquet(files[1], index=False)
    files += save_scorer(result.scorer, result.space, out / "model",
                         {"learner": config.learner, **config.learner_settings()})
    picked = result.targets[~result.targets.random][list(result.space.names)].to_numpy()
    if result.space.dimension >= 2:
        pairs = choose_pairs(result.space.names, picked, result.candidates, config.projection.n_pairs,
                             config.projection.pairs)
        fig = projection_grid(result.space, result.candidates, result.targets, pairs,
                              title=f"{config.name}: {len(picked)} most uncertain of {len(result.candidates)} candidates")
        files.append(out / "figures" / "projections.png")
        fig.savefig(files[-1], dpi=110)
        (out / "figures" / "pairs.json").write_text(json.dumps(
            [{"x": result.space.names[i], "y": result.space.names[j], "rho": rho} for i, j, rho in pairs], indent=2))
        files.append(out / "figures" / "pairs.json")
    masses = approximate_masses(result.space.names, result.candidates) if config.projection.mass_plane else None
    if masses is not None:
        fig = mass_plane_figure(masses, result.targets, title=f"{config.name}: approximate tree-level mass plane")
        files.append(out / "figures" / "mass_plane.png")
        fig.savefig(files[-1], dpi=110)
    return files


def _log(config: IdentifyConfig, result: IdentifyResult, out: Path, tracking_uri: str | None) -> str:
    client = mlflow.MlflowClient(tracking_uri)
    tags = {"role": "identify", "dataset": result.dataset.name, "learner": config.learner,
            "pool": result.dataset.pool_kind, "surrogate": str(result.dataset.surrogate).lower(),
            "profile": config.name}
    adopted = os.environ.get("MLFLOW_RUN_ID")
    if adopted:
        run_id = adopted
    else:
        if os.environ.get("MLFLOW_EXPERIMENT_ID"):
            experiment_id = os.environ["MLFLOW_EXPERIMENT_ID"]
        else:
            name = os.environ.get("MLFLOW_EXPERIMENT_NAME") or config.experiment
            found = client.get_experiment_by_name(name)
            experiment_id = found.experiment_id if found else client.create_experiment(name)
        run_id = client.create_run(experiment_id, run_name=config.name, tags=tags).info.run_id
    params = flatten(config.model_dump(exclude={"description"}))
    existing = client.get_run(run_id).data.params
    now = int(time.time() * 1000)
    client.log_batch(
        run_id,
        params=[Param(k, v[:6000]) for k, v in params.items() if k not in existing],
        tags=[RunTag(k, v) for k, v in tags.items()],
        metrics=[Metric(k, float(v), now, 0) for k, v in result.metrics().items()],
    )
    for sub in ("targets", "model", "figures"):
        if (out / sub).is_dir():
            client.log_artifacts(run_id, str(out / sub), sub)
    if not adopted:
        client.set_terminated(run_id, "FINISHED")
    return run_id


def run_identify(config: IdentifyConfig, out: str | Path, *, track: bool = True,
                 tracking_uri: str | None = None) -> IdentifyOutput:
    """Identify the targets of ``config``, write them under ``out`` and (if ``track``) log one MLflow run."""
    out = Path(out)
    result = identify_targets(config)
    files = write_outputs(config, result, out)
    run_id = _log(config, result, out, tracking_uri) if track else None
    return IdentifyOutput(result, out, files, run_id)
