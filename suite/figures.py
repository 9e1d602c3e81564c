"""Figures: learning curves with min-max bands over repeats (the paper's Figs. 3-5)."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

__all__ = ["learning_curves"]


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
