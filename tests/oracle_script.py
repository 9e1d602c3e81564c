"""A stand-in simulator for the external-oracle tests: the oblique hyperplane, as a program.

``python oracle_script.py MODE INPUT OUTPUT`` reads the suite's points CSV and writes
labels: allowed (1) where ``sum_i (i + 1) * (x_i - 0.5) > 0``, the boundary of
:class:`datasets.oracles.Hyperplane`. MODE makes it misbehave the way real simulator
chains do. Environment: ``ORACLE_LOG`` (append one line per labelled point),
``ORACLE_COUNTER`` + ``ORACLE_KILL_AT`` (count calls across runs; at the listed call
numbers SIGKILL the calling process, i.e. the benchmark, before labelling).
"""

from __future__ import annotations

import sys
from pathlib import Path

SCRIPT = r'''
import csv, os, signal, sys, time

mode, inp, out = sys.argv[1], sys.argv[2], sys.argv[3]
with open(inp) as fh:
    rows = list(csv.DictReader(fh))
names = [k for k in (rows[0] if rows else {}) if k != "id"]
counter = os.environ.get("ORACLE_COUNTER")
if counter:
    calls = (int(open(counter).read()) if os.path.exists(counter) else 0) + 1
    with open(counter, "w") as fh:
        fh.write(str(calls))
    if str(calls) in os.environ.get("ORACLE_KILL_AT", "").split(","):
        os.kill(os.getppid(), signal.SIGKILL)
        sys.exit(3)
if mode == "hang":
    time.sleep(60)
first = [float(r[names[0]]) for r in rows]
if mode == "crash" and any(v > 0.9 for v in first):
    print("simulator crashed on a point with x0 > 0.9", file=sys.stderr)
    sys.exit(139)
if mode == "flaky":
    flag = os.environ["ORACLE_FLAG"]
    if not os.path.exists(flag):
        open(flag, "w").close()
        print("licence server unreachable", file=sys.stderr)
        sys.exit(1)
labels = [int(sum((i + 1) * (float(r[k]) - 0.5) for i, k in enumerate(names)) > 0) for r in rows]
values = [str(v) for v in labels]
if mode == "words":
    values = ["allowed" if v else "excluded" for v in labels]
if mode == "holes":
    values = ["" if x > 0.9 else v for x, v in zip(first, values)]
if mode == "short":
    values = values[:-2]
if mode == "extra":
    values = values + ["1"]
if mode == "bad":
    values[0] = "2"
log = os.environ.get("ORACLE_LOG")
if log:
    with open(log, "a") as fh:
        for r in rows:
            fh.write(",".join(r[k] for k in names) + "\n")
with open(out, "w") as fh:
    if mode == "ids":
        fh.write("id,label\n" + "".join(f"{r['id']},{v}\n" for r, v in reversed(list(zip(rows, values)))))
    elif mode == "stdout":
        pass
    else:
        fh.write("label\n" + "".join(v + "\n" for v in values))
if mode == "stdout":
    print("\n".join(values))
'''


def write_script(folder: Path) -> Path:
    """Write the script into ``folder`` and return its path."""
    path = Path(folder) / "oracle_script.py"
    path.write_text(SCRIPT)
    return path


def command(script: Path, mode: str = "ok") -> list[str]:
    """The oracle command for ``mode``."""
    return [sys.executable, str(script), mode, "{input}", "{output}"]
