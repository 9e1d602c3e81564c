"""Figures: learning curves with min-max bands over repeats (the paper's Figs. 3-5), cost-aware gain."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

__all__ = ["cost_gain_figure", "learning_curves"]


def learning_curves(curves: pd.DataFrame, *, metric: str = "accuracy", title: str = "") -> Figure:
    """Median ``metric`` per labelled-set size for each strategy, with its min-max band.

    ``curves`` needs the columns ``strategy``, ``repeat``, ``step`` and ``metric``.
    Built on :class:`matplotlib.figure.Figure` directly, so no GUI backend is needed.
    """
    missing = {"strategy", "step", metric} - set(curves.columns)
    if missing:
        raise ValueError(f"curves lack the columns {sorted(missing)}; they have {list(curves.columns)}.")
    fig = Figure(figsize=(7, 4.5), layout="constrained")
    ax = fig.subplots()
    for name, frame in curves.groupby("strategy", sort=False):
        band = frame.groupby("step")[metric].agg(["min", "median", "max"])
        line = ax.plot(band.index, band["median"], label=f"{name} (median)")[0]
        ax.fill_between(band.index, band["min"], band["max"], color=line.get_color(), alpha=0.25, lw=0)
    ax.set_xlabel("labelled points")
    ax.set_ylabel(metric)
    ax.set_title(title or f"{metric} vs labelled points (band: min-max over repeats)")
    ax.grid(alpha=0.3)
    ax.legend()
    return fig


def cost_gain_figure(cost: pd.DataFrame, break_even: Mapping[str, Mapping[str, Any]], *, title: str = "",
                     label: str = "strategy") -> Figure:
    """Median wall-clock gain vs oracle cost per line of ``cost`` (column ``label``), min-max band.

    ``cost`` needs ``oracle_seconds`` and ``wallclock_gain_{min,median,max}``; the
    break-even costs (keyed like ``label``) are drawn as dotted vertical lines.
    """
    fig = Figure(figsize=(7, 4.5), layout="constrained")
    ax = fig.subplots()
    for name, frame in cost.groupby(label, sort=False):
        line = ax.plot(frame.oracle_seconds, frame.wallclock_gain_median, label=f"{name} (median)")[0]
        ax.fill_between(frame.oracle_seconds, frame.wallclock_gain_min, frame.wallclock_gain_max,
                        color=line.get_color(), alpha=0.25, lw=0)
        even = break_even.get(name, {}).get("median")
        if even is not None and 0 < even < float("inf"):
            ax.axvline(even, color=line.get_color(), ls=":", lw=1)
    ax.axhline(1.0, color="black", lw=0.8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("oracle cost per label [s]")
    ax.set_ylabel("wall-clock gain t_random / t_active")
    ax.set_title(title or "wall-clock gain vs oracle cost (dotted: break-even)")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return fig
