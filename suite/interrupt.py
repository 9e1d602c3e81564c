"""Ctrl-C that stops a benchmark cleanly, after the current oracle batch is saved.

Inside :func:`graceful_sigint` the first SIGINT only sets a flag; the benchmark
checks it after each checkpoint and raises :class:`BenchmarkInterrupted`, which
carries the command that resumes the run. A second SIGINT interrupts at once
(the default behaviour), losing at most the batch being labelled.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["BenchmarkInterrupted", "StopFlag", "graceful_sigint"]


class BenchmarkInterrupted(KeyboardInterrupt):
    """The benchmark stopped on request after saving its last labelled batch."""

    def __init__(self, parent_run_id: str, checkpoint_dir: str) -> None:
        self.parent_run_id = parent_run_id
        self.checkpoint_dir = checkpoint_dir
        super().__init__(f"interrupted; every label paid for is saved in {checkpoint_dir}")

    def resume_command(self) -> str:
        return f"alsuite run --resume {self.parent_run_id}"


class StopFlag:
    """Set by the first SIGINT."""

    requested = False


@contextmanager
def graceful_sigint() -> Iterator[StopFlag]:
    """Turn the first SIGINT into a stop request (main thread only; elsewhere a no-op)."""
    flag = StopFlag()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        flag.requested = True
        signal.signal(signal.SIGINT, signal.default_int_handler)
        print("\nalsuite: stopping after the current oracle batch is saved (Ctrl-C again to stop now)",
              file=sys.stderr, flush=True)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)
