"""Tiny studies on a 4-D hypersphere: grid cells, rejections, objectives, resumption, MLflow."""

import mlflow
import numpy as np
import optuna
import pytest
from optuna.trial import TrialState

from suite.benchmark import run_benchmark
from suite.errors import ConfigError
from suite.tuning import load_study_config, run_study
from suite.tuning.space import grid_cells, trial_config
from tests.suite.tuning.conftest import TINY_GRID, TINY_TPE


def _trials(path, name):
    return optuna.load_study(study_name=name, storage=optuna.storages.JournalStorage(
        optuna.storages.journal.JournalFileBackend(str(path)))).get_trials()


def _direct_final_accuracies(cfg, sizes):
    result = run_benchmark(trial_config(cfg, sizes), progress=False)
    curves = result.curves[result.curves.strategy == cfg.tuning.strategy]
    return [float(f.sort_values("step").accuracy.iloc[-1]) for _, f in curves.groupby("repeat")], result


@pytest.mark.mlflow
def test_grid_runs_each_valid_cell_once_and_tracks_parent_children_and_heatmap(tmp_path, tracking_uri):
    cfg = load_study_config("tune-quick", TINY_GRID + ["tuning.study=g"])
    storage = str(tmp_path / "s.journal")
    summary = run_study(cfg, storage=storage)
    assert summary.states == {"COMPLETE": 6} and summary.total == 6 and len(summary.excluded) == 3
    trials = _trials(storage, "g")
    cells = [(t.params["size_sample"], t.params["size_select"]) for t in trials]
    assert sorted(cells) == [(50, 30), (100, 30), (100, 60), (400, 30), (400, 60), (400, 120)]
    for t in trials:  # reported at step = iteration index: 1 + ceil(120 / size_select) models
        assert sorted(t.intermediate_values) == list(range(1 + -(-120 // t.params["size_select"])))
    finals, _ = _direct_final_accuracies(cfg, {"size_sample": 100, "size_select": 60})
    cell = next(t for t in trials if (t.params["size_sample"], t.params["size_select"]) == (100, 60))
    assert cell.user_attrs["final_accuracies"] == pytest.approx(finals)
    assert cell.value == pytest.approx(np.mean(finals))

    client = mlflow.MlflowClient(tracking_uri)
    parent = client.get_run(summary.parent_run_id)
    assert parent.info.status == "FINISHED"
    assert parent.data.tags["optuna_study"] == "g" and parent.data.tags["role"] == "study"
    assert parent.data.metrics["trials"] == 6 and parent.data.metrics["best.accuracy"] == pytest.approx(
        max(t.value for t in trials))
    children = client.search_runs([parent.info.experiment_id], f"tags.mlflow.parentRunId = '{parent.info.run_id}'")
    assert sorted(int(c.data.tags["optuna_trial"]) for c in children) == list(range(6))
    child = next(c for c in children if c.data.tags["optuna_trial"] == str(cell.number))
    assert (child.data.params["size_sample"], child.data.params["size_select"]) == ("100", "60")
    assert child.data.metrics["objective.accuracy"] == pytest.approx(cell.value)
    assert [m.step for m in client.get_metric_history(child.info.run_id, "accuracy")] == [40, 100, 160]
    figures = {a.path for a in client.list_artifacts(parent.info.run_id, "figures")}
    assert {"figures/fig8_heatmap.png", "figures/fig7_size_sample.png", "figures/optimization_history.png",
            "figures/param_importances.png"} <= figures
    assert [a.path for a in client.list_artifacts(parent.info.run_id, "summary")] == ["summary/trials.csv"]


def test_tpe_rejects_invalid_sizes_without_running_them(tmp_path):
    cfg = load_study_config("tune-quick", TINY_TPE + [
        "tuning.study=r", "tuning.space.size_sample={low: 20, high: 100}", "benchmark.repeats=1"])
    storage = str(tmp_path / "s.journal")
    run_study(cfg, storage=storage, trials=10, track=False)
    trials = _trials(storage, "r")
    assert len(trials) == 10
    rejected = [t for t in trials if t.params["size_select"] > t.params["size_sample"]]
    assert rejected, "the seeded search should propose at least one invalid pair"
    for t in rejected:
        assert t.state == TrialState.PRUNED
        assert t.user_attrs["rejected"] == (f"size_select must be at most size_sample ({t.params['size_sample']}), "
                                           f"but got size_select={t.params['size_select']}")
        assert t.intermediate_values == {} and "final_accuracies" not in t.user_attrs
    for t in [t for t in trials if t not in rejected]:
        assert t.state in (TrialState.COMPLETE, TrialState.PRUNED) and "rejected" not in t.user_attrs


def test_resumed_study_continues_to_the_requested_total(tmp_path):
    cfg = load_study_config("tune-quick", TINY_TPE + ["tuning.study=res", "benchmark.repeats=1"])
    storage = str(tmp_path / "s.journal")
    assert run_study(cfg, storage=storage, trials=3, track=False).ran_here == 3
    second = run_study(cfg, storage=storage, trials=5, track=False)
    assert (second.n_trials, second.ran_here) == (5, 2)
    assert run_study(cfg, storage=storage, trials=5, track=False).ran_here == 0
    assert [t.number for t in _trials(storage, "res")] == [0, 1, 2, 3, 4]


def test_grid_resumes_with_the_cells_not_yet_run(tmp_path):
    cfg = load_study_config("tune-quick", TINY_GRID + ["tuning.study=gr", "benchmark.repeats=1"])
    storage = str(tmp_path / "s.journal")
    run_study(cfg, storage=storage, trials=2, track=False)
    summary = run_study(cfg, storage=storage, track=False)
    assert (summary.n_trials, summary.ran_here) == (6, 4)
    cells = [(t.params["size_sample"], t.params["size_select"]) for t in _trials(storage, "gr")]
    assert cells == [(c["size_sample"], c["size_select"]) for c in grid_cells(cfg)[0]]


def test_resuming_with_another_search_is_refused(tmp_path):
    storage = str(tmp_path / "s.journal")
    run_study(load_study_config("tune-quick", TINY_GRID + ["tuning.study=x", "benchmark.repeats=1"]),
              storage=storage, trials=1, track=False)
    other = load_study_config("tune-quick", TINY_GRID + ["tuning.study=x", "benchmark.repeats=1",
                                                         "tuning.grid.size_select=[30]"])
    with pytest.raises(ConfigError, match=r"study 'x' in .*s.journal exists with a different search"):
        run_study(other, storage=storage, track=False)


def test_gain_objective_is_the_median_gain_against_random(tmp_path):
    cfg = load_study_config("tune-quick", TINY_GRID + [
        "tuning.study=gain", "tuning.objectives=gain", "tuning.grid.size_sample=[400]", "tuning.grid.size_select=[30]",
        "benchmark.repeats=3"])
    storage = str(tmp_path / "s.journal")
    run_study(cfg, storage=storage, track=False)
    (trial,) = _trials(storage, "gain")
    _, result = _direct_final_accuracies(cfg, {"size_sample": 400, "size_select": 30})
    gains = [result.gains["rf-qbc"][r].gain for r in range(3)]
    assert trial.user_attrs["gains"] == pytest.approx(gains)
    assert trial.value == pytest.approx(float(np.median(gains)))


def test_multi_objective_accuracy_vs_labels_spent(tmp_path):
    cfg = load_study_config("tune-quick", TINY_TPE + [
        "tuning.study=mo", "tuning.objectives=[accuracy, labels]", "tuning.space.size_max={low: 100, high: 160}",
        "benchmark.repeats=1"])
    storage = str(tmp_path / "s.journal")
    summary = run_study(cfg, storage=storage, trials=4, track=False)
    trials = _trials(storage, "mo")
    assert len(trials) == 4 and summary.best
    for t in trials:
        if t.state == TrialState.COMPLETE:
            assert t.values[1] == t.params["size_max"]  # the loop stops exactly at the budget
            assert t.values[0] == pytest.approx(t.user_attrs["final_accuracies"][0])
            assert t.intermediate_values == {}  # no pruning reports in a multi-objective study


@pytest.mark.slow
@pytest.mark.mlflow
def test_quick_profile_runs_the_reduced_fig8_grid_on_susyai(tmp_path, tracking_uri, susyai_file, monkeypatch):
    monkeypatch.setenv("ALSUITE_DATA_DIR", str(susyai_file.parent))
    cfg = load_study_config("tune-quick")
    summary = run_study(cfg, storage=str(tmp_path / "q.journal"))
    assert summary.states == {"COMPLETE": 8} and len(summary.excluded) == 1
    assert 0.75 < summary.best[0]["accuracy"] < 0.95  # 5,000 labels, 20 trees (measured: 0.82-0.83)
    figures = {a.path for a in mlflow.MlflowClient(tracking_uri).list_artifacts(summary.parent_run_id, "figures")}
    assert "figures/fig8_heatmap.png" in figures
