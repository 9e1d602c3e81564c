"""One trial: a small benchmark of the tuned strategy with the trial's sizes, and its objective(s).

The trial runs :func:`suite.benchmark.run_benchmark` (with the strategy's random
baseline when the objective is the gain). It reports the tuned strategy's accuracy
after every iteration of its first repeat at ``step`` = iteration index, so trials
of different sizes are compared at the same iteration, and a pruner can stop it
there. Invalid sizes are rejected before anything runs.
"""

from __future__ import annotations

import time
import traceback
from typing import TYPE_CHECKING, Any

import numpy as np
import optuna
from optuna.trial import TrialState

from suite.benchmark import BenchmarkResult, run_benchmark
from suite.tuning.config import SIZE_PARAMS, StudyConfig
from suite.tuning.space import invalid_reason, trial_config

if TYPE_CHECKING:
    from datasets.registry import Dataset
    from suite.loop import StepRecord
    from suite.tuning.tracking import StudyTracker

__all__ = ["TrialOutcome", "objective_values", "run_trial"]


class TrialOutcome(dict[str, Any]):
    """``number``, ``state`` (Optuna state name), ``sizes``, ``values`` and ``reason`` of a finished trial."""


def objective_values(result: BenchmarkResult, config: StudyConfig) -> tuple[dict[str, float], dict[str, Any]]:
    """The objectives (by name) of a finished trial benchmark, and the per-repeat details.

    ``accuracy`` is the mean over repeats of the final model's accuracy (the last
    iteration within ``size_max``, the paper's Fig. 8); ``gain`` the median eq. 2
    gain against the random baseline; ``labels`` the mean labels spent.
    """
    strategy = config.tuning.strategy
    curves = result.curves[result.curves.strategy == strategy]
    last = curves.loc[curves.groupby("repeat").step.idxmax()].sort_values("repeat")
    finals = [float(v) for v in last.accuracy]
    details: dict[str, Any] = {"final_accuracies": finals, "labels_spent": [int(s) for s in last.step]}
    values = {"accuracy": float(np.mean(finals)), "labels": float(np.mean(last.step))}
    if strategy in result.gains:
        gains = [result.gains[strategy][r].gain for r in sorted(result.gains[strategy])]
        details["gains"] = gains
        values["gain"] = float(np.median(gains))
    return {name: values[name] for name in config.tuning.objectives}, details


def run_trial(
    study: optuna.Study,
    trial: optuna.Trial,
    sizes: dict[str, int],
    config: StudyConfig,
    *,
    dataset: Dataset,
    tracker: StudyTracker | None = None,
) -> TrialOutcome:
    """Run (or reject) a claimed trial and tell the study its result; never raises for bad sizes.

    A trial whose sizes are invalid is told PRUNED with the user attribute
    ``rejected`` (the reason); a pruned trial is told PRUNED with
    ``pruned_at_iteration``; an error inside the benchmark is told FAIL with
    ``error`` (its last line), so one bad trial never stops the study.
    """
    tuning = config.tuning
    full = {name: getattr(config.benchmark, name) for name in SIZE_PARAMS} | sizes
    trial.set_user_attr("sizes", full)
    trial.set_user_attr("objectives", list(tuning.objectives))
    run_id = tracker.start_trial(trial, sizes) if tracker else None
    attrs: dict[str, Any] = {}
    values: dict[str, float] = {}
    reason = invalid_reason(config, sizes)
    t0 = time.perf_counter()
    if reason is not None:
        attrs["rejected"] = reason
        state = TrialState.PRUNED
    else:
        report = len(tuning.objectives) == 1
        first_repeat = 0

        def on_step(name: str, repeat: int, record: StepRecord) -> None:
            if not report or name != tuning.strategy or repeat != first_repeat:
                return
            trial.report(record.scores["accuracy"], step=record.iteration)
            if tuning.pruning and trial.should_prune():
                attrs["pruned_at_iteration"] = record.iteration
                raise optuna.TrialPruned(f"pruned at iteration {record.iteration} (accuracy {record.scores['accuracy']:.4f})")

        try:
            result = run_benchmark(trial_config(config, sizes), dataset=dataset, progress=False, on_step=on_step)
            values, details = objective_values(result, config)
            attrs.update(details)
            state = TrialState.COMPLETE
            if tracker and run_id:
                tracker.log_curve(run_id, result.curves)
        except optuna.TrialPruned:
            state = TrialState.PRUNED
        except Exception as exc:  # recorded on the trial; the study goes on
            attrs["error"] = f"{type(exc).__name__}: {exc}"
            attrs["traceback"] = traceback.format_exc()[-4000:]
            state = TrialState.FAIL
    attrs["seconds"] = round(time.perf_counter() - t0, 3)
    for key, value in attrs.items():
        trial.set_user_attr(key, value)
    if state == TrialState.COMPLETE:
        study.tell(trial, [values[name] for name in tuning.objectives])
    else:
        study.tell(trial, state=state)
    if tracker and run_id:
        tracker.end_trial(run_id, state.name, values, attrs)
    return TrialOutcome(number=trial.number, state=state.name, sizes=sizes, values=values,
                        reason=attrs.get("rejected") or attrs.get("error") or _pruned(attrs))


def _pruned(attrs: dict[str, Any]) -> str:
    step = attrs.get("pruned_at_iteration")
    return "" if step is None else f"pruned at iteration {step}"
