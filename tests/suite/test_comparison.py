"""The report reads finished runs back from a local MLflow store and writes every artifact."""

import json

import mlflow
import pandas as pd
import pytest

from suite.benchmark import run_benchmark
from suite.comparison import report_runs
from suite.config import load_config
from suite.readback import read_runs
from suite.tracking import Tracker

pytestmark = pytest.mark.mlflow

TINY = ["dataset.name=hypersphere", "dataset.dimension=4", "dataset.fraction=0.3", "size_initial=40",
        "size_sample=400", "size_select=30", "size_max=160", "size_test=3000", "repeats=2",
        "forest.n_estimators=8", "seed=3", "name=tiny"]
FILES = {"learning_curve_accuracy.png", "learning_curve_auc.png", "cost_gain.png", "curves.csv", "gains.csv",
         "gains_per_repeat.csv", "areas.csv", "significance.csv", "cost_gain.csv", "cost_gain_per_repeat.csv",
         "break_even.csv", "report.json", "report.md"}


def _run(overrides, repeats):
    cfg = load_config("quick", overrides)
    return run_benchmark(cfg, tracker=Tracker(cfg), repeats=repeats, progress=False)


def test_report_merges_separately_launched_repeats_and_writes_every_artifact(tracking_uri, tmp_path):
    first, second = _run(TINY, [0]), _run(TINY, [1])
    again = _run(TINY, [1])  # the same repeat launched twice (e.g. on another machine)
    (report, folder), = report_runs(["alsuite"], out=tmp_path / "rep")
    assert folder == tmp_path / "rep" and {p.name for p in folder.iterdir()} == FILES
    assert report.runs.parent_run_ids == [first.parent_run_id, second.parent_run_id, again.parent_run_id]
    assert sorted((s, r) for s, r, _ in report.runs.duplicates) == [("rf-qbc", 1), ("rf-random", 1)]

    expected = pd.concat([first.curves, second.curves], ignore_index=True)
    got = report.runs.curves
    assert len(got) == len(expected) == 20
    both = got.merge(expected, on=["strategy", "repeat", "step"], suffixes=("", "_run"), validate="1:1")
    assert len(both) == 20
    for col in ("accuracy", "auc", "oracle_calls", "fit_seconds"):
        assert both[col].tolist() == pytest.approx(both[f"{col}_run"].tolist()), col
    per_repeat = report.gains_per_repeat.set_index("repeat").gain
    assert per_repeat[0] == pytest.approx(first.gains["rf-qbc"][0].gain)
    assert per_repeat[1] == pytest.approx(second.gains["rf-qbc"][1].gain)
    row = report.gains.iloc[0]
    assert row.gain_repeats == 2 and row.gain_ci95_low <= row.gain_median <= row.gain_ci95_high
    tests = report.significance.set_index("quantity")
    assert tests.loc["area_accuracy", "repeats"] == 2
    assert tests.loc["area_accuracy", "p_value"] in (0.5, 1.0)  # the only values an exact test on 2 pairs gives
    assert len(report.cost) == 37 and set(report.break_even.repeat) == {0, 1}

    summary = json.loads((folder / "report.json").read_text())
    assert summary["pairs"] == {"rf-qbc": "rf-random"} and len(summary["notes"]) == 2
    client = mlflow.MlflowClient(tracking_uri)
    for run_id in report.runs.parent_run_ids:
        logged = {a.path for a in client.list_artifacts(run_id, "report")}
        assert logged == {f"report/{name}" for name in FILES}


def test_one_repeat_gives_a_message_instead_of_a_test(tracking_uri, tmp_path):
    result = _run(TINY + ["repeats=1"], None)
    (report, _), = report_runs([result.parent_run_id], out=tmp_path, log=False)
    for row in report.significance.itertuples():
        assert row.p_value is None and row.repeats == 1
        assert row.message.startswith("needs at least 2 paired repeats")
    md = (tmp_path / "report.md").read_text()
    assert "needs at least 2 paired repeats" in md
    assert any(words in md for words in ("pays above an oracle cost of", "does not pay at any oracle cost", "pays at every oracle cost"))
    assert not mlflow.MlflowClient(tracking_uri).list_artifacts(result.parent_run_id, "report")


def test_different_configs_are_reported_separately_never_mixed(tracking_uri, tmp_path):
    a = _run(TINY + ["repeats=1"], None)
    b = _run(TINY + ["repeats=1", "seed=4"], None)
    with pytest.raises(ValueError, match=r"different configurations \(settings \['seed'\] differ\)"):
        read_runs([a.parent_run_id, b.parent_run_id])
    done = report_runs(["alsuite"], out=tmp_path, log=False)
    assert [r.runs.parent_run_ids for r, _ in done] == [[a.parent_run_id], [b.parent_run_id]]
    # two seeds of one analytic benchmark are not a study by dimension: no comparison is written
    assert not (tmp_path / "dimensionality.csv").exists() and not (tmp_path / "dimensionality.png").exists()
    assert all((folder / "report.md").is_file() for _, folder in done)


def test_unknown_targets_and_child_runs_are_refused(tracking_uri):
    result = _run(TINY + ["repeats=1"], None)
    with pytest.raises(ValueError, match="'nope' is neither a run id nor an experiment"):
        read_runs(["nope"])
    child = mlflow.MlflowClient(tracking_uri).search_runs(
        [mlflow.MlflowClient(tracking_uri).get_experiment_by_name("alsuite").experiment_id],
        f"tags.mlflow.parentRunId = '{result.parent_run_id}'")[0]
    with pytest.raises(ValueError, match=f"is a child run .*give its parent, {result.parent_run_id}"):
        read_runs([child.info.run_id])


def test_empty_targets_experiments_and_parents_are_refused(tracking_uri):
    client = mlflow.MlflowClient(tracking_uri)
    with pytest.raises(ValueError, match="give at least one parent run id or experiment name"):
        read_runs([])
    client.create_experiment("empty")
    with pytest.raises(ValueError, match="experiment 'empty' holds no finished benchmark runs"):
        read_runs(["empty"])
    lonely = client.create_run(client.create_experiment("lonely"), tags={"role": "benchmark"}).info.run_id
    client.set_terminated(lonely, "FINISHED")
    with pytest.raises(ValueError, match=rf"parent runs \['{lonely}'\] have no finished child runs"):
        read_runs(["lonely"])


def test_a_missing_sqlite_store_is_refused_not_created(tmp_path):
    missing = tmp_path / "nowhere.db"
    with pytest.raises(ValueError, match="there is no MLflow store at sqlite:///.*nowhere.db; run a benchmark"):
        read_runs(["alsuite"], tracking_uri=f"sqlite:///{missing}")
    assert not missing.exists()
