"""An oracle that runs the user's program (a simulator chain) on a file of points.

Per call the suite writes the points to a CSV file in physical units, with a
header ``id,<parameter names>`` (``id`` = 0, 1, ... in batch order), runs the
command and reads one label per point back. The program writes its labels as

- one value per line in input order, optionally under a header ``label`` (an
  empty line means "no label for this point"); or
- rows ``id,label`` under a header holding ``id`` and ``label`` (any order).

Labels go through a declared coding (default ``0``/``1``; e.g.
``{"allowed": 1, "excluded": 0}``). Placeholders in the command: ``{input}`` (the
points file; without it the CSV goes to the program's standard input) and
``{output}`` (the labels file; without it labels are read from standard output).
The command is an argument list run without a shell unless ``shell=True``. The
program runs in its own process group, so Ctrl-C in the terminal reaches the suite
(which then stops cleanly after the batch) and not the simulator, and a timeout
kills the whole group.
"""

from __future__ import annotations

import csv
import io
import os
import shlex
import signal
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from datasets.oracles._base import OracleError
from datasets.oracles._fallible import Attempt, FallibleOracle, OnFailure, _rows, check_coding, decode
from datasets.space import Space

__all__ = ["CommandOracle", "read_labels", "write_points"]

INPUT, OUTPUT = "{input}", "{output}"


def write_points(x: np.ndarray, names: Sequence[str]) -> str:
    """The CSV text of a batch: header ``id,<names>``, full float64 precision."""
    buf = io.StringIO()
    buf.write(",".join(["id", *names]) + "\n")
    for i, row in enumerate(np.asarray(x, dtype=np.float64)):
        buf.write(f"{i}," + ",".join(repr(float(v)) for v in row) + "\n")
    return buf.getvalue()


def read_labels(text: str, n: int, coding: Mapping[str, int]) -> Attempt:
    """Parse a program's labels for ``n`` points and validate them against ``coding``."""
    rows = list(csv.reader(io.StringIO(text)))
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()  # trailing blank lines; a blank line inside means "no label for this point"
    header = [c.strip().lower() for c in rows[0]] if rows else []
    values: list[object] = [_MISSING] * n
    if "label" in header:
        rows, column = rows[1:], header.index("label")
    elif rows and len(rows[0]) != 1:
        return Attempt.failed(n, f"output has {len(rows[0])} columns but no header naming 'label' (and 'id')")
    else:
        column = 0
    if "id" in header:
        id_col = header.index("id")
        for r in rows:
            try:
                i = int(r[id_col])
            except (ValueError, IndexError):
                return Attempt.failed(n, f"unreadable id in output row {r}")
            if not 0 <= i < n or values[i] is not _MISSING:
                why = "unknown" if not 0 <= i < n else "duplicate"
                return Attempt.failed(n, f"{why} id {i} in the output (extra rows; ids must be 0..{n - 1}, once each)")
            values[i] = r[column] if column < len(r) else None
    else:
        if len(rows) > n:
            extra = _rows(range(n, len(rows)))
            return Attempt.failed(n, f"returned {len(rows)} rows for {n} points (extra rows {extra})")
        for i, r in enumerate(rows):
            values[i] = r[column] if column < len(r) else None
    missing = [i for i, v in enumerate(values) if v is _MISSING]
    y, ok, problems = decode([None if v is _MISSING else v for v in values], coding)
    if missing:
        problems = [p for p in problems if not p.startswith("no label")]
        problems.insert(0, f"returned {n - len(missing)} rows for {n} points (missing rows {_rows(missing)})")
        empty = [i for i, v in enumerate(values) if v is not _MISSING and not ok[i] and not str(v or "").strip()]
        if empty:
            problems.append(f"no label for rows {_rows(empty)}")
    return Attempt(y, ok, problems)


_MISSING = object()


class CommandOracle(FallibleOracle):
    """Labels points by running a program; see the module docstring for the file formats.

    Parameters
    ----------
    space : Space
        The parameter box; its names are the CSV columns.
    command : sequence of str, or str
        Argument list (a string is split with :func:`shlex.split`), with optional
        ``{input}`` / ``{output}`` placeholders. With ``shell=True`` a string run
        by ``/bin/sh`` (placeholders replaced by quoted paths).
    labels : mapping, optional
        The coding of the program's labels, raw text -> 0 (excluded) / 1 (allowed).
    timeout : float, optional
        Seconds one call may take; the program's process group is killed after it.
    retries, on_failure
        See :class:`~datasets.oracles._fallible.FallibleOracle`.
    workdir : str or Path, optional
        Where the per-call temporary folders go (default: the system temp folder).
    env : mapping, optional
        Extra environment variables for the program.

    Examples
    --------
    >>> import sys
    >>> from datasets.space import Space
    >>> code = "import sys; n = len(sys.stdin.read().splitlines()) - 1; print(*['1'] * n, sep=chr(10))"
    >>> oracle = CommandOracle(Space.unit_cube(2), [sys.executable, "-c", code])
    >>> oracle.label(np.zeros((3, 2))).tolist()
    [1, 1, 1]
    """

    def __init__(
        self,
        space: Space,
        command: Sequence[str] | str,
        *,
        labels: Mapping[Any, int] | None = None,
        timeout: float | None = None,
        retries: int = 0,
        on_failure: OnFailure = "fail",
        shell: bool = False,
        workdir: str | Path | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(space, retries=retries, on_failure=on_failure)
        if shell and not isinstance(command, str):
            command = shlex.join(command)
        if not shell and isinstance(command, str):
            command = shlex.split(command)
        if not command:
            raise ValueError("command must name a program to run, but got an empty command.")
        if timeout is not None and timeout <= 0:
            raise ValueError(f"timeout must be positive (seconds), but got timeout={timeout}.")
        self.command: str | list[str] = command if isinstance(command, str) else [str(c) for c in command]
        self.shell = bool(shell)
        self.coding = check_coding(labels)
        self.timeout = timeout
        self.workdir = str(workdir) if workdir is not None else None
        self.env = dict(env or {})

    def describe(self) -> str:
        return f"external oracle {self.command!r}"

    def _args(self, inp: str, out: str) -> str | list[str]:
        if isinstance(self.command, str):
            return self.command.replace(INPUT, shlex.quote(inp)).replace(OUTPUT, shlex.quote(out))
        return [a.replace(INPUT, inp).replace(OUTPUT, out) for a in self.command]

    def _attempt(self, x: np.ndarray) -> Attempt:
        text = write_points(x, self.space.names)
        joined = self.command if isinstance(self.command, str) else " ".join(self.command)
        with tempfile.TemporaryDirectory(prefix="alsuite-oracle-", dir=self.workdir) as tmp:
            inp, out = str(Path(tmp) / "points.csv"), str(Path(tmp) / "labels.csv")
            Path(inp).write_text(text)
            args = self._args(inp, out)
            try:
                proc = subprocess.Popen(
                    args,
                    shell=self.shell,
                    stdin=subprocess.DEVNULL if INPUT in joined else subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    start_new_session=True,
                    env={**os.environ, **self.env},
                    cwd=tmp,
                )
            except OSError as exc:
                raise OracleError(f"{self.describe()} could not be started: {exc}. Check the program path.") from None
            try:
                stdout, stderr = proc.communicate(None if INPUT in joined else text, timeout=self.timeout)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                return Attempt.failed(len(x), f"command {args!r} timed out after {self.timeout} s and was killed")
            except BaseException:
                _kill_group(proc)
                raise
            if proc.returncode != 0:
                tail = " | ".join(stderr.strip().splitlines()[-3:])
                return Attempt.failed(
                    len(x), f"command {args!r} exited with status {proc.returncode} on rows "
                    f"{_rows(range(len(x)))}" + (f" (stderr: {tail})" if tail else "")
                )
            if OUTPUT in joined:
                if not Path(out).is_file():
                    return Attempt.failed(len(x), f"command {args!r} exited 0 but wrote no output file {out}")
                stdout = Path(out).read_text()
            result = read_labels(stdout, len(x), self.coding)
            result.problems = [f"command {args!r}: {p}" for p in result.problems]
            return result


def _kill_group(proc: subprocess.Popen[str]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.communicate()
