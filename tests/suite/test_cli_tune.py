"""``alsuite tune`` through the real typer app."""

import pytest
from typer.testing import CliRunner

from suite.cli import app
from tests.suite.tuning.conftest import TINY_GRID

runner = CliRunner()


def _sets(items):
    return [a for s in items for a in ("--set", s)]


def test_tune_runs_the_grid_and_prints_exclusions_and_the_best_cell(tmp_path):
    storage = str(tmp_path / "cli.journal")
    args = ["tune", "tune-quick", *_sets(TINY_GRID + ["benchmark.repeats=1"]), "--study", "cli", "--storage", storage,
            "--no-track", "--trials", "4"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "excluded {'size_sample': 50, 'size_select': 60}: size_select must be at most size_sample (50)" in result.output
    assert f"study 'cli' in {storage}: 4 of 4 trials (complete 4); 4 added now" in result.output
    again = runner.invoke(app, args)
    assert "4 of 4 trials (complete 4); 0 added now" in again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tune", "nope"], "error: unknown study profile 'nope'"),
        (["tune", "--set", "tuning.sampler=bayes"], "error: invalid study configuration: tuning.sampler: Input should be"),
        (["tune", "--storage", "mysql://u:pw@h/d", "--no-track"], "error: storage 'mysql://u:***@h/d' is not supported"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
