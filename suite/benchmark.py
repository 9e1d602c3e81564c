"""A benchmark: every strategy on every repeat of one dataset, in a paired design.

Per repeat, one seed gives one initial labelled set and one test set; every
strategy starts from that set, is scored on that test set, and its forest gets the
same ``random_state``, so all strategies share their first model exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
from tqdm.auto import tqdm

from datasets.registry import Dataset, build_dataset
from strategies.registry import get_strategy, make_learner, make_selector
from suite.config import BenchmarkConfig
from suite.gain import Gain, compute_gain, summarize_gains
from suite.loop import LabelledSet, StepRecord, run_loop
from suite.seeding import repeat_seed, stream
from suite.tracking import Tracker

__all__ = ["BenchmarkResult", "run_benchmark"]


@dataclass
class BenchmarkResult:
    """Curves of every (strategy, repeat) and the gains of the active strategies."""

    config: BenchmarkConfig
    curves: pd.DataFrame
    gains: dict[str, dict[int, Gain]] = field(default_factory=dict)
    parent_run_id: str | None = None

    def gain_summary(self) -> pd.DataFrame:
        """One row per active strategy: min / median / max gain over repeats."""
        rows = []
        for name, by_repeat in self.gains.items():
            rows.append(
                {"strategy": name, "baseline": get_strategy(name).baseline, **summarize_gains(list(by_repeat.values()))}
            )
        return pd.DataFrame(rows)


def _records_frame(name: str, repeat: int, records: list[StepRecord]) -> pd.DataFrame:
    frame = pd.DataFrame([{"step": r.step, "iteration": r.iteration, **r.metrics()} for r in records])
    frame.insert(0, "repeat", repeat)
    frame.insert(0, "strategy", name)
    return frame


def _gains(config: BenchmarkConfig, curves: pd.DataFrame) -> dict[str, dict[int, Gain]]:
    gains: dict[str, dict[int, Gain]] = {}
    for name in config.strategies:
        baseline = get_strategy(name).baseline
        if baseline is None or baseline not in config.strategies:
            continue
        gains[name] = {}
        for repeat, active in curves[curves.strategy == name].groupby("repeat"):
            rand = curves[(curves.strategy == baseline) & (curves.repeat == repeat)]
            gains[name][int(repeat)] = compute_gain(
                rand.step.to_numpy(), rand.accuracy.to_numpy(), active.step.to_numpy(), active.accuracy.to_numpy()
            )
    return gains


def run_benchmark(
    config: BenchmarkConfig,
    *,
    tracker: Tracker | None = None,
    repeats: Sequence[int] | None = None,
    dataset: Dataset | None = None,
    progress: bool = True,
) -> BenchmarkResult:
    """Run ``config`` and return its curves and gains; logs to ``tracker`` if given.

    Parameters
    ----------
    repeats : sequence of int, optional
        Which repeat indices to run (default ``range(config.repeats)``); a repeat's
        results do not depend on which other repeats run.
    dataset : Dataset, optional
        An already built dataset (default: built from ``config.dataset``).
    """
    dataset = dataset or build_dataset(config.dataset.name, **config.dataset.options())
    repeats = list(range(config.repeats)) if repeats is None else list(repeats)
    bad = [r for r in repeats if not 0 <= r < config.repeats]
    if bad:
        raise ValueError(f"repeat indices must lie in [0, {config.repeats}), but got {bad}.")
    if tracker is None:
        return _run(config, dataset, repeats, None, progress)
    parent = tracker.start_parent(dataset)
    try:
        result = _run(config, dataset, repeats, tracker, progress)
        result.parent_run_id = parent
        tracker.log_result(result)
    except BaseException:
        tracker.end_parent("KILLED" if _interrupted() else "FAILED")
        raise
    tracker.end_parent("FINISHED")
    return result


def _interrupted() -> bool:
    import sys

    return isinstance(sys.exc_info()[1], KeyboardInterrupt)


def _run(
    config: BenchmarkConfig,
    dataset: Dataset,
    repeats: list[int],
    tracker: Tracker | None,
    progress: bool,
) -> BenchmarkResult:
    specs = [get_strategy(name) for name in config.strategies]
    frames: list[pd.DataFrame] = []
    bar = tqdm(total=len(repeats) * len(specs) * config.n_iterations, disable=not progress, unit="fit")
    try:
        for repeat in repeats:
            seed = repeat_seed(config.seed, repeat)
            x0 = dataset.space.sample(config.size_initial, stream(config.seed, repeat, "initial"))
            initial = LabelledSet(x0, dataset.oracle.label(x0))
            x_test = dataset.space.sample(config.size_test, stream(config.seed, repeat, "test"))
            y_test = dataset.oracle.label(x_test)
            x_test_norm = dataset.space.normalize(x_test)
            learner_seed = int(stream(config.seed, repeat, "learner").integers(2**31 - 1))
            for spec in specs:
                bar.set_description(f"repeat {repeat} {spec.name}")
                run_id = tracker.start_child(spec, repeat, seed, dataset) if tracker else None

                def on_step(record: StepRecord, run_id: str | None = run_id) -> None:
                    bar.update(1)
                    bar.set_postfix(n=record.step, acc=f"{record.scores['accuracy']:.4f}")
                    if tracker and run_id:
                        tracker.log_step(run_id, record)

                try:
                    records = run_loop(
                        pool=dataset.new_pool(),
                        make_learner=lambda: make_learner(
                            spec.learner, config.learner_params(spec.learner), random_state=learner_seed
                        ),
                        selector=make_selector(spec.selector, config.selection.model_dump()),
                        initial=initial,
                        test_x=x_test_norm,
                        test_y=y_test,
                        size_sample=config.size_sample,
                        size_select=config.size_select,
                        size_max=config.size_max,
                        rng=stream(config.seed, repeat, f"strategy:{spec.name}"),
                        on_step=on_step,
                    )
                except BaseException:
                    if tracker and run_id:
                        tracker.end_child(run_id, "FAILED")
                    raise
                frames.append(_records_frame(spec.name, repeat, records))
                if tracker and run_id:
                    tracker.end_child(run_id, "FINISHED")
    finally:
        bar.close()
    curves = pd.concat(frames, ignore_index=True)
    result = BenchmarkResult(config, curves, _gains(config, curves))
    if tracker:
        tracker.log_gains(result.gains)
    return result
