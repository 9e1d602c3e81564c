"""Checkpoints and resume: kill the benchmark (a real subprocess) and continue it.

The oracle is the plane-as-a-program of ``tests/oracle_script.py``; it logs every
point it labels and, at chosen call numbers, SIGKILLs the benchmark that called it.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import mlflow
import pytest
import yaml

from suite.benchmark import run_benchmark
from suite.checkpoint import CheckpointStore
from suite.config import load_config
from suite.tracking import Tracker
from tests.oracle_script import command, write_script

pytestmark = pytest.mark.mlflow
ROOT = Path(__file__).resolve().parents[2]
# 10 oracle calls: initial set, test set, 4 batches of rf-random, 4 of rf-qbc.
SETTINGS = {
    "name": "resume-test",
    "dataset": {"name": "hyperplane", "dimension": 3},
    "strategies": ["rf-random", "rf-qbc"],
    "size_initial": 20, "size_sample": 200, "size_select": 10, "size_max": 60, "size_test": 300,
    "repeats": 1, "seed": 5, "forest": {"n_estimators": 5, "n_jobs": 1},
}
NOT_TIMINGS = ("accuracy", "auc", "brier", "log_loss", "f1", "oracle_calls", "unlabelled")


def _config_file(tmp_path: Path, script: Path, **extra) -> Path:
    settings = {**SETTINGS, "oracle": {"command": command(script)}, **extra}
    path = tmp_path / "bench.yaml"
    path.write_text(yaml.safe_dump(settings))
    return path


def _cli(args, env, **kwargs):
    return subprocess.run([sys.executable, "-m", "suite.cli", "run", *args, "--no-progress"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, **kwargs)


def _env(tmp_path, uri, **extra):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MLFLOW_TRACKING_URI": uri,
           "ALSUITE_CHECKPOINT_DIR": str(tmp_path / "checkpoints"), "ORACLE_LOG": str(tmp_path / "oracle.log"),
           "ORACLE_COUNTER": str(tmp_path / "calls"), **extra}
    for var in ("MLFLOW_RUN_ID", "MLFLOW_EXPERIMENT_ID", "MLFLOW_EXPERIMENT_NAME"):
        env.pop(var, None)
    return env


def _children(uri, parent):
    client = mlflow.MlflowClient(uri)
    exp = client.get_run(parent).info.experiment_id
    runs = client.search_runs([exp], f"tags.mlflow.parentRunId = '{parent}'")
    out = {}
    for run in runs:
        key = (run.data.tags["strategy"], run.data.tags["repeat"])
        assert key not in out, f"two child runs for {key}"
        out[key] = (run, {m: [(h.step, h.value) for h in client.get_metric_history(run.info.run_id, m)]
                          for m in NOT_TIMINGS})
    return out


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The uninterrupted run (in-process): its metrics and the points its oracle labelled."""
    tmp = tmp_path_factory.mktemp("reference")
    script = write_script(tmp)
    uri = f"sqlite:///{tmp / 'mlflow.db'}"
    saved = {k: os.environ.get(k) for k in ("ORACLE_LOG", "ALSUITE_CHECKPOINT_DIR")}
    os.environ.update(ORACLE_LOG=str(tmp / "oracle.log"), ALSUITE_CHECKPOINT_DIR=str(tmp / "checkpoints"))
    try:
        cfg = load_config(str(_config_file(tmp, script)))
        result = run_benchmark(cfg, tracker=Tracker(cfg, tracking_uri=uri), progress=False)
    finally:
        for k, v in saved.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    points = (tmp / "oracle.log").read_text().splitlines()
    return {"children": _children(uri, result.parent_run_id), "points": points,
            "gains": mlflow.MlflowClient(uri).get_run(result.parent_run_id).data.metrics}


def _assert_same_as_reference(uri, parent, reference):
    children = _children(uri, parent)
    assert children.keys() == reference["children"].keys()
    for key, (run, metrics) in children.items():
        assert run.info.status == "FINISHED"
        assert metrics == reference["children"][key][1], key   # same steps, same values, no step twice
        assert run.data.metrics["gain" if key[0] == "rf-qbc" else "accuracy"] == \
            reference["children"][key][0].data.metrics["gain" if key[0] == "rf-qbc" else "accuracy"]
    parent_metrics = mlflow.MlflowClient(uri).get_run(parent).data.metrics
    assert {k: v for k, v in parent_metrics.items() if k.startswith("gain")} == \
        {k: v for k, v in reference["gains"].items() if k.startswith("gain")}
    assert mlflow.MlflowClient(uri).get_run(parent).info.status == "FINISHED"


def _parent_of(tmp_path):
    (folder,) = (tmp_path / "checkpoints").iterdir()
    return folder.name


@pytest.mark.parametrize("kill_at", ["5,9"] + [pytest.param(k, marks=pytest.mark.slow) for k in ["1", "2", "3", "7,8", "10"]])
def test_killed_runs_resume_to_the_same_metrics_without_paying_twice(tmp_path, reference, kill_at):
    script = write_script(tmp_path)
    cfg = _config_file(tmp_path, script)
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    env = _env(tmp_path, uri, ORACLE_KILL_AT=kill_at)
    first = _cli([str(cfg)], env)
    assert first.returncode == -signal.SIGKILL, first.stderr
    parent = _parent_of(tmp_path)
    for _ in kill_at.split(",")[1:]:          # interrupted again while resuming
        again = _cli(["--resume", parent], env)
        assert again.returncode == -signal.SIGKILL, again.stderr
    done = _cli(["--resume", parent], env)
    assert done.returncode == 0, done.stderr
    _assert_same_as_reference(uri, parent, reference)
    points = (tmp_path / "oracle.log").read_text().splitlines()
    assert len(points) == len(reference["points"]) == 20 + 300 + 2 * 40   # no label paid twice
    assert sorted(points) == sorted(reference["points"])
    store = CheckpointStore(tmp_path / "checkpoints" / parent)
    state, finished = store.load("rf-qbc", 0)
    assert finished and len(state.y) == 60 and state.iteration == 4
    artifacts = {a.path for a in mlflow.MlflowClient(uri).list_artifacts(parent, "checkpoints")}
    assert {"checkpoints/config.json", "checkpoints/rf-qbc-r0.npz", "checkpoints/rf-random-r0.npz",
            "checkpoints/labels"} <= artifacts


def test_sigint_stops_after_the_batch_is_saved_and_prints_the_resume_command(tmp_path, reference):
    script = write_script(tmp_path)
    slow = [sys.executable, "-c", "import subprocess, sys, time; time.sleep(0.4); "
            "sys.exit(subprocess.call(sys.argv[1:]))", *command(script)]
    cfg = _config_file(tmp_path, script, oracle={"command": slow})
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    env = _env(tmp_path, uri)
    proc = subprocess.Popen([sys.executable, "-m", "suite.cli", "run", str(cfg), "--no-progress"], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while not list((tmp_path / "checkpoints").glob("*/rf-random-r0.npz")) and time.time() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    parent = _parent_of(tmp_path)
    assert f"Resume with: alsuite run --resume {parent}" in err
    state, finished = CheckpointStore(tmp_path / "checkpoints" / parent).load("rf-random", 0)
    assert not finished and 1 <= state.iteration <= 3
    assert len((tmp_path / "oracle.log").read_text().splitlines()) == 320 + 10 * state.iteration  # nothing lost
    client = mlflow.MlflowClient(uri)
    assert client.get_run(parent).info.status == "KILLED"
    done = _cli(["--resume", parent], env)
    assert done.returncode == 0, done.stderr
    _assert_same_as_reference(uri, parent, reference)
    assert len((tmp_path / "oracle.log").read_text().splitlines()) == 400


def test_resume_refuses_a_different_benchmark_and_unknown_runs(tmp_path, tracking_uri):
    from suite.errors import ConfigError
    from suite.resume import resume_config

    with pytest.raises(ConfigError, match=r"cannot resume run 'nope': no checkpoint in .*nope"):
        resume_config("nope", None, [])
    store = CheckpointStore.for_run("abc")
    store.write_config(load_config("demo-hypersphere").model_dump(mode="json"))
    assert resume_config("abc", None, ["labelling.cache=false"]).labelling.cache is False
    with pytest.raises(ConfigError, match=r"with different settings \(size_max: '2000' -> '3000'\)"):
        resume_config("abc", None, ["size_max=3000"])
    with pytest.raises(ConfigError, match=r"dataset.dimension: '5' -> 'None'"):
        resume_config("abc", "quick", ["dataset.name=hypersphere"])


def test_cli_resume_errors_are_one_line(tracking_uri):
    from typer.testing import CliRunner

    from suite.cli import app

    result = CliRunner().invoke(app, ["run", "--resume", "nope"])
    assert result.exit_code == 2 and "error: cannot resume run 'nope': no checkpoint in" in result.output
    result = CliRunner().invoke(app, ["run", "--resume", "nope", "--no-track"])
    assert result.exit_code == 2 and "error: --resume continues a tracked run; drop --no-track." in result.output
