"""Study configuration: profiles, validation messages, derived settings."""

import pytest

from suite.errors import ConfigError
from suite.tuning.config import list_study_profiles, load_study_config
from tests.suite.tuning.conftest import TINY_GRID, TINY_TPE


def test_profiles_are_listed_and_fig8_is_the_paper_grid():
    assert list_study_profiles() == ["tune-fig8", "tune-quick", "tune-tpe"]
    cfg = load_study_config("tune-fig8")
    assert cfg.tuning.grid == {"size_sample": [1000, 5000, 10000, 50000, 100000], "size_select": [500, 2500, 5000, 7500]}
    b = cfg.benchmark
    assert (b.size_initial, b.size_max, b.repeats, b.dataset.name, cfg.tuning.strategy) == (10000, 100000, 7, "susyai", "rf-qbc")
    assert cfg.tuning.pruning is False and cfg.study_name == "fig8"
    assert cfg.strategies == ["rf-qbc"]


def test_derived_settings():
    tpe = load_study_config("tune-quick", TINY_TPE)
    assert tpe.tuning.searched == ("size_sample", "size_select") and tpe.tuning.pruning is True
    gain = load_study_config("tune-quick", TINY_TPE + ["tuning.objectives=gain"])
    assert gain.strategies == ["rf-random", "rf-qbc"] and gain.tuning.directions == ["maximize"]
    multi = load_study_config("tune-quick", TINY_TPE + ["tuning.objectives=[accuracy, labels]",
                                                        "tuning.space.size_max={low: 100, high: 200}"])
    assert multi.tuning.directions == ["maximize", "minimize"] and multi.tuning.pruning is False


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["tuning.sampler=annealing"], r"tuning.sampler: Input should be 'tpe', 'random' or 'grid' \(got 'annealing'\)"),
        (["tuning.objectives=speed"], r"unknown objectives \['speed'\]; choose from \['accuracy', 'gain', 'labels'\]"),
        (["tuning.grid.size_test=[5]"], r"only the sizes \['size_initial', 'size_sample', 'size_select', 'size_max'\] can be searched, but got \['size_test'\]"),
        (["tuning.grid.size_select=[30, 30]"], r"grid.size_select needs distinct values, but got \[30, 30\]"),
        (["tuning.pruner=median"], r"pruner must be 'none' in grid mode"),
        (["tuning.sampler=tpe", "tuning.space={}"], r"sampler 'tpe' needs tuning.space"),
        (["tuning.sampler=tpe", "tuning.space.size_sample={low: 500, high: 100}"], r"low must be at most high \(100\), but got low=500"),
        (["tuning.sampler=tpe", "tuning.space.size_sample={low: 50, high: 500, log: true, step: 5}"], r"a log-scale range takes no step"),
        (["tuning.strategy=rf-random", "tuning.objectives=gain"], r"objective 'gain' needs an active strategy with a random baseline, but got strategy='rf-random'"),
        (["tuning.objectives=[accuracy, labels]"], r"objective 'labels' is constant unless size_max is searched \(it is 160\)"),
        (["benchmark.strategies=[rf-qbc]"], r"benchmark.strategies is not used by a study; set tuning.strategy instead"),
        (["tuning.strategy=qbx"], r"unknown strategy 'qbx'; choose from \['ensemble-qbc', 'ensemble-random', 'nn-random', 'qbdc', 'qbdc-diverse', 'rf-qbc', 'rf-qbc-diverse', 'rf-random'\]"),
    ],
)
def test_invalid_settings_name_the_setting_and_value(overrides, message):
    with pytest.raises(ConfigError, match=message):
        load_study_config("tune-quick", TINY_GRID + overrides)


def test_unknown_profile_lists_the_choices():
    with pytest.raises(ConfigError, match=r"unknown study profile 'nope'; choose from \['tune-fig8', 'tune-quick', 'tune-tpe'\]"):
        load_study_config("nope")
