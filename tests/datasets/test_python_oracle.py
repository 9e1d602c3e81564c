"""The Python-callable oracle given by import path."""

import textwrap

import numpy as np
import pytest

from datasets.oracles import CallableOracle, Hyperplane, OracleError
from datasets.oracles.python import resolve_callable
from datasets.space import Space

SPACE = Space(["M1", "mu", "tanb"], [0, 0, 0], [1, 1, 1])
MODULE = '''
import numpy as np

calls = []

def plane(points, weight=1.0):
    calls.append(len(points))
    assert list(points.columns) == ["M1", "mu", "tanb"]
    return (points.to_numpy() - 0.5) @ np.array([1.0, 2.0, 3.0]) * weight > 0

def words(points):
    return ["allowed" if v else "excluded" for v in plane(points)]

def gaps(points):
    out = plane(points).astype(float)
    out[points["M1"].to_numpy() > 0.9] = np.nan
    return out

def boom(points):
    raise RuntimeError("spectrum generator diverged")

def short(points):
    return [1] * (len(points) - 1)

not_callable = 3
'''


@pytest.fixture
def module(tmp_path, monkeypatch):
    (tmp_path / "my_sim.py").write_text(textwrap.dedent(MODULE))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "my_sim"
    import sys

    sys.modules.pop("my_sim", None)


@pytest.fixture
def points():
    x = SPACE.sample(30, np.random.default_rng(2))
    x[:, 0] *= 0.8
    x[[4, 9], 0] = 0.95
    return x


def test_labels_match_the_plane_with_named_columns(module, points):
    expected = Hyperplane(3).label(points)
    np.testing.assert_array_equal(CallableOracle(SPACE, f"{module}:plane").label(points), expected)
    coded = CallableOracle(SPACE, f"{module}:words", labels={"allowed": 1, "excluded": 0})
    np.testing.assert_array_equal(coded.label(points), expected)
    flipped = CallableOracle(SPACE, f"{module}:plane", kwargs={"weight": -1.0}).label(points)
    np.testing.assert_array_equal(flipped, 1 - expected)


def test_nan_means_no_label_and_is_excluded_or_fails(module, points):
    y, ok = CallableOracle(SPACE, f"{module}:gaps", on_failure="exclude").label_partial(points)
    assert np.flatnonzero(~ok).tolist() == [4, 9]
    np.testing.assert_array_equal(y[ok], Hyperplane(3).label(points)[ok])
    with pytest.raises(OracleError, match=r"Python oracle 'my_sim:gaps' gave no valid label to 2 of 30 points"):
        CallableOracle(SPACE, f"{module}:gaps").label(points)


def test_retries_call_again_with_the_failed_points_only(module, points):
    import my_sim

    my_sim.calls.clear()
    CallableOracle(SPACE, f"{module}:gaps", retries=2, on_failure="exclude").label_partial(points)
    assert my_sim.calls == [30, 2, 2]


def test_exceptions_and_wrong_lengths_are_reported(module, points):
    with pytest.raises(OracleError, match="my_sim:boom raised RuntimeError: spectrum generator diverged"):
        CallableOracle(SPACE, f"{module}:boom").label(points)
    with pytest.raises(OracleError, match="my_sim:short returned 29 labels for 30 points"):
        CallableOracle(SPACE, f"{module}:short").label(points)


def test_import_path_errors(module):
    with pytest.raises(ValueError, match="must look like 'package.module:function', but got 'my_sim.plane'"):
        resolve_callable("my_sim.plane")
    with pytest.raises(ValueError, match="cannot import module 'no_such_sim'"):
        resolve_callable("no_such_sim:f")
    with pytest.raises(ValueError, match="module 'my_sim' has no attribute 'nope'"):
        resolve_callable("my_sim:nope")
    with pytest.raises(ValueError, match="is a int, not a callable"):
        resolve_callable("my_sim:not_callable")


def test_pickles_without_the_function(module):
    import pickle

    oracle = CallableOracle(SPACE, f"{module}:plane")
    copy = pickle.loads(pickle.dumps(oracle))
    assert copy._function is None
    np.testing.assert_array_equal(copy.label(np.full((1, 3), 0.9)), [1])
