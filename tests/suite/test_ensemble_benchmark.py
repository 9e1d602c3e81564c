"""ensemble-qbc vs ensemble-random end to end: MLflow params and tags, step counts, reproducibility, studies."""

import mlflow
import numpy as np
import pytest

from suite.benchmark import run_benchmark
from suite.config import load_config
from suite.errors import ConfigError
from suite.tracking import Tracker
from suite.tuning.config import load_study_config
from suite.tuning.space import trial_config

TINY = ["dataset.name=hypersphere", "dataset.dimension=3", "dataset.fraction=0.3", "size_initial=60",
        "size_sample=600", "size_select=40", "size_max=180", "size_test=2000", "repeats=1", "seed=5",
        "name=tiny-ensemble", "strategies=ensemble-random,ensemble-qbc", "ensemble.n_members=4",
        "ensemble.hidden_units=[16,16]", "ensemble.epochs=8", "ensemble.patience=8", "ensemble.batch_size=32"]


@pytest.mark.keras
@pytest.mark.mlflow
def test_ensemble_qbc_runs_end_to_end_with_exact_steps(tracking_uri):
    cfg = load_config("quick", [*TINY, "strategies=ensemble-qbc", "ensemble.epochs=4"])
    result = run_benchmark(cfg, tracker=Tracker(cfg), progress=False)
    assert result.curves.step.tolist() == [60, 100, 140, 180]
    assert result.curves.oracle_calls.tolist() == [60, 100, 140, 180]     # every label from the oracle, once
    run = mlflow.MlflowClient(tracking_uri).get_run(result.parent_run_id)
    assert run.data.params["ensemble.n_members"] == "4" and run.data.params["ensemble.epochs"] == "4"


@pytest.mark.slow
@pytest.mark.keras
@pytest.mark.mlflow
def test_ensemble_benchmark_logs_its_settings_and_exact_steps(tracking_uri):
    cfg = load_config("quick", [*TINY, "selection.measure=bald"])
    result = run_benchmark(cfg, tracker=Tracker(cfg), progress=False)
    client = mlflow.MlflowClient(tracking_uri)
    parent = client.get_run(result.parent_run_id)
    assert parent.data.params["ensemble.n_members"] == "4" and parent.data.params["selection.measure"] == "bald"
    children = client.search_runs([parent.info.experiment_id], f"tags.mlflow.parentRunId = '{parent.info.run_id}'")
    assert sorted(c.data.tags["strategy"] for c in children) == ["ensemble-qbc", "ensemble-random"]
    for child in children:
        tags, params = child.data.tags, child.data.params
        assert (tags["learner"], tags["keras_backend"], tags["device"]) == ("ensemble", "tensorflow", "cpu")
        assert params["ensemble.n_members"] == "4" and params["ensemble.hidden_units"] == "(16, 16)"
        assert params["ensemble.bootstrap"] == "False" and "network.n_passes" not in params
        assert [m.step for m in client.get_metric_history(child.info.run_id, "accuracy")] == [60, 100, 140, 180]
    curves = result.curves
    first = curves[curves.step == 60].set_index("strategy").accuracy
    assert first["ensemble-qbc"] == first["ensemble-random"]             # same first ensemble
    assert set(result.gains) == {"ensemble-qbc"}
    again = run_benchmark(cfg, progress=False).curves
    np.testing.assert_array_equal(again.accuracy.to_numpy(), curves.accuracy.to_numpy())  # same seed, same run


def test_ensemble_settings_are_validated():
    with pytest.raises(ConfigError, match=r"ensemble\.n_members: Input should be greater than 0"):
        load_config("quick", ["ensemble.n_members=0"])
    with pytest.raises(ConfigError, match=r"ensemble\.dropout: is not a known setting"):
        load_config("quick", ["ensemble.dropout=0.2"])
    assert load_config("quick", ["ensemble.n_members=5"]).learner_params("ensemble")["n_members"] == 5


def test_a_study_accepts_ensemble_qbc():
    study = load_study_config("tune-quick", ["tuning.strategy=ensemble-qbc", "tuning.objectives=gain",
                                             "benchmark.ensemble.n_members=3"])
    assert study.strategies == ["ensemble-random", "ensemble-qbc"]
    trial = trial_config(study, {"size_sample": 2000, "size_select": 500})
    assert trial.strategies == ["ensemble-random", "ensemble-qbc"] and trial.ensemble.n_members == 3


@pytest.mark.keras
def test_a_study_of_ensemble_qbc_runs_its_trials_on_the_gain(tmp_path):
    from suite.tuning import run_study
    from tests.suite.tuning.conftest import TINY_TPE

    tiny_ensemble = ["benchmark.ensemble.n_members=3", "benchmark.ensemble.hidden_units=[16,16]",
                     "benchmark.ensemble.epochs=4", "benchmark.ensemble.patience=4", "benchmark.ensemble.batch_size=32",
                     "benchmark.repeats=1"]
    cfg = load_study_config("tune-quick", [*TINY_TPE, *tiny_ensemble, "tuning.strategy=ensemble-qbc",
                                           "tuning.objectives=gain", "tuning.study=ens"])
    summary = run_study(cfg, storage=str(tmp_path / "s.journal"), trials=2, track=False)
    assert summary.ran_here == 2 and summary.states == {"COMPLETE": 2}
    assert all(best["gain"] >= 0.0 for best in summary.best)
