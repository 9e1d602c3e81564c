"""Several workers on one study: exactly the requested total, no grid cell twice, no lock errors.

The journal test starts two real ``alsuite tune`` processes at once; the PostgreSQL
test runs ``--workers 2`` against a real server (see conftest.py).
"""

import os
import subprocess
import sys
from pathlib import Path

import mlflow
import optuna
import pytest
from optuna.trial import TrialState

from suite.tuning import load_study_config, run_study
from tests.suite.tuning.conftest import TINY_GRID, TINY_TPE

ROOT = Path(__file__).resolve().parents[3]


def _cli(args, env):
    cmd = [sys.executable, "-m", "suite.cli", "tune", "tune-quick", *args]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_two_cli_processes_on_the_journal_share_the_grid(tmp_path):
    storage = str(tmp_path / "shared.journal")
    sets = [a for s in TINY_GRID + ["tuning.study=two", "benchmark.repeats=1"] for a in ("--set", s)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [_cli([*sets, "--trials", "5", "--storage", storage, "--no-track"], env) for _ in range(2)]
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert not any("lock" in out.lower() or "Traceback" in out for out in outputs), outputs
    study = optuna.load_study(study_name="two", storage=optuna.storages.JournalStorage(
        optuna.storages.journal.JournalFileBackend(storage)))
    trials = study.get_trials()
    assert len(trials) == 5 and all(t.state == TrialState.COMPLETE for t in trials)
    cells = [(t.params["size_sample"], t.params["size_select"]) for t in trials]
    assert len(set(cells)) == 5  # no cell twice
    assert sum(out.count(" COMPLETE ") for out in outputs) == 5, outputs  # each trial run by one process


@pytest.mark.mlflow
def test_two_workers_on_postgres_give_exactly_n_trials_and_never_log_the_password(fresh_db, tracking_uri):
    cfg = load_study_config("tune-quick", TINY_TPE + ["tuning.study=pg", "benchmark.repeats=1"])
    summary = run_study(cfg, storage=fresh_db, trials=5, workers=2)
    assert summary.n_trials == 5 and summary.ran_here == 5
    study = optuna.load_study(study_name="pg", storage=fresh_db)
    assert [t.number for t in study.get_trials()] == [0, 1, 2, 3, 4]
    assert all(t.state.is_finished() for t in study.get_trials())

    password = fresh_db.split(":")[2].split("@")[0]
    client = mlflow.MlflowClient(tracking_uri)
    parent = client.get_run(summary.parent_run_id)
    masked = fresh_db.replace(password, "***").replace("postgresql://", "postgresql+psycopg://")
    assert parent.data.tags["storage"] == masked
    runs = client.search_runs([parent.info.experiment_id])
    assert len(runs) == 6  # the study's parent and one child per trial
    for run in runs:
        logged = " ".join([*run.data.params.values(), *run.data.tags.values()])
        assert password not in logged
    assert password not in summary.storage
