"""End to end on an analytic oracle: the MLflow layout, steps, gains and reproducibility."""

import mlflow
import numpy as np
import pandas as pd
import pytest

from suite.benchmark import run_benchmark
from suite.config import load_config
from suite.gain import compute_gain
from suite.tracking import Tracker

pytestmark = pytest.mark.mlflow

TINY = ["dataset.name=hypersphere", "dataset.dimension=4", "dataset.fraction=0.3", "size_initial=40",
        "size_sample=400", "size_select=30", "size_max=160", "size_test=3000", "repeats=2",
        "forest.n_estimators=8", "seed=3", "name=tiny"]


def _metrics_free_of_timing(curves: pd.DataFrame) -> pd.DataFrame:
    return curves.drop(columns=[c for c in curves if c.endswith("_seconds")])


def test_benchmark_logs_parent_children_steps_and_gain(tracking_uri):
    cfg = load_config("quick", TINY)
    result = run_benchmark(cfg, tracker=Tracker(cfg), progress=False)
    client = mlflow.MlflowClient(tracking_uri)
    parent = client.get_run(result.parent_run_id)
    assert parent.info.status == "FINISHED"
    assert parent.data.tags["dataset"] == "hypersphere" and parent.data.tags["pool"] == "infinite"
    assert parent.data.params["size_select"] == "30" and parent.data.params["forest.n_estimators"] == "8"

    children = client.search_runs(
        [parent.info.experiment_id], f"tags.mlflow.parentRunId = '{parent.info.run_id}'")
    assert sorted((c.data.tags["strategy"], c.data.tags["repeat"]) for c in children) == [
        ("rf-qbc", "0"), ("rf-qbc", "1"), ("rf-random", "0"), ("rf-random", "1")]
    for child in children:
        tags = child.data.tags
        assert [tags[k] for k in ("learner", "pool", "surrogate", "dataset")] == [
            "forest", "infinite", "false", "hypersphere"]
        assert tags["selector"] == ("uncertainty" if tags["strategy"] == "rf-qbc" else "random")
        assert child.info.status == "FINISHED"
        history = client.get_metric_history(child.info.run_id, "accuracy")
        assert [m.step for m in history] == [40, 70, 100, 130, 160]
        for name in ("auc", "brier", "log_loss", "f1", "precision", "recall", "fit_seconds",
                     "select_seconds", "label_seconds", "oracle_calls"):
            assert len(client.get_metric_history(child.info.run_id, name)) == 5, name

    curves = result.curves
    for child in children:
        if child.data.tags["strategy"] != "rf-qbc":
            continue
        r = int(child.data.tags["repeat"])
        act = curves[(curves.strategy == "rf-qbc") & (curves.repeat == r)]
        ran = curves[(curves.strategy == "rf-random") & (curves.repeat == r)]
        expected = compute_gain(ran.step, ran.accuracy, act.step, act.accuracy)
        assert child.data.metrics["gain"] == pytest.approx(expected.gain)
        assert result.gains["rf-qbc"][r] == expected
    values = sorted(g.gain for g in result.gains["rf-qbc"].values())
    assert parent.data.metrics["gain_min.rf-qbc"] == pytest.approx(values[0])
    assert parent.data.metrics["gain_max.rf-qbc"] == pytest.approx(values[-1])
    assert parent.data.metrics["gain_median.rf-qbc"] == pytest.approx(np.median(values))

    artifacts = {a.path for a in client.list_artifacts(parent.info.run_id, "figures")}
    assert "figures/learning_curve_accuracy.png" in artifacts
    summary = {a.path for a in client.list_artifacts(parent.info.run_id, "summary")}
    assert summary == {"summary/curves.csv", "summary/gains.csv", "summary/summary.json"}


def test_paired_design_and_reproducibility():
    cfg = load_config("quick", TINY)
    a = run_benchmark(cfg, progress=False)
    b = run_benchmark(cfg, progress=False)
    pd.testing.assert_frame_equal(_metrics_free_of_timing(a.curves), _metrics_free_of_timing(b.curves))
    first = a.curves[a.curves.step == 40].pivot(index="repeat", columns="strategy", values="accuracy")
    np.testing.assert_array_equal(first["rf-random"], first["rf-qbc"])  # same initial set, test set, model
    assert first.loc[0, "rf-random"] != first.loc[1, "rf-random"]     # repeats differ


def test_a_repeat_run_alone_equals_the_same_repeat_in_a_full_run():
    cfg = load_config("quick", TINY)
    full = run_benchmark(cfg, progress=False).curves
    alone = run_benchmark(cfg, repeats=[1], progress=False).curves
    cols = ["strategy", "repeat", "step", "accuracy", "auc"]
    pd.testing.assert_frame_equal(full[full.repeat == 1][cols].reset_index(drop=True), alone[cols])
    with pytest.raises(ValueError, match=r"repeat indices must lie in \[0, 2\)"):
        run_benchmark(cfg, repeats=[2], progress=False)


def test_active_learning_beats_random_on_a_sphere():
    cfg = load_config("demo-hypersphere", ["repeats=2"])
    result = run_benchmark(cfg, progress=False)
    assert all(g.gain > 1.0 for g in result.gains["rf-qbc"].values())


def test_failed_run_is_marked_failed(tracking_uri, monkeypatch):
    cfg = load_config("quick", TINY)
    tracker = Tracker(cfg)

    def boom(*args, **kwargs):
        raise RuntimeError("learner exploded")

    monkeypatch.setattr("suite.benchmark.run_loop", boom)
    with pytest.raises(RuntimeError, match="learner exploded"):
        run_benchmark(cfg, tracker=tracker, progress=False)
    client = mlflow.MlflowClient(tracking_uri)
    assert client.get_run(tracker.parent_run_id).info.status == "FAILED"
    (child_id,) = tracker._children.values()
    assert client.get_run(child_id).info.status == "FAILED"


@pytest.mark.slow
@pytest.mark.keras
def test_quick_profile_on_susyai_shows_a_gain(tracking_uri, susyai_file, monkeypatch):
    monkeypatch.setenv("ALSUITE_DATA_DIR", str(susyai_file.parent))
    cfg = load_config("quick")
    result = run_benchmark(cfg, tracker=Tracker(cfg), progress=False)
    assert np.median([g.gain for g in result.gains["rf-qbc"].values()]) > 1.0
