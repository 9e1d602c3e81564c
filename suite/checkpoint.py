"""Checkpoints: every label paid for is on disk before the loop goes on.

One folder per parent run, ``<checkpoint dir>/<parent run id>/``, holds

- ``config.json``: the benchmark configuration (a resume checks it);
- ``labels/*.npz``: the label cache, one segment per oracle call (points in
  physical units and their labels), written as soon as the oracle answers;
- ``<strategy>-r<repeat>.npz``: the loop state of each (strategy, repeat) after
  its last labelled batch (labelled set, generator state, iteration, steps so far),
  rewritten after every batch, and marked finished when the loop ends.

Every file is written to a temporary name in the same folder, flushed, fsynced and
atomically renamed (then the folder is fsynced), so a SIGKILL at any moment leaves
either the old file or the new one, never a torn one. The checkpoint dir defaults
to ``$ALSUITE_CHECKPOINT_DIR`` or ``./alsuite-checkpoints``.
"""

from __future__ import annotations

import io
import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

import numpy as np

from datasets.oracles.cache import LabelCache
from suite.loop import LoopState, StepRecord

__all__ = ["CheckpointStore", "atomic_write", "checkpoint_root"]

DEFAULT_DIR = "alsuite-checkpoints"


def checkpoint_root(configured: str | None = None) -> Path:
    """The folder holding one sub-folder per parent run."""
    return Path(configured or os.environ.get("ALSUITE_CHECKPOINT_DIR") or DEFAULT_DIR).expanduser()


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Write ``path`` durably: temporary file, flush, fsync, atomic rename, fsync the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        write(fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _npz(arrays: dict[str, np.ndarray]) -> Callable[[IO[bytes]], None]:
    def write(fh: IO[bytes]) -> None:
        buf = io.BytesIO()
        np.savez(buf, **arrays)  # type: ignore[arg-type]
        fh.write(buf.getvalue())

    return write


class CheckpointStore:
    """The checkpoint folder of one parent run.

    Parameters
    ----------
    folder : Path
        ``<checkpoint dir>/<parent run id>``; created on first write.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._segments = 0

    @classmethod
    def for_run(cls, run_id: str, configured_dir: str | None = None) -> CheckpointStore:
        return cls(checkpoint_root(configured_dir) / run_id)

    # -- configuration -------------------------------------------------------------
    def write_config(self, config: dict[str, Any]) -> None:
        text = json.dumps(config, indent=1).encode()

        def write(fh: IO[bytes]) -> None:
            fh.write(text)

        atomic_write(self.folder / "config.json", write)

    def read_config(self) -> dict[str, Any] | None:
        path = self.folder / "config.json"
        return json.loads(path.read_text()) if path.is_file() else None

    # -- the label cache -------------------------------------------------------------
    def save_labels(self, x: np.ndarray, y: np.ndarray) -> None:
        """Persist one batch of new labels as a cache segment."""
        self._segments += 1
        name = f"{time.time_ns():020d}-{os.getpid()}-{self._segments:06d}.npz"
        atomic_write(self.folder / "labels" / name, _npz({"x": np.asarray(x, np.float64), "y": np.asarray(y, np.int8)}))

    def label_cache(self) -> LabelCache:
        """A cache holding every label persisted so far, persisting new ones here."""
        cache = LabelCache(persist=self.save_labels)
        for path in sorted((self.folder / "labels").glob("*.npz")):
            with np.load(path) as data:
                cache.load(data["x"], data["y"])
        return cache

    # -- loop states ---------------------------------------------------------------------
    def _child(self, strategy: str, repeat: int) -> Path:
        return self.folder / f"{strategy}-r{repeat}.npz"

    def save(self, strategy: str, repeat: int, state: LoopState, *, finished: bool = False) -> None:
        """Persist the state of (strategy, repeat) after a labelled batch (or at its end)."""
        meta = {
            "iteration": state.iteration,
            "rng_state": state.rng_state,
            "records": [asdict(r) for r in state.records],
            "select_seconds": state.select_seconds,
            "label_seconds": state.label_seconds,
            "pool_state": state.pool_state,
            "unlabelled": state.unlabelled,
            "finished": finished,
        }
        arrays: dict[str, np.ndarray] = {"x": np.asarray(state.x, np.float64), "y": np.asarray(state.y, np.int8),
                  "meta": np.array(json.dumps(meta))}
        atomic_write(self._child(strategy, repeat), _npz(arrays))

    def load(self, strategy: str, repeat: int) -> tuple[LoopState, bool] | None:
        """The saved state of (strategy, repeat) and whether its loop finished; None if none."""
        path = self._child(strategy, repeat)
        if not path.is_file():
            return None
        with np.load(path) as data:
            x, y, meta = data["x"], data["y"], json.loads(str(data["meta"]))
        state = LoopState(
            iteration=meta["iteration"],
            x=x,
            y=y,
            rng_state=meta["rng_state"],
            records=[StepRecord(**r) for r in meta["records"]],
            select_seconds=meta["select_seconds"],
            label_seconds=meta["label_seconds"],
            pool_state=meta["pool_state"],
            unlabelled=meta["unlabelled"],
        )
        return state, bool(meta["finished"])

    def files(self) -> list[Path]:
        """Every checkpoint file (for logging them as MLflow artifacts)."""
        return sorted(p for p in self.folder.rglob("*") if p.is_file() and not p.name.startswith("."))
