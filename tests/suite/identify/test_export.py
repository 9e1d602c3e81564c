"""The exported files: physical values round-trip, the saved model reproduces the scores, MLflow holds one run."""

from __future__ import annotations

import json

import mlflow
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from suite.cli import app
from suite.identify import IdentifyConfig, identify_targets, load_scorer
from suite.identify.run import write_outputs

runner = CliRunner()


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    cfg = IdentifyConfig(dataset={"name": "hypersphere", "dimension": 3}, learner="forest", random_fraction=0.1,
                         forest={"n_estimators": 20, "n_jobs": 1}, size_initial=1000, size_sample=5000, size_select=200)
    result = identify_targets(cfg)
    out = tmp_path_factory.mktemp("identify")
    write_outputs(cfg, result, out)
    return result, out


@pytest.mark.parametrize("reader", [lambda p: pd.read_csv(p / "targets.csv"), lambda p: pd.read_parquet(p / "targets.parquet")])
def test_export_round_trips_to_the_same_physical_values(exported, reader):
    result, out = exported
    back = reader(out / "targets")
    assert list(back.columns) == ["candidate", "x0", "x1", "x2", "uncertainty", "mean_prediction", "random"]
    np.testing.assert_array_equal(back[["x0", "x1", "x2"]].to_numpy(), result.candidates[back.candidate])
    np.testing.assert_array_equal(back.uncertainty.to_numpy(), result.targets.uncertainty.to_numpy())
    assert back.random.astype(bool).sum() == 20


def test_the_saved_model_and_normaliser_reproduce_the_scores(exported):
    result, out = exported
    back = pd.read_parquet(out / "targets" / "targets.parquet")
    scorer = load_scorer(out / "model")
    mean, uncertainty = scorer.score(back[scorer.names].to_numpy())
    np.testing.assert_array_equal(mean, back.mean_prediction.to_numpy())
    np.testing.assert_array_equal(uncertainty, back.uncertainty.to_numpy())
    saved = json.loads((out / "model" / "normalizer.json").read_text())
    assert saved["names"] == ["x0", "x1", "x2"] and saved["kind"] == "box"
    # the unit cube's box convention: centre 0.5, scale 1/sqrt(12)
    assert saved["center"] == [0.5] * 3 and saved["scale"] == pytest.approx([1 / np.sqrt(12)] * 3)
    pairs = json.loads((out / "figures" / "pairs.json").read_text())
    assert len(pairs) == 3 and (out / "figures" / "projections.png").stat().st_size > 10_000


def test_load_scorer_names_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"is not an identify model folder: learner.json is missing"):
        load_scorer(tmp_path)


@pytest.mark.mlflow
def test_cli_logs_one_mlflow_run_with_the_artifacts(tracking_uri, tmp_path):
    args = ["identify", "identify-quick", "--out", str(tmp_path / "out"), "--set", "size_sample=3000",
            "--set", "size_select=100", "--set", "size_initial=800", "--set", "forest.n_estimators=10"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    client = mlflow.MlflowClient(tracking_uri)
    runs = client.search_runs([client.get_experiment_by_name("alsuite").experiment_id])
    assert len(runs) == 1
    run = runs[0]
    assert run.data.tags["role"] == "identify" and run.data.tags["learner"] == "forest"
    assert run.data.metrics["n_targets"] == 100 and run.data.metrics["n_train"] == 800
    assert run.data.params["size_sample"] == "3000"
    listed = {f.path for sub in ("targets", "model", "figures") for f in client.list_artifacts(run.info.run_id, sub)}
    assert {"targets/targets.csv", "targets/targets.parquet", "model/forest.joblib", "model/normalizer.json",
            "model/learner.json", "figures/projections.png", "figures/pairs.json"} <= listed
    assert f"MLflow run {run.info.run_id}" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["identify", "nope"], "error: unknown identify profile 'nope'"),
        (["identify", "--set", "size_select=30000"], "size_select must be at most size_sample (20000)"),
        (["identify", "--set", "learner=svm"], "learner: Input should be 'qbdc' or 'forest'"),
        (["identify", "--set", "projection.pairs=x0:x0"], "a projection pair needs two different parameters"),
        (["identify", "--set", "dataset.fraction=0.999999", "--set", "size_initial=20", "--no-track"],
         "there is no boundary to identify"),
    ],
)
def test_cli_user_errors_are_one_line(args, message, tmp_path):
    result = runner.invoke(app, [*args, "--out", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
