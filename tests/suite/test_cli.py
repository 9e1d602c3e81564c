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
        (["run", "quick", "--set", "strategies=svm-qbc"], "error: invalid configuration: strategies: unknown strategies ['svm-qbc']"),
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
