"""The ``*-diverse`` strategies through the config, the benchmark, MLflow, ``alsuite list`` and studies."""

import mlflow
import pytest
from typer.testing import CliRunner

from strategies import STRATEGIES, make_selector
from strategies.selectors import DiverseSelector
from suite.benchmark import run_benchmark
from suite.cli import app
from suite.config import load_config
from suite.errors import ConfigError
from suite.tracking import Tracker
from suite.tuning import load_study_config, run_study
from tests.suite.tuning.conftest import TINY_TPE

TINY = ["dataset.name=hypersphere", "dataset.dimension=3", "dataset.fraction=0.3", "size_initial=40",
        "size_sample=300", "size_select=30", "size_max=130", "size_test=2000", "repeats=1",
        "forest.n_estimators=8", "forest.n_jobs=1", "seed=2", "name=tiny-diverse"]


def test_registry_pairs_the_diverse_strategies_with_their_random_baselines():
    forest, network = STRATEGIES["rf-qbc-diverse"], STRATEGIES["qbdc-diverse"]
    assert (forest.learner, forest.selector, forest.baseline) == ("forest", "diverse", "rf-random")
    assert (network.learner, network.selector, network.baseline) == ("dropout", "diverse", "nn-random")


def test_diversity_section_reaches_the_selector_only_for_diverse_selection():
    cfg = load_config("quick", ["diversity.factor=3", "diversity.method=farthest", "selection.measure=vote_std"])
    assert cfg.selector_params("diverse") == {"random_fraction": 0.0, "measure": "vote_std", "factor": 3.0,
                                              "method": "farthest"}
    assert cfg.selector_params("uncertainty") == {"random_fraction": 0.0, "measure": "vote_std"}
    selector = make_selector("diverse", cfg.selector_params("diverse"))
    assert isinstance(selector, DiverseSelector) and (selector.factor, selector.method) == (3.0, "farthest")
    assert load_config("quick").diversity.model_dump() == {"factor": 5.0, "method": "kmeans"}


@pytest.mark.parametrize(("override", "match"), [
    ("diversity.factor=0.5", r"diversity.factor: Input should be greater than or equal to 1"),
    ("diversity.factor=.inf", r"diversity.factor: Input should be a finite number"),
    ("diversity.method=dpp", r"diversity.method: Input should be 'kmeans' or 'farthest'"),
    ("diversity.k=3", r"diversity.k: is not a known setting"),
])
def test_bad_diversity_settings_are_named(override, match):
    with pytest.raises(ConfigError, match=match):
        load_config("quick", [override])


@pytest.mark.mlflow
def test_rf_qbc_diverse_runs_end_to_end_and_logs_its_settings(tracking_uri):
    cfg = load_config("quick", [*TINY, "strategies=rf-random,rf-qbc-diverse", "diversity.factor=2"])
    result = run_benchmark(cfg, tracker=Tracker(cfg), progress=False)
    steps = result.curves.groupby("strategy").step.apply(list).to_dict()
    assert steps == {"rf-random": [40, 70, 100, 130], "rf-qbc-diverse": [40, 70, 100, 130]}
    assert set(result.gains) == {"rf-qbc-diverse"}
    client = mlflow.MlflowClient(tracking_uri)
    parent = client.get_run(result.parent_run_id)
    assert parent.data.params["diversity.factor"] == "2.0" and parent.data.params["diversity.method"] == "kmeans"
    children = {c.data.tags["strategy"]: c for c in client.search_runs(
        [parent.info.experiment_id], f"tags.mlflow.parentRunId = '{parent.info.run_id}'")}
    diverse = children["rf-qbc-diverse"].data
    assert diverse.tags["selector"] == "diverse"
    assert (diverse.params["diversity.factor"], diverse.params["diversity.method"]) == ("2.0", "kmeans")
    assert "diversity.factor" not in children["rf-random"].data.params


def test_same_seed_same_curves_for_both_methods():
    for method in ("kmeans", "farthest"):
        cfg = load_config("quick", [*TINY, "strategies=rf-qbc-diverse", f"diversity.method={method}"])
        a, b = (run_benchmark(cfg, progress=False).curves for _ in range(2))
        assert a.accuracy.tolist() == b.accuracy.tolist() and len(a) == 4


def test_alsuite_list_shows_the_diverse_strategies():
    out = CliRunner().invoke(app, ["list"]).output
    assert "rf-qbc-diverse" in out and "qbdc-diverse" in out and "[gain vs rf-random]" in out


def test_a_study_of_rf_qbc_diverse_validates_and_runs_a_trial(tmp_path):
    cfg = load_study_config("tune-quick", [*TINY_TPE, "tuning.strategy=rf-qbc-diverse", "tuning.study=div",
                                           "benchmark.repeats=1", "benchmark.diversity.method=farthest"])
    assert cfg.strategies == ["rf-qbc-diverse"] and cfg.benchmark.diversity.method == "farthest"
    summary = run_study(cfg, storage=str(tmp_path / "s.journal"), trials=2, track=False)
    assert summary.ran_here == 2 and summary.states == {"COMPLETE": 2}
    assert 0.5 < summary.best[0]["accuracy"] <= 1.0


@pytest.mark.keras
def test_qbdc_diverse_runs_end_to_end_with_bald_and_is_reproducible():
    tiny_network = ["network.hidden_units=[16,16]", "network.n_passes=8", "network.epochs=4", "network.patience=4",
                    "network.batch_size=32", "selection.measure=bald", "diversity.method=farthest"]
    cfg = load_config("quick-qbdc", [*TINY, *tiny_network, "strategies=qbdc-diverse", "size_max=100"])
    a, b = (run_benchmark(cfg, progress=False).curves for _ in range(2))
    assert a.step.tolist() == [40, 70, 100]
    assert a.accuracy.tolist() == b.accuracy.tolist()
