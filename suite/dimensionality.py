"""Loop sizes for reduced-dimensionality benchmarks: scale with ``(free / 19) ** 2``.

The companion code of the paper shrank its loop sizes with the square of the share
of free parameters when it fixed sectors of the pMSSM. :func:`scale_loop_sizes`
does the same for ``size_initial``, ``size_sample``, ``size_select`` and
``size_max`` (``size_test`` is kept: it sets how precisely accuracy is measured),
with a floor of :data:`MIN_SIZE` points each. :func:`write_dimensionality` compares
the reports of benchmarks at several free-parameter counts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from suite.config import BenchmarkConfig

if TYPE_CHECKING:
    from suite.comparison import Report

__all__ = ["MIN_SIZE", "free_dimension", "free_dimension_of_params", "scale_loop_sizes", "write_dimensionality"]

MIN_SIZE = 10


def free_dimension(config: BenchmarkConfig) -> int:
    """Number of parameters the learner sees for ``config`` (without building the oracle)."""
    from datasets.registry import build_dataset

    dataset = config.dataset
    if dataset.fixed_sectors is not None:
        from datasets.sectors import free_parameters

        return len(free_parameters(dataset.fixed_sectors))
    if dataset.dimension is not None:
        return dataset.dimension
    if dataset.name == "susyai":
        return 19
    return build_dataset(dataset.name, **dataset.options()).space.dimension


def scale_loop_sizes(config: BenchmarkConfig, full_dimension: int = 19) -> BenchmarkConfig:
    """``config`` with its loop sizes multiplied by ``(free / full_dimension) ** 2``.

    Examples
    --------
    >>> from suite.config import load_config
    >>> cfg = scale_loop_sizes(load_config("quick", ["dataset.fixed_sectors=[ew, slepton]"]))
    >>> cfg.size_initial, cfg.size_sample, cfg.size_select, cfg.size_max
    (277, 5540, 139, 2770)
    """
    factor = (free_dimension(config) / full_dimension) ** 2
    sizes = {k: max(MIN_SIZE, round(getattr(config, k) * factor))
             for k in ("size_initial", "size_sample", "size_select", "size_max")}
    sizes["size_max"] = max(sizes["size_max"], sizes["size_initial"] + sizes["size_select"])
    sizes["size_sample"] = max(sizes["size_sample"], sizes["size_select"])
    return BenchmarkConfig.model_validate({**config.model_dump(), **sizes})


def free_dimension_of_params(params: dict[str, str]) -> int | None:
    """Free-parameter count of a logged run, from its params (None when unknown)."""
    from datasets.sectors import free_parameters

    sectors = params.get("dataset.fixed_sectors", "None")
    if sectors not in ("None", ""):
        return len(free_parameters([s for s in sectors.split(",") if s]))
    if params.get("dataset.dimension", "None") != "None":
        return int(params["dataset.dimension"])
    return 19 if params.get("dataset.name") == "susyai" else None


def write_dimensionality(reports: list[Report], folder: Path) -> list[Path]:
    """Cost-aware and label gains of several reports side by side, by free-parameter count.

    Writes ``dimensionality.csv`` (one row per report and active strategy: free
    parameters, label-gain median, break-even cost median) and ``dimensionality.png``
    (median wall-clock gain vs oracle cost, one line per configuration).
    """
    from suite.figures import cost_gain_figure

    rows: list[dict[str, object]] = []
    curves: list[pd.DataFrame] = []
    evens: dict[str, dict[str, float]] = {}
    for report in reports:
        free = free_dimension_of_params(report.runs.params)
        for name in report.pairs:
            label = f"{report.runs.name} {name} ({free} free)"
            gains = report.gains[report.gains.strategy == name]
            even = report.break_even[report.break_even.strategy == name].break_even_seconds
            even_median = float(np.median(even)) if len(even) else float("nan")
            rows.append({"config": report.runs.name, "strategy": name, "free_parameters": free,
                         "gain_median": float(gains.gain_median.iloc[0]) if len(gains) else float("nan"),
                         "break_even_seconds_median": even_median,
                         "parent_run_ids": ",".join(report.runs.parent_run_ids)})
            cost = report.cost[report.cost.strategy == name].assign(label=label)
            curves.append(cost)
            evens[label] = {"median": even_median}
    folder.mkdir(parents=True, exist_ok=True)
    table = pd.DataFrame(rows).sort_values("free_parameters", ascending=False, na_position="last")
    csv = folder / "dimensionality.csv"
    table.to_csv(csv, index=False)
    written = [csv]
    frames = [c for c in curves if len(c)]
    if frames:
        png = folder / "dimensionality.png"
        cost_gain_figure(pd.concat(frames), evens, label="label",
                         title="wall-clock gain vs oracle cost by free parameters").savefig(png)
        written.append(png)
    return written
