"""Shared fixtures: the data directory, a throwaway MLflow store, the SUSY-AI oracle."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def susyai_path() -> Path | None:
    """The SUSY-AI file in ``ALSUITE_DATA_DIR`` (or ``../shared/data``), if present."""
    for folder in (os.environ.get("ALSUITE_DATA_DIR"), SHARED_DATA):
        if folder and (Path(folder) / "susyai.hdf5").is_file():
            return Path(folder) / "susyai.hdf5"
    return None


@pytest.fixture(scope="session")
def susyai_file() -> Path:
    path = susyai_path()
    if path is None:
        pytest.skip("susyai.hdf5 not found: set ALSUITE_DATA_DIR to the folder holding it")
    return path


@pytest.fixture(scope="session")
def susyai_oracle(susyai_file: Path):  # type: ignore[no-untyped-def]
    from datasets.oracles.susyai import SusyAIOracle

    return SusyAIOracle(susyai_file)


@pytest.fixture
def tracking_uri(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh SQLite MLflow store (and checkpoint folder) per test, with no inherited run or experiment."""
    monkeypatch.setenv("ALSUITE_CHECKPOINT_DIR", str(tmp_path / "checkpoints"))
    for var in ("MLFLOW_RUN_ID", "MLFLOW_EXPERIMENT_ID", "MLFLOW_EXPERIMENT_NAME"):
        monkeypatch.delenv(var, raising=False)
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    return uri
