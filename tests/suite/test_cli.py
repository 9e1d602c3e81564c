import mlflow
import pytest
from typer.testing import CliRunner

from suite.cli import app

runner = CliRunner()


def test_list_shows_profiles_datasets_and_strategies():
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0
    for name in ("quick", "paper-rf-infinite", "quick-qbdc", "paper-qbdc", "susyai", "hypersphere", "rf-qbc",
                 "rf-random", "qbdc", "nn-random"):
        assert name in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "nope"], "error: unknown profile 'nope'"),
        (["run", "quick", "--set", "size_select=99999"], "error: invalid configuration: size_select must be at most"),
        (["run", "quick", "--set", "strategies=qbx"],
         "error: invalid configuration: strategies: unknown strategies ['qbx']"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.mlflow
def test_run_tracks_and_prints_the_gain_table(tracking_uri):
    args = ["run", "demo-hypersphere", "--no-progress", "--set", "repeats=1", "--set", "size_max=600",
            "--set", "size_initial=", "--repeat", "0"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Gain N_random / N_active" in result.output and "rf-qbc" in result.output
    runs = mlflow.MlflowClient(tracking_uri).search_runs(
        [mlflow.MlflowClient(tracking_uri).get_experiment_by_name("alsuite").experiment_id])
    assert len(runs) == 3  # parent + 2 children


@pytest.mark.mlflow
def test_report_command_prints_gains_tests_and_break_even(tracking_uri, tmp_path):
    run = runner.invoke(app, ["run", "demo-hypersphere", "--no-progress", "--set", "repeats=2", "--set", "size_max=500",
                              "--set", "size_test=2000"])
    assert run.exit_code == 0, run.output
    result = runner.invoke(app, ["report", "alsuite", "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert "demo-hypersphere: 1 parent run(s), 2 repeat(s)" in result.output
    assert "rf-qbc vs rf-random (area_accuracy): p = " in result.output
    assert "active learning pays above" in result.output
    assert (tmp_path / "r" / "cost_gain.png").is_file()
    missing = runner.invoke(app, ["report", "nope"])
    assert missing.exit_code == 2 and "error: 'nope' is neither a run id nor an experiment" in missing.output


def test_bench_command_writes_json_with_consistent_shares(tmp_path):
    import json

    out = tmp_path / "bench.json"
    result = runner.invoke(app, ["bench", "demo-hypersphere", "--set", "size_max=400", "--set", "size_test=2000",
                                 "--set", "size_sample=1000", "--set", "forest.n_estimators=5",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "oracle: skipped" in result.output and "harness overhead" in result.output
    report = json.loads(out.read_text())
    prof = report["profiles"]["demo-hypersphere"]
    assert (prof["first"]["labelled"], prof["last"]["labelled"]) == (200, 300)
    for which in ("first", "last"):
        split = prof[which]
        shares = sum(split[f"{k}_share"] for k in ("fit", "score_test", "score_candidates", "label", "logging"))
        assert shares == pytest.approx(1.0)
        core = split["fit_seconds"] + split["predict_test_seconds"] + split["predict_candidates_seconds"] + split["label_seconds"]
        assert split["harness_seconds"] == pytest.approx(split["iteration_seconds"] - core)
        assert 0.0 < split["predict_candidates_seconds"] <= split["score_candidates_seconds"]
    bad = runner.invoke(app, ["bench", "demo-hypersphere", "--oracle-points", "0"])
    assert bad.exit_code == 2 and "--oracle-points must be at least 1, but got 0" in bad.output


def test_run_scale_sizes_shrinks_the_loop_with_the_free_dimension():
    result = runner.invoke(app, ["run", "demo-hypersphere", "--no-track", "--no-progress", "--scale-sizes",
                                 "--set", "dataset.dimension=19", "--set", "repeats=1", "--set", "size_test=500",
                                 "--set", "size_max=300"])
    assert result.exit_code == 0, result.output  # 19 of 19 free: sizes unchanged
    assert "200 -> 300 labels in steps of 100" in result.output
    assert "--scale-sizes: 19 free parameters, loop sizes x (19/19)^2 = 1" in result.output
    halved = runner.invoke(app, ["run", "demo-hypersphere", "--no-track", "--scale-sizes", "--set", "dataset.fixed_sectors=ew"])
    assert halved.exit_code == 2 and "dataset 'hypersphere' does not take ['fixed_sectors']" in halved.output


def test_an_override_without_a_value_is_an_error_not_ignored():
    result = runner.invoke(app, ["run", "demo-hypersphere", "--no-track", "--set", "repeats"])
    assert result.exit_code == 2
    assert "error: override 'repeats' must look like key=value" in result.output


@pytest.mark.mlflow
def test_an_unwritable_checkpoint_folder_is_one_line(tracking_uri, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    args = ["run", "demo-hypersphere", "--no-progress", "--set", "repeats=1", "--set", "size_max=300",
            "--set", f"checkpoint.dir={blocker}"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("error: ") and str(blocker) in last and "Traceback" not in result.output


def test_an_unreachable_tracking_store_is_one_line(monkeypatch):
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "5")
    args = ["run", "demo-hypersphere", "--no-progress", "--set", "repeats=1", "--set", "size_max=300",
            "--tracking-uri", "http://127.0.0.1:9"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "error: the MLflow tracking store failed" in result.output and "--no-track" in result.output


def test_a_one_class_table_and_an_empty_table_are_refused(tmp_path):
    one = tmp_path / "one.csv"
    one.write_text("a,b,allowed\n" + "".join(f"{i},{i % 3},1\n" for i in range(60)))
    empty = tmp_path / "empty.csv"
    empty.write_text("a,b,allowed\n")
    base = ["run", "paper-rf-finite", "--no-track", "--no-progress", "--set", "dataset.name=table", "--set", "size_initial=5",
            "--set", "size_test=10", "--set", "size_select=5", "--set", "size_sample=50", "--set", "size_max=40",
            "--set", "dataset.table.label=allowed"]
    result = runner.invoke(app, base + ["--set", f"dataset.path={one}"])
    assert result.exit_code == 2 and "every row has label 1, so there is no decision boundary" in result.output
    result = runner.invoke(app, base + ["--set", f"dataset.path={empty}"])
    assert result.exit_code == 2 and "the table has a header but no data rows" in result.output
    result = runner.invoke(app, base + ["--set", f"dataset.path={tmp_path}"])
    assert result.exit_code == 2 and "is a folder, not a file" in result.output
