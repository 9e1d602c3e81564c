"""Which sizes are valid, the grid's cells, and what exactly was excluded."""

from suite.tuning.config import load_study_config
from suite.tuning.space import grid_cells, invalid_reason
from tests.suite.tuning.conftest import TINY_GRID


def test_fig8_grid_has_16_valid_cells_and_names_the_4_excluded():
    valid, excluded = grid_cells(load_study_config("tune-fig8"))
    assert len(valid) == 16
    assert [cell for cell, _ in excluded] == [
        {"size_sample": 1000, "size_select": 2500}, {"size_sample": 1000, "size_select": 5000},
        {"size_sample": 1000, "size_select": 7500}, {"size_sample": 5000, "size_select": 7500}]
    assert excluded[-1][1] == "size_select must be at most size_sample (5000), but got size_select=7500"
    assert valid[0] == {"size_sample": 1000, "size_select": 500} and valid[-1] == {"size_sample": 100000, "size_select": 7500}


def test_quick_profile_grid_has_8_valid_cells():
    assert len(grid_cells(load_study_config("tune-quick"))[0]) == 8


def test_tiny_grid_cells():
    valid, excluded = grid_cells(load_study_config("tune-quick", TINY_GRID))
    assert [(c["size_sample"], c["size_select"]) for c in valid] == [(50, 30), (100, 30), (100, 60), (400, 30), (400, 60), (400, 120)]
    assert len(excluded) == 3


def test_budget_rules():
    cfg = load_study_config("tune-quick", TINY_GRID)
    assert invalid_reason(cfg, {"size_sample": 400, "size_select": 120}) is None  # 40 + 120 = 160 fits exactly
    assert invalid_reason(cfg, {"size_sample": 400, "size_select": 121}) == (
        "size_initial + size_select must be at most size_max (160) so that one full batch fits the budget, "
        "but got size_initial=40, size_select=121")
    assert invalid_reason(cfg, {"size_initial": 160}) == "size_initial must be below size_max (160), but got size_initial=160"
