"""Training a surrogate on a table with a known boundary: accuracy, exact reload, seeding, MLflow."""

import json

import numpy as np
import pandas as pd
import pytest

from datasets.oracles.surrogate import load_surrogate, save_surrogate
from datasets.registry import build_dataset
from suite.errors import ConfigError
from suite.surrogate import check_surrogate, confusion_matrix, load_surrogate_config, split_table, train_surrogate

pytestmark = pytest.mark.keras

RADIUS = 0.7  # allowed inside the 4-D ball of this radius around the centre of [-1, 1]^4
SMALL = ["hidden_units=32,16", "epochs=15", "patience=15", "batch_size=64", "learning_rate=0.01", "verbose=false"]


def sphere_table(path, n=2500, seed=0):
    x = np.random.default_rng(seed).uniform(-1, 1, (n, 4))
    frame = pd.DataFrame(x, columns=["a", "b", "c", "d"])
    frame["label"] = (np.linalg.norm(x, axis=1) < RADIUS * np.sqrt(2)).astype(int)
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    return sphere_table(tmp_path_factory.mktemp("sphere") / "sphere.csv")


@pytest.fixture(scope="module")
def trained(table):
    return train_surrogate(load_surrogate_config(None, [f"dataset=table:{table}", *SMALL]), progress=False)


def test_learns_the_sphere_boundary(trained):
    assert trained.validation.accuracy > 0.93 and trained.test.accuracy > 0.93
    assert len(trained.history["val_accuracy"]) == 15 and trained.validation.n == 250 and trained.test.n == 250
    assert trained.history["loss"][-1] < trained.history["loss"][0]
    # the boundary is known: points well inside / outside the ball
    inside = np.array([[0.0, 0.0, 0.0, 0.0], [0.3, -0.2, 0.1, 0.2]])
    outside = np.array([[0.95, 0.95, 0.95, 0.95], [-0.9, 0.9, -0.9, 0.9]])
    np.testing.assert_array_equal(trained.oracle.label(np.vstack([inside, outside])), [1, 1, 0, 0])


def test_saved_file_reproduces_predictions_exactly(trained, tmp_path):
    path = save_surrogate(trained.model, trained.metadata, tmp_path / "sphere.oracle")
    loaded = load_surrogate(path, ["a", "b", "c", "d"])
    x = loaded.space.sample(5000, np.random.default_rng(7))
    assert np.array_equal(loaded.predict_proba(x), trained.oracle.predict_proba(x))
    assert np.array_equal(loaded.label(x), trained.oracle.label(x))
    z = trained.metadata.normalizer(x)
    np.testing.assert_allclose(loaded.predict_proba(x), trained.model.predict(z, verbose=0)[:, 1], atol=1e-5)
    assert loaded.metadata.provenance["best_epoch"] == trained.best_epoch
    assert loaded.metadata.provenance["test_accuracy"] == trained.test.accuracy
    np.testing.assert_allclose(loaded.space.lower, pd.read_csv(trained.source)[["a", "b", "c", "d"]].min(), rtol=0)


def test_same_seed_trains_the_same_network(table, trained):
    config = load_surrogate_config(None, [f"dataset=table:{table}", *SMALL, "epochs=3"])
    first, second = train_surrogate(config, progress=False), train_surrogate(config, progress=False)
    assert first.history == second.history
    for a, b in zip(first.model.get_weights(), second.model.get_weights(), strict=True):
        assert np.array_equal(a, b)
    other = train_surrogate(config.model_copy(update={"seed": 1}), progress=False)
    assert other.history["loss"] != first.history["loss"]


def test_check_uses_the_held_out_rows(trained, table, tmp_path):
    path = save_surrogate(trained.model, trained.metadata, tmp_path / "sphere.oracle")
    result = check_surrogate(path, trained.config)
    assert result.accuracy == trained.test.accuracy and result.n == 250
    np.testing.assert_array_equal(result.confusion, trained.test.confusion)
    everything = check_surrogate(path, trained.config, all_rows=True)
    assert everything.n == 2500 and everything.confusion.sum() == 2500


def test_split_and_confusion_matrix():
    split = split_table(100, 0.1, 0.2, seed=3)
    assert (len(split.train), len(split.validation), len(split.test)) == (70, 10, 20)
    assert len(np.unique(np.concatenate([split.train, split.validation, split.test]))) == 100
    assert np.array_equal(split_table(100, 0.1, 0.2, seed=3).test, split.test)
    np.testing.assert_array_equal(confusion_matrix([0, 0, 1, 1, 1], [0, 1, 1, 1, 0]), [[1, 1], [1, 2]])
    with pytest.raises(ValueError, match="the table has 2 rows, too few"):
        split_table(2, 0.1, 0.2, seed=0)


@pytest.mark.parametrize(("overrides", "message"), [
    (["dataset=hypersphere"], r"dataset 'hypersphere' is not a labelled table; a surrogate is trained on one of"),
    (["validation_fraction=0.5", "test_fraction=0.5"], "must leave rows to train on"),
    (["activation=bogus"], "activation"),
    (["hidden_units=[]"], "hidden_units"),
])
def test_bad_settings_are_rejected(table, overrides, message):
    with pytest.raises(ConfigError, match=message):
        load_surrogate_config(None, [f"dataset=table:{table}", *overrides])


@pytest.mark.filterwarnings("ignore:.*every row has label")
def test_one_class_table_is_rejected(tmp_path):
    path = tmp_path / "one.csv"
    pd.DataFrame({"a": np.arange(50.0), "label": np.ones(50, dtype=int)}).to_csv(path, index=False)
    config = load_surrogate_config(None, [f"dataset=table:{path}", *SMALL])
    with pytest.raises(ValueError, match="one class"):
        train_surrogate(config, progress=False)


@pytest.mark.mlflow
def test_training_run_is_logged(trained, tmp_path):
    import mlflow

    from suite.surrogate.tracking import log_training

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    path = save_surrogate(trained.model, trained.metadata, tmp_path / "sphere.oracle")
    run_id = log_training(trained, path, tracking_uri=uri)
    client = mlflow.MlflowClient(uri)
    run = client.get_run(run_id)
    history = client.get_metric_history(run_id, "val_accuracy")
    assert [m.step for m in history] == list(range(15))
    assert [m.value for m in history] == trained.history["val_accuracy"]
    counts = [run.data.metrics[f"test_{k}"] for k in ("tn", "fp", "fn", "tp")]
    assert sum(counts) == 250 == run.data.metrics["test_n"]
    assert run.data.metrics["test_accuracy"] == pytest.approx((counts[0] + counts[3]) / 250)
    assert run.data.params["normalization.kind"] == "zscore" and run.data.params["hidden_units"] == "32,16"
    assert client.get_experiment(run.info.experiment_id).name == "alsuite-surrogate"
    artifacts = {a.path for a in client.list_artifacts(run_id)} | {a.path for a in client.list_artifacts(run_id, "oracle")}
    assert {"normalization.json", "confusion.png", "config.json", "oracle/sphere.oracle"} <= artifacts
    local = client.download_artifacts(run_id, "normalization.json", str(tmp_path))
    norm = json.loads(open(local).read())["normalization"]
    np.testing.assert_allclose(norm["center"], trained.metadata.normalizer.center)
    downloaded = client.download_artifacts(run_id, "oracle/sphere.oracle", str(tmp_path / "dl"))
    assert build_dataset("surrogate", path=downloaded).space.names == ("a", "b", "c", "d")


def test_check_rebuilds_the_files_own_split_whatever_the_config_says(trained, table, tmp_path):
    path = save_surrogate(trained.model, trained.metadata, tmp_path / "sphere.oracle")
    other_split = trained.config.model_copy(update={"seed": 5, "test_fraction": 0.3})
    result = check_surrogate(path, other_split)
    assert result.n == 250 and result.accuracy == trained.test.accuracy
    shorter = tmp_path / "shorter.csv"
    pd.read_csv(table).iloc[:2000].to_csv(shorter, index=False)
    with pytest.raises(ValueError, match=r"was trained on a table of 2500 rows .* has 2000: its held-out rows cannot be rebuilt"):
        check_surrogate(path, load_surrogate_config(None, [f"dataset=table:{shorter}", *SMALL]))


def test_a_surrogate_predicting_one_class_is_flagged():
    from suite.surrogate.check import CheckResult, one_class_warning

    assert one_class_warning(CheckResult(0.6, np.array([[60, 0], [40, 0]]), 100)) == (
        "the surrogate labels every one of the 100 held-out rows excluded (0): it has not learned the boundary; "
        "train longer, with a larger learning_rate or a smaller batch_size, or on more rows.")
    assert "rows allowed (1)" in one_class_warning(CheckResult(0.4, np.array([[0, 60], [0, 40]]), 100))
    assert one_class_warning(CheckResult(0.9, np.array([[55, 5], [5, 35]]), 100)) is None
