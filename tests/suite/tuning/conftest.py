"""Tiny studies on an analytic oracle, and a real PostgreSQL server for the distributed tests.

The server is started from the system's PostgreSQL binaries (installed with
``apt-get install -y postgresql`` when missing and running as root), as the
``postgres`` user when running as root, on a free local port in a temporary
folder, with a password; it is stopped after the session. Tests that need it are
skipped with the reason if no server can be started.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# 4-D hypersphere, 40 -> 160 labels: n_iterations = 1 + ceil(120 / size_select)
TINY = [
    "benchmark.dataset.name=hypersphere", "benchmark.dataset.dimension=4", "benchmark.dataset.fraction=0.3",
    "benchmark.size_initial=40", "benchmark.size_max=160", "benchmark.size_test=1000", "benchmark.repeats=2",
    "benchmark.forest.n_estimators=5", "benchmark.forest.n_jobs=1", "benchmark.seed=3",
]
# 3 x 3 grid; size_select 60 and 120 exceed size_sample 50, and 120 exceeds 100: 6 valid cells
TINY_GRID = TINY + ["tuning.sampler=grid", "tuning.grid.size_sample=[50, 100, 400]",
                    "tuning.grid.size_select=[30, 60, 120]"]
TINY_TPE = TINY + ["tuning.sampler=tpe", "tuning.grid={}", "tuning.startup_trials=2",
                   "tuning.space.size_sample={low: 20, high: 400, log: true}",
                   "tuning.space.size_select={low: 10, high: 100}"]


def _run(cmd: list[str], user: str | None) -> subprocess.CompletedProcess[str]:
    full = ["runuser", "-u", user, "--", *cmd] if user else cmd
    return subprocess.run(full, capture_output=True, text=True, timeout=120)


def _pg_bin() -> Path | None:
    for found in [shutil.which("pg_ctl"), *sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)]:
        if found:
            return Path(found).resolve().parent
    return None


def _install_postgres() -> str:
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return "PostgreSQL binaries not found and not root to install them"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", "postgresql"]):
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
        if done.returncode != 0:
            return f"`{' '.join(cmd)}` failed: {done.stderr.strip()[-300:]}"
    return ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """``postgresql://alsuite:PASSWORD@127.0.0.1:PORT/postgres`` of a server running for this session."""
    bindir = _pg_bin()
    if bindir is None:
        problem = _install_postgres()
        bindir = _pg_bin()
        if bindir is None:
            pytest.skip(f"no PostgreSQL server can be started: {problem or 'pg_ctl not found after install'}")
    user = None
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam("postgres")
            user = "postgres"
        except KeyError:
            pytest.skip("no PostgreSQL server can be started: running as root and no `postgres` user to run it as")
    folder = Path(tempfile.mkdtemp(prefix="alsuite-pg-"))
    data, password, port = folder / "data", secrets.token_hex(8), _free_port()
    (folder / "pw").write_text(password + "\n")
    if user:
        shutil.chown(folder, user)
        shutil.chown(folder / "pw", user)
    init = _run([str(bindir / "initdb"), "-D", str(data), "-U", "alsuite", "--auth=scram-sha-256",
                 f"--pwfile={folder / 'pw'}"], user)
    if init.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"no PostgreSQL server can be started: initdb failed: {init.stderr.strip()[-300:]}")
    opts = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=50"
    start = _run([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-o", opts, "-w", "start"], user)
    if start.returncode != 0:
        log = (folder / "log").read_text()[-300:] if (folder / "log").exists() else start.stderr
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"no PostgreSQL server can be started: pg_ctl start failed: {log.strip()}")
    try:
        yield f"postgresql://alsuite:{password}@127.0.0.1:{port}/postgres"
    finally:
        _run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], user)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def fresh_db(postgres_url: str) -> str:
    """A new, empty database on the session's server (one per test)."""
    import psycopg

    name = f"t_{secrets.token_hex(4)}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return postgres_url.rsplit("/", 1)[0] + f"/{name}"
