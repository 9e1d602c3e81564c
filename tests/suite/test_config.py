from pathlib import Path

import pytest

from suite.config import BenchmarkConfig, apply_overrides, list_profiles, load_config
from suite.errors import ConfigError


def test_builtin_profiles():
    assert {"quick", "paper-rf-infinite", "demo-hypersphere"} <= set(list_profiles())
    assert load_config().name == "quick"


def test_paper_profile_is_table_i():
    cfg = load_config("paper-rf-infinite")
    assert (cfg.size_initial, cfg.size_select, cfg.size_sample, cfg.size_max) == (10_000, 2_500, 100_000, 100_000)
    assert (cfg.size_test, cfg.repeats, cfg.forest.n_estimators, cfg.forest.criterion) == (1_000_000, 7, 100, "gini")
    assert cfg.dataset.name == "susyai" and cfg.strategies == ["rf-random", "rf-qbc"]
    assert cfg.n_iterations == 37


def test_overrides_nest_and_parse_values():
    cfg = load_config("quick", ["size_max=4000", "forest.n_estimators=7", "strategies=rf-qbc,rf-random",
                                "dataset.name=hyperplane", "dataset.dimension=3"])
    assert cfg.size_max == 4000 and cfg.forest.n_estimators == 7 and cfg.forest.criterion == "gini"
    assert cfg.strategies == ["rf-qbc", "rf-random"] and cfg.dataset.dimension == 3
    assert apply_overrides({"a": {"b": 1}}, ["a.c=[1, 2]"]) == {"a": {"b": 1, "c": [1, 2]}}


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        (["size_initial=0"], r"size_initial: Input should be greater than 0 \(got 0\)"),
        (["size_select=-5"], r"size_select: Input should be greater than 0"),
        (["size_select=30000"], r"size_select must be at most size_sample \(20000\), but got size_select=30000"),
        (["size_initial=10000"], r"size_initial must be below size_max \(10000\), but got size_initial=10000"),
        (["dataset.name=atlas"], r"unknown dataset 'atlas'; choose from \['atlas-pmssm19', 'hyperplane', 'hypersphere', 'surrogate', 'susyai', 'susyai-pool', 'table'\]"),
        (["strategies=rf-qbc,qbx"], r"unknown strategies \['qbx'\]; choose from"),
        (["dataset.path=/no/such/susyai.hdf5"], r"dataset.path '/no/such/susyai.hdf5' does not exist"),
        (["dataset.fraction=0.3"], r"dataset 'susyai' does not take \['fraction'\]"),
        (["sizes_max=3"], r"sizes_max: is not a known setting"),
        (["forest.criterion=best"], r"forest.criterion: Input should be 'gini', 'entropy' or 'log_loss'"),
        (["selection.random_fraction=2"], r"selection.random_fraction: Input should be less than or equal to 1"),
        (["repeats=0"], r"repeats: Input should be greater than 0"),
        (["size_max"], r"override 'size_max' must look like key=value"),
    ],
)
def test_bad_values_are_named(overrides, match):
    with pytest.raises(ConfigError, match=match):
        load_config("quick", overrides)


def test_unknown_profile_and_bad_files(tmp_path: Path):
    with pytest.raises(ConfigError, match=r"unknown profile 'fast'; choose from \["):
        load_config("fast")
    with pytest.raises(ConfigError, match="config file .* does not exist"):
        load_config(str(tmp_path / "missing.yaml"))
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just\n- a list\n")
    with pytest.raises(ConfigError, match="must hold a mapping"):
        load_config(str(bad))
    good = tmp_path / "mine.yaml"
    good.write_text("name: mine\ndataset: {name: hypersphere, dimension: 4}\nsize_initial: 10\n"
                    "size_sample: 100\nsize_select: 10\nsize_max: 50\nsize_test: 100\nrepeats: 2\n")
    cfg = load_config(str(good))
    assert cfg.name == "mine" and cfg.n_iterations == 5 and cfg.dataset.options() == {"dimension": 4}


def test_configs_are_immutable():
    cfg = BenchmarkConfig()
    with pytest.raises(Exception, match="frozen"):
        cfg.size_max = 3  # type: ignore[misc]


def test_switching_dataset_drops_the_profiles_options_the_new_one_does_not_take():
    profile = {"dataset": {"name": "susyai-pool", "size": 60000, "table": {"normalization": "zscore"}}}
    switched = apply_overrides(profile, ["dataset.name=table", "dataset.path=my.csv"])
    assert switched["dataset"] == {"name": "table", "table": {"normalization": "zscore"}, "path": "my.csv"}
    assert apply_overrides(profile, ["dataset.name=susyai-pool"])["dataset"]["size"] == 60000
    nested = apply_overrides({"benchmark": {"dataset": {"name": "hypersphere", "dimension": 3, "fraction": 0.2}}},
                             ["benchmark.dataset.name=hyperplane"])
    assert nested["benchmark"]["dataset"] == {"name": "hyperplane", "dimension": 3}


@pytest.mark.parametrize("name", list_profiles())
def test_every_profile_pairs_its_active_strategies_with_their_baselines(name):
    from strategies.registry import get_strategy

    strategies = load_config(name).strategies
    missing = {s: get_strategy(s).baseline for s in strategies if get_strategy(s).baseline not in (None, *strategies)}
    assert not missing, f"profile {name} lacks the random baselines {missing}"


def test_the_beyond_profile_runs_every_new_strategy_beside_the_papers():
    cfg = load_config("beyond")
    assert set(cfg.strategies) == {"rf-random", "rf-qbc", "rf-qbc-diverse", "nn-random", "qbdc", "qbdc-diverse",
                                   "ensemble-random", "ensemble-qbc"}
    paper = load_config("beyond-paper")
    assert paper.strategies == cfg.strategies
    assert (paper.size_initial, paper.size_sample, paper.size_select, paper.size_max, paper.size_test, paper.repeats) == (
        10_000, 100_000, 2_500, 100_000, 1_000_000, 7)
