"""End to end on a finite pool: an analytic table run until the pool is empty, with MLflow."""

from __future__ import annotations

import mlflow
import numpy as np
import pandas as pd
import pytest

from datasets.oracles import Hypersphere
from suite.benchmark import run_benchmark
from suite.config import load_config
from suite.errors import ConfigError
from suite.gain import compute_gain
from suite.tracking import Tracker

STEPS = [30, 80, 130, 180, 230, 280, 330, 380, 400]  # 600 rows - 30 initial - 200 test = 370 pool rows


@pytest.fixture
def sphere_table(tmp_path):
    oracle = Hypersphere(3, 0.3)
    x = oracle.space.sample(600, np.random.default_rng(5))
    frame = pd.DataFrame(x, columns=["u", "v", "w"])
    frame["inside"] = np.where(oracle.label(x) == 1, "in", "out")
    path = tmp_path / "sphere.csv"
    frame.to_csv(path, index=False)
    return path


def _config(path, *extra):
    return load_config("paper-rf-finite", [
        "dataset.name=table", f"dataset.path={path}", "dataset.table.label=inside", "dataset.table.positive=in",
        "size_initial=30", "size_test=200", "size_select=50", "repeats=2", "forest.n_estimators=5",
        "forest.n_jobs=1", "seed=2", "name=tiny-finite", *extra])


@pytest.mark.mlflow
def test_finite_run_empties_the_pool_and_computes_the_gain(sphere_table, tracking_uri):
    cfg = _config(sphere_table)
    result = run_benchmark(cfg, tracker=Tracker(cfg), progress=False)
    client = mlflow.MlflowClient(tracking_uri)
    parent = client.get_run(result.parent_run_id)
    assert parent.info.status == "FINISHED"
    assert (parent.data.tags["pool"], parent.data.tags["surrogate"], parent.data.tags["dataset"]) == ("finite", "false", "table")
    assert parent.data.params["last_batch"] == "rest"
    children = client.search_runs([parent.info.experiment_id], f"tags.mlflow.parentRunId = '{parent.info.run_id}'")
    assert len(children) == 4
    for child in children:
        assert child.data.tags["pool"] == "finite" and child.info.status == "FINISHED"
        run_id = child.info.run_id
        assert [m.step for m in client.get_metric_history(run_id, "accuracy")] == STEPS
        remaining = client.get_metric_history(run_id, "pool_remaining")
        assert [m.value for m in remaining] == [370, 320, 270, 220, 170, 120, 70, 20, 0]
        shares = [m.value for m in client.get_metric_history(run_id, "pool_uncertain_share")]
        assert len(shares) == 9 and all(0.0 <= s <= 1.0 for s in shares) and shares[-1] == 0.0
        assert client.get_metric_history(run_id, "oracle_calls")[-1].value == 400
    curves = result.curves
    first = curves[curves.step == 30].pivot(index="repeat", columns="strategy", values="accuracy")
    np.testing.assert_array_equal(first["rf-random"], first["rf-qbc"])  # same initial rows, test rows, forest seed
    for repeat in (0, 1):
        act = curves[(curves.strategy == "rf-qbc") & (curves.repeat == repeat)]
        ran = curves[(curves.strategy == "rf-random") & (curves.repeat == repeat)]
        expected = compute_gain(ran.step, ran.accuracy, act.step, act.accuracy)
        assert result.gains["rf-qbc"][repeat] == expected
        assert expected.reached  # both end on the whole pool, so the target is always reached
    values = sorted(g.gain for g in result.gains["rf-qbc"].values())
    assert parent.data.metrics["gain_min.rf-qbc"] == pytest.approx(values[0])
    assert parent.data.metrics["gain_max.rf-qbc"] == pytest.approx(values[-1])


def test_stop_policy_and_reproducibility(sphere_table):
    cfg = _config(sphere_table, "last_batch=stop", "repeats=1")
    a = run_benchmark(cfg, progress=False).curves
    b = run_benchmark(cfg, progress=False).curves
    assert sorted(set(a.step)) == STEPS[:-1]
    assert a[a.step == 380].pool_remaining.tolist() == [20.0, 20.0]
    cols = ["strategy", "step", "accuracy", "auc", "pool_remaining", "pool_uncertain_share"]
    pd.testing.assert_frame_equal(a[cols], b[cols])


def test_too_small_table_fails_before_any_run(sphere_table, tracking_uri):
    cfg = _config(sphere_table, "size_test=580")
    with pytest.raises(ValueError, match=r"sphere.csv has 600 rows, too few for size_initial=30 \+ size_test=580"):
        run_benchmark(cfg, tracker=Tracker(cfg), progress=False)
    assert mlflow.MlflowClient(tracking_uri).search_experiments()[0].name == "Default"  # nothing was logged


def test_finite_settings_are_validated(sphere_table):
    with pytest.raises(ConfigError, match=r"last_batch: Input should be 'rest' or 'stop'"):
        _config(sphere_table, "last_batch=never")
    with pytest.raises(ConfigError, match=r"dataset 'susyai' does not take \['table'\]"):
        load_config("quick", ["dataset.table.label=y"])
    with pytest.raises(ConfigError, match=r"dataset.table.normalization: Input should be 'zscore' or 'susyai'"):
        _config(sphere_table, "dataset.table.normalization=minmax")


def test_paper_profile_holds_the_papers_split():
    cfg = load_config("paper-rf-finite")
    assert (cfg.dataset.name, cfg.size_initial, cfg.size_test, cfg.size_select) == ("susyai-pool", 1000, 100_000, 1000)
    assert cfg.forest.n_estimators == 10 and cfg.last_batch == "rest"
    assert cfg.size_sample >= 310_324 and cfg.size_max >= 310_324  # every remaining row, until the pool is empty
    quick = load_config("quick-finite")
    assert (quick.dataset.name, quick.dataset.size) == ("susyai-pool", 50_000)


def test_cli_without_an_atlas_copy_names_the_stand_in(monkeypatch):
    from typer.testing import CliRunner

    from suite.cli import app

    monkeypatch.delenv("ALSUITE_ATLAS_TABLE", raising=False)
    result = CliRunner().invoke(app, ["run", "paper-rf-finite", "--no-track", "--set", "dataset.name=atlas-pmssm19",
                                      "--set", "dataset.table.positive=0"])
    assert result.exit_code == 2
    assert "or until the pool is empty" in result.output
    assert "error: dataset atlas-pmssm19: no copy of the ATLAS pMSSM-19 table is configured" in result.output
    assert "--set dataset.name=susyai-pool" in result.output


def test_cli_runs_a_finite_table(sphere_table):
    from typer.testing import CliRunner

    from suite.cli import app

    result = CliRunner().invoke(app, [
        "run", "paper-rf-finite", "--no-track", "--no-progress", "--set", "dataset.name=table",
        "--set", f"dataset.path={sphere_table}", "--set", "dataset.table.label=inside",
        "--set", "dataset.table.positive=in", "--set", "size_initial=30", "--set", "size_test=200",
        "--set", "size_select=100", "--set", "repeats=1", "--set", "forest.n_jobs=1"])
    assert result.exit_code == 0, result.output
    assert "rf-qbc rf-random" in result.output  # the gain table
    assert "     400        1" in result.output  # both strategies end with all 400 non-test rows labelled


@pytest.mark.slow
@pytest.mark.keras
def test_quick_finite_on_the_stand_in_depletes_the_boundary(tracking_uri, susyai_file, monkeypatch):
    monkeypatch.setenv("ALSUITE_DATA_DIR", str(susyai_file.parent))
    cfg = load_config("quick-finite", ["repeats=1"])
    result = run_benchmark(cfg, tracker=Tracker(cfg), progress=False)
    curves = result.curves
    assert curves.groupby("strategy").step.max().tolist() == [40_000, 40_000]
    qbc = curves[curves.strategy == "rf-qbc"].pool_uncertain_share.to_numpy()
    ran = curves[curves.strategy == "rf-random"].pool_uncertain_share.to_numpy()
    assert qbc[-2] < ran[-2]  # QBC has used up the uncertain rows before the pool ran dry
    assert result.gains["rf-qbc"][0].reached
