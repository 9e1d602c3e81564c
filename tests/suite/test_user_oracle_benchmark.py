"""A benchmark on a user's oracle: config sections, excluded points, the parallel guard."""

import textwrap

import numpy as np
import pytest

from datasets.oracles import OracleError
from datasets.space import Space
from suite.benchmark import run_benchmark
from suite.config import load_config
from suite.errors import ConfigError
from suite.seeding import stream

MODULE = '''
import numpy as np

def plane_with_holes(points):
    """The 3-D oblique plane; no label where x0 > 0.8 (the 'simulator' crashes there)."""
    x = points.to_numpy()
    y = ((x - 0.5) @ np.array([1.0, 2.0, 3.0]) > 0).astype(float)
    y[x[:, 0] > 0.8] = np.nan
    return y
'''
TINY = ["size_initial=30", "size_sample=200", "size_select=20", "size_max=90", "size_test=400", "repeats=1",
        "forest.n_estimators=5", "forest.n_jobs=1", "strategies=rf-qbc"]


@pytest.fixture
def holes(tmp_path, monkeypatch):
    (tmp_path / "holes_sim.py").write_text(textwrap.dedent(MODULE))
    monkeypatch.syspath_prepend(str(tmp_path))
    return "holes_sim:plane_with_holes"


def test_excluded_points_are_dropped_and_counted(holes):
    space = "{names: [x0, x1, x2], lower: [0, 0, 0], upper: [1, 1, 1]}"
    cfg = load_config("quick", TINY + [f"oracle.function={holes}", "oracle.on_failure=exclude",
                                       f"oracle.space={space}"])
    curves = run_benchmark(cfg, progress=False).curves
    x0 = Space.unit_cube(3).sample(30, stream(cfg.seed, 0, "initial"))
    holes_in_initial = int((x0[:, 0] > 0.8).sum())
    assert holes_in_initial > 0
    steps, unlabelled = curves.step.to_numpy(), curves.unlabelled.to_numpy()
    assert steps[0] == 30 - holes_in_initial and unlabelled[0] == 0
    assert steps[-1] == 90
    requested = np.diff(steps) + np.diff(unlabelled)  # every selected point: labelled or counted
    np.testing.assert_array_equal(requested, np.minimum(20, 90 - steps[:-1]))
    assert unlabelled[-1] > 0
    np.testing.assert_array_equal(curves.oracle_calls.to_numpy(), steps + unlabelled)


def test_labels_come_from_the_user_function(holes, tmp_path):
    # with on_failure=fail the holes stop the run, naming the function and rows
    cfg = load_config("quick", TINY + [f"oracle.function={holes}", "dataset.name=hyperplane", "dataset.dimension=3"])
    with pytest.raises(OracleError, match=r"Python oracle 'holes_sim:plane_with_holes' gave no valid label to \d+ of 30"):
        run_benchmark(cfg, progress=False)


@pytest.mark.parametrize(("overrides", "message"), [
    (["labelling.workers=2"], "parallel labelling .* applies to a user's oracle"),
    (["oracle.command=[sim]", "oracle.function=a:b"], "exactly one of command .* but got \\['command', 'function'\\]"),
    (["oracle.retries=-1", "oracle.function=a:b"], "oracle.retries: Input should be greater than or equal to 0"),
    (["oracle.shell=true", "oracle.command=[a, b]"], "oracle.shell=true needs command as one string"),
    (["oracle.function=a:b", "oracle.labels={yes: 1, no: 2}"], "labels must map raw values to 0"),
    (["oracle.function=a:b", "oracle.space={names: [a, b], lower: [0], upper: [1, 1]}"], "one bound per name"),
    (["checkpoint.every=3"], "checkpoint.every: is not a known setting"),
])
def test_config_errors_name_the_setting(overrides, message):
    with pytest.raises(ConfigError, match=message):
        load_config("quick", overrides)


def test_word_coding_from_yaml():
    cfg = load_config("quick", ["oracle.command=[sim, '{input}', '{output}']", "oracle.labels={allowed: 1, excluded: 0}"])
    assert cfg.oracle.labels == {"allowed": 1, "excluded": 0} and cfg.oracle.command == ["sim", "{input}", "{output}"]
