"""Study figures: the paper's Fig. 8 heatmap and Fig. 7 curve, importances, history.

Each completed trial stores its per-repeat final accuracies (user attribute
``final_accuracies``); the figures aggregate those over trials with the same sizes.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from suite.tuning.config import SIZE_PARAMS

if TYPE_CHECKING:
    import optuna

    from suite.tuning.config import StudyConfig

__all__ = ["fig7_curve", "fig8_heatmap", "study_figures", "trials_frame"]


def trials_frame(study: optuna.Study) -> pd.DataFrame:
    """One row per trial and repeat: number, state, sizes, final accuracy, objectives, reasons."""
    rows: list[dict[str, Any]] = []
    for t in study.get_trials(deepcopy=False):
        base: dict[str, Any] = {"trial": t.number, "state": t.state.name}
        base.update({name: t.user_attrs.get("sizes", {}).get(name, t.params.get(name)) for name in SIZE_PARAMS})
        for i, name in enumerate(t.user_attrs.get("objectives", [])):
            base[f"objective.{name}"] = t.values[i] if t.values is not None else np.nan
        base["reason"] = t.user_attrs.get("rejected") or t.user_attrs.get("error") or ""
        finals = t.user_attrs.get("final_accuracies") or [np.nan]
        for repeat, value in enumerate(finals):
            rows.append({**base, "repeat": repeat, "final_accuracy": value})
    if not rows:
        return pd.DataFrame(columns=["trial", "state", *SIZE_PARAMS, "reason", "repeat", "final_accuracy"])
    return pd.DataFrame(rows)


def fig8_heatmap(table: pd.DataFrame, *, title: str = "") -> Figure:
    """Mean final accuracy over size_sample (columns) x size_select (rows), as in the paper's Fig. 8."""
    done = table[(table.state == "COMPLETE") & table.final_accuracy.notna()]
    if done.empty:
        raise ValueError("the heatmap needs at least one completed trial, but the study has none.")
    grid = done.pivot_table(index="size_select", columns="size_sample", values="final_accuracy", aggfunc="mean")
    fig = Figure(figsize=(1.4 * grid.shape[1] + 2.5, 0.8 * grid.shape[0] + 2), layout="constrained")
    ax = fig.subplots()
    values = grid.to_numpy(dtype=float)
    image = ax.imshow(values, cmap="viridis", aspect="auto", origin="lower")
    for (i, j), v in np.ndenumerate(values):
        if np.isfinite(v):
            ax.text(j, i, f"{v:.4f}", ha="center", va="center", color="w" if v < np.nanmean(values) else "k", fontsize=9)
    ax.set_xticks(range(grid.shape[1]), [f"{int(c):,}" for c in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [f"{int(r):,}" for r in grid.index])
    ax.set_xlabel("size_sample (candidates per iteration)")
    ax.set_ylabel("size_select (labelled per iteration)")
    ax.set_title(title or "mean final accuracy (blank: excluded or not run)")
    fig.colorbar(image, ax=ax, label="accuracy")
    return fig


def fig7_curve(table: pd.DataFrame, *, title: str = "") -> Figure:
    """Final accuracy vs size_sample, one line per size_select, min-max error bars over repeats (Fig. 7)."""
    done = table[(table.state == "COMPLETE") & table.final_accuracy.notna()]
    if done.empty:
        raise ValueError("the size_sample curve needs at least one completed trial, but the study has none.")
    fig = Figure(figsize=(7, 4.5), layout="constrained")
    ax = fig.subplots()
    for select, frame in done.groupby("size_select"):
        stats = frame.groupby("size_sample").final_accuracy.agg(["mean", "min", "max"])
        ax.errorbar(stats.index, stats["mean"], yerr=[stats["mean"] - stats["min"], stats["max"] - stats["mean"]],
                    marker="o", capsize=3, label=f"size_select={int(select):,}")
    ax.set_xscale("log")
    ax.set_xlabel("size_sample (candidates per iteration)")
    ax.set_ylabel("final accuracy")
    ax.set_title(title or "final accuracy vs size_sample (mean, bars: min-max over repeats)")
    ax.grid(alpha=0.3)
    ax.legend()
    return fig


def _optuna_figures(study: optuna.Study, config: StudyConfig) -> dict[str, Figure]:
    import matplotlib.pyplot as plt
    import optuna
    from optuna.visualization import matplotlib as vis

    objectives = config.tuning.objectives
    target = (lambda t: t.values[0]) if len(objectives) > 1 else None
    figures: dict[str, Figure] = {}
    complete = study.get_trials(deepcopy=False, states=[optuna.trial.TrialState.COMPLETE])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if complete:
            ax = vis.plot_optimization_history(study, target=target, target_name=objectives[0])
            figures["figures/optimization_history.png"] = ax.get_figure(root=True)  # type: ignore[assignment]
        varied = [n for n in SIZE_PARAMS if len({t.params.get(n) for t in complete} - {None}) > 1]
        if len(complete) >= 2 and varied:
            try:
                evaluator = optuna.importance.FanovaImportanceEvaluator(seed=config.tuning.seed)
                ax = vis.plot_param_importances(study, evaluator=evaluator, target=target, target_name=objectives[0])
                figures["figures/param_importances.png"] = ax.get_figure(root=True)  # type: ignore[assignment]
            except (ValueError, RuntimeError):
                pass  # e.g. every completed trial has the same objective value
    for fig in figures.values():
        plt.close(fig)  # closed for pyplot; still drawable by MLflow
    return figures


def study_figures(study: optuna.Study, config: StudyConfig, table: pd.DataFrame | None = None) -> dict[str, Figure]:
    """Every figure of the study by artifact path (those that need completed trials only when there are)."""
    table = trials_frame(study) if table is None else table
    figures: dict[str, Figure] = {}
    if ((table.state == "COMPLETE") & table.final_accuracy.notna()).any():
        figures["figures/fig8_heatmap.png"] = fig8_heatmap(table, title=f"{config.study_name}: mean final accuracy")
        figures["figures/fig7_size_sample.png"] = fig7_curve(table, title=f"{config.study_name}: final accuracy vs size_sample")
    figures.update(_optuna_figures(study, config))
    return figures
