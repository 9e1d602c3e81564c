"""Comparison report of finished benchmarks: curves, gains with intervals, areas, tests, cost.

:func:`build_report` turns one :class:`suite.readback.RunSet` into tables; each
active strategy is compared with its random baseline (same learner) repeat by
repeat. :func:`write_report` writes them (and the figures) into a folder;
:func:`report_runs` is what ``alsuite report`` calls: read from MLflow, write,
and log the folder as artifacts (``report/``) on every parent run read.
"""

from __future__ import annotations

import json
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd

from strategies.registry import STRATEGIES
from suite.cost import COST_GRID, cost_gain
from suite.gain import compute_gain
from suite.readback import RunSet, read_runs
from suite.statistics import curve_area, gain_table, paired_test, summarize

__all__ = ["Report", "break_even_text", "build_report", "report_runs", "write_report"]


def break_even_text(name: str, seconds: float) -> str:
    """One sentence on where active learning starts to pay in wall-clock time."""
    if math.isinf(seconds):
        return f"{name}: active learning does not pay at any oracle cost (it needs no fewer labels than random)"
    if seconds == 0.0:
        return f"{name}: active learning pays at every oracle cost (its overhead is below random's one fit)"
    return f"{name}: active learning pays above an oracle cost of {seconds:.3g} s per label"


@dataclass
class Report:
    """All tables of one report; ``pairs`` maps each active strategy to its baseline."""

    runs: RunSet
    pairs: dict[str, str]
    gains_per_repeat: pd.DataFrame
    gains: pd.DataFrame
    areas: pd.DataFrame
    significance: pd.DataFrame
    cost_per_repeat: pd.DataFrame
    cost: pd.DataFrame
    break_even: pd.DataFrame
    notes: list[str]


def _pairs(runs: RunSet, notes: list[str]) -> dict[str, str]:
    pairs = {}
    for name in runs.strategies:
        spec = STRATEGIES.get(name)
        if spec is None:
            notes.append(f"strategy {name!r} is not known to this alsuite version; no baseline comparison for it")
        elif spec.baseline is not None:
            if spec.baseline in runs.strategies:
                pairs[name] = spec.baseline
            else:
                notes.append(f"{name}: its baseline {spec.baseline!r} is not among the runs; no gain computed")
    return pairs


def build_report(runs: RunSet, *, seed: int = 0) -> Report:
    """Gains, areas, paired tests and cost-aware gains of ``runs`` (seeded bootstrap)."""
    notes = [f"duplicate repeat {s} r{r} in child run {rid} ignored (kept the earliest)"
             for s, r, rid in runs.duplicates]
    pairs = _pairs(runs, notes)
    curves = runs.curves
    by = {key: frame for key, frame in curves.groupby(["strategy", "repeat"], sort=False)}
    area_rows = [{"strategy": s, "repeat": r, "area_accuracy": curve_area(f.step, f.accuracy)} for (s, r), f in by.items()]
    areas_long = pd.DataFrame(area_rows)
    areas = pd.DataFrame([{"strategy": s, **summarize(f.area_accuracy.to_numpy(), seed=seed, prefix="area_")}
                          for s, f in areas_long.groupby("strategy", sort=False)])
    gain_rows, test_rows, cost_rows, even_rows = [], [], [], []
    for active, baseline in pairs.items():
        repeats = sorted({r for s, r in by if s == active} & {r for s, r in by if s == baseline})
        paired_area: tuple[list[float], list[float]] = ([], [])
        paired_final: tuple[list[float], list[float]] = ([], [])
        for r in repeats:
            a, b = by[(active, r)], by[(baseline, r)]
            gain = compute_gain(b.step, b.accuracy, a.step, a.accuracy)
            gain_rows.append({"strategy": active, "baseline": baseline, "repeat": r, **gain.as_dict()})
            paired_area[0].append(curve_area(a.step, a.accuracy))
            paired_area[1].append(curve_area(b.step, b.accuracy))
            paired_final[0].append(float(a.accuracy.iloc[-1]))
            paired_final[1].append(float(b.accuracy.iloc[-1]))
            if {"fit_seconds", "select_seconds"} <= set(curves.columns):
                cg = cost_gain(b, a, COST_GRID)
                cost_rows += [{"strategy": active, "repeat": r, "oracle_seconds": c, "wallclock_gain": g}
                              for c, g in zip(cg.costs, cg.gains, strict=True)]
                even_rows.append({"strategy": active, "repeat": r, "break_even_seconds": cg.break_even,
                                  "n_random": cg.n_random, "n_active": cg.n_active,
                                  "fit_random_seconds": cg.fit_random, "overhead_active_seconds": cg.overhead_active})
        for quantity, (x, y) in (("area_accuracy", paired_area), ("final_accuracy", paired_final)):
            test = paired_test(x, y, quantity=quantity)
            test_rows.append({"strategy": active, "baseline": baseline, **test.as_dict()})
    if not cost_rows and pairs:
        notes.append("the runs lack fit_seconds/select_seconds metrics; no cost-aware gain")
    gains_per_repeat = pd.DataFrame(gain_rows)
    cost_per_repeat = pd.DataFrame(cost_rows, columns=["strategy", "repeat", "oracle_seconds", "wallclock_gain"])
    cost = (cost_per_repeat.groupby(["strategy", "oracle_seconds"], sort=False).wallclock_gain
            .agg(["min", "median", "max"]).add_prefix("wallclock_gain_").reset_index())
    break_even = pd.DataFrame(even_rows)
    return Report(runs, pairs, gains_per_repeat,
                  gain_table(gains_per_repeat, seed=seed) if len(gains_per_repeat) else pd.DataFrame(),
                  areas, pd.DataFrame(test_rows), cost_per_repeat, cost, break_even, notes)


def _break_even_summary(report: Report) -> dict[str, dict[str, float]]:
    out = {}
    for name, frame in report.break_even.groupby("strategy", sort=False):
        values = frame.break_even_seconds.to_numpy()
        out[name] = {"median": float(np.median(values)), "min": float(values.min()), "max": float(values.max())}
    return out


def _markdown(report: Report) -> str:
    fmt = {"float_format": lambda v: f"{v:.4g}", "index": False}
    lines = [f"# alsuite report: {report.runs.name}", "",
             f"Parent runs: {', '.join(report.runs.parent_run_ids)}",
             f"Strategies: {', '.join(report.runs.strategies)}; repeats: "
             f"{sorted(set(report.runs.curves.repeat.astype(int)))}", ""]
    sections = [("Gain N_random / N_active (eq. 2), bootstrap 95% interval of the median", report.gains),
                ("Area under the accuracy curve (mean accuracy over the budget)", report.areas),
                ("Paired Wilcoxon signed-rank test, active vs random, per repeat", report.significance)]
    for title, table in sections:
        lines += [f"## {title}", "", "```", table.to_string(**fmt) if len(table) else "(none)", "```", ""]
    lines += ["## Cost-aware gain", "",
              "Wall-clock gain t_random / t_active to reach random sampling's best accuracy when one oracle "
              "call costs c seconds (active learning's training and candidate scoring included).", ""]
    for name, be in _break_even_summary(report).items():
        lines.append(f"- {break_even_text(name, be['median'])} "
                     f"(median break-even over repeats; range {be['min']:.3g} - {be['max']:.3g} s)")
    if len(report.cost):
        picks = report.cost[report.cost.oracle_seconds.apply(lambda c: math.isclose(math.log10(c) % 1, 0, abs_tol=1e-9))]
        lines += ["", "```", picks.to_string(**fmt), "```"]
    if report.notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in report.notes]
    return "\n".join(lines) + "\n"


def write_report(report: Report, folder: Path) -> list[Path]:
    """Write the figures, CSV tables, ``report.json`` and ``report.md`` into ``folder``."""
    from suite.figures import cost_gain_figure, learning_curves

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for metric in ("accuracy", "auc"):
        if metric in report.runs.curves:
            path = folder / f"learning_curve_{metric}.png"
            learning_curves(report.runs.curves, metric=metric, title=f"{report.runs.name}: {metric}").savefig(path)
            written.append(path)
    if len(report.cost):
        path = folder / "cost_gain.png"
        cost_gain_figure(report.cost, _break_even_summary(report), title=f"{report.runs.name}: wall-clock gain").savefig(path)
        written.append(path)
    tables = {"curves": report.runs.curves, "gains": report.gains, "gains_per_repeat": report.gains_per_repeat,
              "areas": report.areas, "significance": report.significance, "cost_gain": report.cost,
              "cost_gain_per_repeat": report.cost_per_repeat, "break_even": report.break_even}
    for name, table in tables.items():
        path = folder / f"{name}.csv"
        table.to_csv(path, index=False)
        written.append(path)
    summary = {"name": report.runs.name, "parent_run_ids": report.runs.parent_run_ids, "pairs": report.pairs,
               "params": report.runs.params, "gains": report.gains.to_dict(orient="records"),
               "areas": report.areas.to_dict(orient="records"),
               "significance": report.significance.to_dict(orient="records"),
               "break_even_seconds": _break_even_summary(report), "notes": report.notes}
    path = folder / "report.json"
    path.write_text(json.dumps(summary, indent=2, default=str))
    (folder / "report.md").write_text(_markdown(report))
    return [*written, path, folder / "report.md"]


def _log(report: Report, folder: Path, tracking_uri: str | None) -> None:
    client = mlflow.MlflowClient(tracking_uri)
    for run_id in report.runs.parent_run_ids:
        client.log_artifacts(run_id, str(folder), "report")


def report_runs(targets: list[str], *, out: Path | None = None, tracking_uri: str | None = None,
                log: bool = True, seed: int = 0) -> list[tuple[Report, Path]]:
    """Read ``targets`` from MLflow, write one report per configuration, log it on its parents.

    With one configuration the report goes straight into ``out``; with several,
    into one subfolder per configuration, plus ``dimensionality.csv``/``.png``
    comparing the cost-aware gains of the SUSY-AI benchmarks that differ in their
    fixed sectors, by free-parameter count.
    """
    from suite.dimensionality import write_dimensionality

    groups = read_runs(targets, tracking_uri=tracking_uri)
    base = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="alsuite-report-"))
    done = []
    for runs in groups:
        report = build_report(runs, seed=seed)
        folder = base if len(groups) == 1 else base / f"{runs.name}-{runs.parent_run_ids[0][:8]}"
        write_report(report, folder)
        if log:
            _log(report, folder, tracking_uri)
        done.append((report, folder))
    # Only benchmarks of the SUSY-AI box that differ in their fixed sectors are one study by dimension.
    by_dimension = [r for r, _ in done if r.runs.params.get("dataset.name") == "susyai"]
    if len({r.runs.params.get("dataset.fixed_sectors") for r in by_dimension}) > 1:
        write_dimensionality(by_dimension, base)
    return done
