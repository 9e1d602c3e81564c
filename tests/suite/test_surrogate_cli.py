"""``alsuite surrogate`` end to end: train, check, convert, then benchmark on the oracle file."""

import mlflow
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from suite.benchmark import run_benchmark
from suite.cli import app
from suite.config import DatasetConfig, load_config
from tests.suite.test_surrogate_train import SMALL, sphere_table

pytestmark = pytest.mark.keras
runner = CliRunner()
TINY = ["size_initial=60", "size_sample=300", "size_select=30", "size_max=150", "size_test=2000", "repeats=1",
        "forest.n_estimators=5", "forest.n_jobs=1", "strategies=rf-random,rf-qbc"]


@pytest.fixture(scope="module")
def oracle_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    table = sphere_table(folder / "sphere.csv")
    out = folder / "sphere.oracle"
    args = ["surrogate", "train", "--out", str(out), "--no-track", "--set", f"dataset=table:{table}"]
    for item in SMALL:
        args += ["--set", item]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "15 epochs" in result.output and f"dataset=surrogate:{out}" in result.output
    return out, table


def test_check_prints_and_logs_the_held_out_accuracy(oracle_file, tracking_uri):
    out, table = oracle_file
    result = runner.invoke(app, ["surrogate", "check", str(out), str(table)])
    assert result.exit_code == 0, result.output
    accuracy = float(result.output.split("accuracy ")[1].split()[0])
    assert accuracy > 0.93 and "on 250 rows" in result.output
    client = mlflow.MlflowClient(tracking_uri)
    run = client.search_runs([client.get_experiment_by_name("alsuite-surrogate").experiment_id])[0]
    assert run.data.metrics["check_accuracy"] == pytest.approx(accuracy, abs=5e-5)
    assert sum(run.data.metrics[f"check_{k}"] for k in ("tn", "fp", "fn", "tp")) == 250
    assert run.data.tags["rows"] == "held-out"


def test_benchmark_runs_on_the_oracle_file(oracle_file):
    out, _ = oracle_file
    shorthand = load_config("paper-rf-infinite", [f"dataset=surrogate:{out}", *TINY])
    dotted = load_config("paper-rf-infinite", ["dataset.name=surrogate", f"dataset.path={out}", *TINY])
    assert shorthand.dataset == dotted.dataset == DatasetConfig(name="surrogate", path=str(out))
    result = run_benchmark(shorthand, progress=False)
    curves = result.curves
    assert set(curves.strategy) == {"rf-random", "rf-qbc"}
    assert curves.groupby("strategy").step.max().tolist() == [150, 150]
    assert curves.accuracy.max() > 0.75  # a 4-D ball learnt by 5 trees from 150 labels


def test_qbdc_profile_runs_on_the_oracle_file(oracle_file):
    out, _ = oracle_file
    tiny = ["size_initial=60", "size_sample=300", "size_select=30", "size_max=120", "size_test=1000", "repeats=1",
            "network.hidden_units=[16,16]", "network.n_passes=4", "network.epochs=4", "network.batch_size=32"]
    result = run_benchmark(load_config("paper-qbdc", [f"dataset=surrogate:{out}", *tiny]), progress=False)
    assert result.curves.groupby("strategy").step.max().to_dict() == {"nn-random": 120, "qbdc": 120}


def test_parameters_option_is_checked(oracle_file):
    out, _ = oracle_file
    given = ["dataset.name=surrogate", f"dataset.path={out}"]
    good = load_config("quick", [*given, "dataset.parameters=a,b,c,d", *TINY])
    assert good.dataset.parameters == ["a", "b", "c", "d"]
    assert run_benchmark(good, progress=False).curves.step.max() == 150
    bad = load_config("quick", [*given, "dataset.parameters=a,b,d,c", *TINY])
    with pytest.raises(ValueError, match=r"\['a', 'b', 'd', 'c'\] \(same names, different order\)"):
        run_benchmark(bad, progress=False)


def test_run_command_with_the_shorthand(oracle_file):
    out, _ = oracle_file
    args = ["run", "quick", "--no-progress", "--no-track", "--set", f"dataset=surrogate:{out}"]
    for item in TINY:
        args += ["--set", item]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "surrogate" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["surrogate", "check", "missing.oracle", "surrogate-quick"], "error: oracle file missing.oracle does not exist"),
    (["surrogate", "train", "nope"], "error: unknown surrogate profile 'nope'"),
    (["surrogate", "train", "surrogate-quick", "--set", "epochs=0"], "error: invalid surrogate configuration: epochs"),
    (["run", "quick", "--set", "dataset=surrogate:x.oracle", "--set", "dataset.parameters=a"],
     "error: override 'dataset.parameters=a' sets a key under 'dataset', which is the value 'surrogate:x.oracle'"),
    (["run", "quick", "--set", "dataset=surrogate:nofile.oracle"], "error: invalid configuration: dataset: "
                                                                    "dataset.path 'nofile.oracle' does not exist"),
])
def test_user_errors_are_one_line(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_list_shows_the_surrogate_profiles_and_dataset():
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0
    assert "surrogate-quick" in result.output and "surrogate-table2" in result.output
    assert "options: path, parameters, fixed_sectors" in result.output


def test_convert_writes_the_published_network(susyai_file, susyai_oracle, tmp_path):
    out = tmp_path / "susyai.oracle"
    result = runner.invoke(app, ["surrogate", "convert", str(susyai_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    from datasets.registry import build_dataset

    dataset = build_dataset("surrogate", path=str(out))
    x = susyai_oracle.space.sample(5000, np.random.default_rng(0))
    np.testing.assert_array_equal(dataset.oracle.label(x), susyai_oracle.label(x))


def test_susyai_file_against_the_stand_in_pool_is_exact(susyai_file, tmp_path):
    out = tmp_path / "susyai.oracle"
    assert runner.invoke(app, ["surrogate", "convert", str(susyai_file), "--out", str(out)]).exit_code == 0
    result = runner.invoke(app, ["surrogate", "check", str(out), "surrogate-table2", "--no-track", "--all-rows"])
    assert result.exit_code == 0, result.output
    assert "accuracy 1.0000 on 310324 rows" in result.output


def test_check_of_a_table_file_takes_its_column_mapping(oracle_file, tmp_path):
    out, table = oracle_file
    renamed = tmp_path / "renamed.csv"
    frame = pd.read_csv(table).rename(columns={"label": "allowed"})
    frame.to_csv(renamed, index=False)
    result = runner.invoke(app, ["surrogate", "check", str(out), str(renamed), "--no-track",
                                 "--set", "dataset.table.label=allowed"])
    assert result.exit_code == 0, result.output
    assert "on 250 rows" in result.output and float(result.output.split("accuracy ")[1].split()[0]) > 0.93


def test_an_unwritable_out_is_refused_before_any_training(tmp_path):
    table = sphere_table(tmp_path / "sphere.csv")
    result = runner.invoke(app, ["surrogate", "train", "--no-track", "--set", f"dataset=table:{table}", *sum(
        (["--set", item] for item in SMALL), []), "--out", str(table / "x.oracle")])
    assert result.exit_code == 2
    assert f"--out {table / 'x.oracle'}: its folder {table} cannot be created" in result.output
    assert "epochs" not in result.output and "alsuite surrogate train:" not in result.output
    folder = runner.invoke(app, ["surrogate", "train", "--no-track", "--set", f"dataset=table:{table}", "--out", str(tmp_path)])
    assert folder.exit_code == 2 and f"--out {tmp_path} is a folder" in folder.output
