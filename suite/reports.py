"""Tables of a finished benchmark: final scores, gains, and their files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from suite.benchmark import BenchmarkResult

__all__ = ["final_scores", "format_summary", "write_summary"]


def final_scores(curves: pd.DataFrame) -> pd.DataFrame:
    """Accuracy at the last step per strategy: min / median / max over repeats."""
    last = curves.loc[curves.groupby(["strategy", "repeat"], sort=False).step.idxmax()]
    table = last.groupby("strategy", sort=False).agg(
        labelled=("step", "max"),
        repeats=("repeat", "nunique"),
        accuracy_min=("accuracy", "min"),
        accuracy_median=("accuracy", "median"),
        accuracy_max=("accuracy", "max"),
    )
    return table.reset_index()


def format_summary(result: BenchmarkResult) -> str:
    """The console table printed at the end of a run."""
    lines = ["Final accuracy (min / median / max over repeats):", final_scores(result.curves).to_string(index=False)]
    gains = result.gain_summary()
    if len(gains):
        gains = gains.astype({"gain_repeats": int, "gain_reached": int})
        lines += ["", "Gain N_random / N_active (eq. 2; 0 = random's best accuracy never reached):",
                  gains.to_string(index=False, float_format=lambda v: f"{v:.3f}")]
    else:
        lines += ["", "No gain computed: run an active strategy together with its random baseline."]
    return "\n".join(lines)


def write_summary(result: BenchmarkResult, folder: Path) -> list[Path]:
    """Write ``curves.csv``, ``gains.csv`` and ``summary.json`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    curves = folder / "curves.csv"
    result.curves.to_csv(curves, index=False)
    gains_rows = [
        {"strategy": name, "repeat": repeat, **gain.as_dict()}
        for name, by_repeat in result.gains.items()
        for repeat, gain in by_repeat.items()
    ]
    gains = folder / "gains.csv"
    pd.DataFrame(gains_rows).to_csv(gains, index=False)
    summary = folder / "summary.json"
    summary.write_text(
        json.dumps(
            {
                "config": result.config.model_dump(),
                "final_scores": final_scores(result.curves).to_dict(orient="records"),
                "gains": result.gain_summary().to_dict(orient="records"),
                "gains_per_repeat": gains_rows,
            },
            indent=2,
            default=str,
        )
    )
    return [curves, gains, summary]
