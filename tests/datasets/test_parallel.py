"""Parallel labelling keeps input order, over local processes and a local Dask cluster."""

import os
import textwrap

import numpy as np
import pytest

from datasets.oracles import CallableOracle, CommandOracle, Hyperplane, OracleError, ParallelOracle
from datasets.oracles.parallel import split_batch
from datasets.space import Space
from tests.oracle_script import command, write_script

SPACE = Space.unit_cube(3)
MODULE = '''
import os, time

def slow_plane(points):
    """The chunk whose first point has x1 == 0 takes 2 s, the others 0.05 s."""
    time.sleep(2.0 if points["x1"].iloc[0] == 0 else 0.05)
    with open(os.environ["FINISH_LOG"], "a") as fh:
        fh.write(f"{points['x1'].iloc[0]}\\n")
    return ((points.to_numpy() - 0.5) @ [1.0, 2.0, 3.0] > 0).astype(int)

def fails_on_big_x0(points):
    if (points["x0"] > 0.95).any():
        raise ValueError("no convergence")
    return [0] * len(points)
'''


def test_split_batch():
    assert split_batch(10, 3, None) == [slice(0, 4), slice(4, 8), slice(8, 10)]
    assert split_batch(5, 2, 2) == [slice(0, 2), slice(2, 4), slice(4, 5)]
    assert split_batch(0, 4, None) == []


@pytest.fixture
def slow_module(tmp_path, monkeypatch):
    (tmp_path / "slow_sim.py").write_text(textwrap.dedent(MODULE))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("FINISH_LOG", str(tmp_path / "finished"))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    return tmp_path


def _ordered_points():
    """4 chunks of 3 points; chunk k has x1 = k / 10 in its first row."""
    x = np.random.default_rng(7).random((12, 3))
    x[::3, 1] = np.arange(4) / 10
    return x


def test_process_pool_returns_input_order_whatever_finishes_first(slow_module):
    x = _ordered_points()
    with ParallelOracle(CallableOracle(SPACE, "slow_sim:slow_plane"), workers=2, chunk_size=3) as oracle:
        oracle.label(np.full((6, 3), 0.5))  # warm-up: both workers running
        (slow_module / "finished").unlink()
        y = oracle.label(x)
    np.testing.assert_array_equal(y, Hyperplane(3).label(x))
    finished = [round(float(v) * 10) for v in (slow_module / "finished").read_text().split()]
    assert finished == [1, 2, 3, 0]  # chunk 0 finished last, its labels still come first


def test_a_failing_chunk_names_its_rows(slow_module):
    x = np.zeros((6, 3))
    x[4, 0] = 0.99
    inner = CallableOracle(SPACE, "slow_sim:fails_on_big_x0", on_failure="exclude")
    with ParallelOracle(inner, workers=2) as oracle:
        assert oracle.label_partial(x).labelled.tolist() == [True] * 3 + [False] * 3
        inner.on_failure = "fail"  # the inner oracle is shipped with every chunk
        with pytest.raises(OracleError, match=r"chunk of batch rows 3\.\.5: .*raised ValueError: no convergence"):
            oracle.label(x)


def test_bad_settings():
    with pytest.raises(ValueError, match="workers must be at least 1, but got workers=0"):
        ParallelOracle(Hyperplane(2), workers=0)
    with pytest.raises(ValueError, match="chunk_size must be at least 1"):
        ParallelOracle(Hyperplane(2), chunk_size=0)


def test_dask_cluster_labels_in_input_order(tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    script = write_script(tmp_path)
    monkeypatch.setenv("ORACLE_LOG", str(tmp_path / "log"))
    x = SPACE.sample(50, np.random.default_rng(11))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=2, processes=True, dashboard_address=None) as cluster:
        inner = CommandOracle(SPACE, command(script, "ids"))
        with ParallelOracle(inner, scheduler=cluster.scheduler_address, chunk_size=7) as oracle:
            y = oracle.label(x)
            assert oracle._n_slots() == 4
    np.testing.assert_array_equal(y, Hyperplane(3).label(x))
    assert len((tmp_path / "log").read_text().splitlines()) == 50  # every point labelled once
