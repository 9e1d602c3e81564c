"""QBDC vs nn-random end to end on an analytic oracle: MLflow layout, tags, gain, reproducibility."""

import mlflow
import numpy as np
import pytest

from suite.benchmark import run_benchmark
from suite.config import load_config
from suite.errors import ConfigError
from suite.gain import compute_gain
from suite.tracking import Tracker

TINY = ["dataset.name=hypersphere", "dataset.dimension=3", "dataset.fraction=0.3", "size_initial=60",
        "size_sample=600", "size_select=40", "size_max=180", "size_test=2000", "repeats=2", "seed=5",
        "name=tiny-qbdc", "network.hidden_units=[16,16]", "network.n_passes=8", "network.epochs=8",
        "network.patience=8", "network.batch_size=32"]


@pytest.mark.keras
@pytest.mark.mlflow
def test_qbdc_benchmark_logs_the_forest_layout_and_a_gain(tracking_uri):
    cfg = load_config("quick-qbdc", TINY)
    result = run_benchmark(cfg, tracker=Tracker(cfg), progress=False)
    client = mlflow.MlflowClient(tracking_uri)
    parent = client.get_run(result.parent_run_id)
    assert parent.info.status == "FINISHED" and parent.data.tags["strategies"] == "nn-random,qbdc"
    assert parent.data.params["network.n_passes"] == "8" and parent.data.params["selection.measure"] == "eq1"

    children = client.search_runs([parent.info.experiment_id], f"tags.mlflow.parentRunId = '{parent.info.run_id}'")
    assert sorted((c.data.tags["strategy"], c.data.tags["repeat"]) for c in children) == [
        ("nn-random", "0"), ("nn-random", "1"), ("qbdc", "0"), ("qbdc", "1")]
    for child in children:
        tags, params = child.data.tags, child.data.params
        assert (tags["learner"], tags["keras_backend"], tags["device"]) == ("dropout", "tensorflow", "cpu")
        assert tags["selector"] == ("uncertainty" if tags["strategy"] == "qbdc" else "random")
        assert params["network.hidden_units"] == "(16, 16)" and "forest.n_estimators" not in params
        assert [m.step for m in client.get_metric_history(child.info.run_id, "accuracy")] == [60, 100, 140, 180]
        assert len(client.get_metric_history(child.info.run_id, "log_loss")) == 4

    curves = result.curves
    first = curves[curves.step == 60].pivot(index="repeat", columns="strategy", values="accuracy")
    np.testing.assert_array_equal(first["nn-random"], first["qbdc"])   # same first network, same passes
    for child in (c for c in children if c.data.tags["strategy"] == "qbdc"):
        r = int(child.data.tags["repeat"])
        act = curves[(curves.strategy == "qbdc") & (curves.repeat == r)]
        ran = curves[(curves.strategy == "nn-random") & (curves.repeat == r)]
        expected = compute_gain(ran.step, ran.accuracy, act.step, act.accuracy)
        assert result.gains["qbdc"][r] == expected and child.data.metrics["gain"] == pytest.approx(expected.gain)
    values = sorted(g.gain for g in result.gains["qbdc"].values())
    assert parent.data.metrics["gain_median.qbdc"] == pytest.approx(np.median(values))

    again = run_benchmark(cfg, repeats=[1], progress=False).curves
    mine = curves[curves.repeat == 1].reset_index(drop=True)
    np.testing.assert_array_equal(again.accuracy.to_numpy(), mine.accuracy.to_numpy())  # same seed, same run


def test_paper_and_quick_qbdc_profiles():
    paper = load_config("paper-qbdc")
    assert (paper.size_initial, paper.size_select, paper.size_sample, paper.size_max, paper.size_test,
            paper.repeats) == (10_000, 2_500, 100_000, 100_000, 1_000_000, 7)
    assert paper.network.n_passes == 25 and paper.network.hidden_units == (500, 100, 100, 50)
    assert paper.network.dropout == 0.2 and paper.strategies == ["nn-random", "qbdc"]
    quick = load_config("quick-qbdc")
    assert quick.dataset.name == "susyai" and quick.network.n_passes == 25


def test_network_settings_are_validated():
    with pytest.raises(ConfigError, match=r"network\.dropout: Input should be less than 1.*got 1\.0"):
        load_config("quick-qbdc", ["network.dropout=1.0"])
    with pytest.raises(ConfigError, match=r"network\.optimizer: Input should be 'adam'.*got 'lbfgs'"):
        load_config("quick-qbdc", ["network.optimizer=lbfgs"])
    with pytest.raises(ConfigError, match=r"selection\.measure: Input should be 'eq1', 'vote_std', 'vote_entropy' or 'bald'"):
        load_config("quick-qbdc", ["selection.measure=margin"])
    with pytest.raises(ConfigError, match=r"network\.hidden_units\.1: Input should be greater than 0"):
        load_config("quick-qbdc", ["network.hidden_units=[8,0]"])
    assert load_config("quick-qbdc", ["network.hidden_units=[8,4]"]).network.hidden_units == (8, 4)


@pytest.mark.slow
@pytest.mark.keras
def test_quick_qbdc_on_susyai_shows_a_gain(tracking_uri, susyai_file, monkeypatch):
    monkeypatch.setenv("ALSUITE_DATA_DIR", str(susyai_file.parent))
    cfg = load_config("quick-qbdc")
    result = run_benchmark(cfg, tracker=Tracker(cfg), progress=False)
    assert np.median([g.gain for g in result.gains["qbdc"].values()]) > 1.0
