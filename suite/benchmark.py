"""A benchmark: every strategy on every repeat of one dataset, in a paired design.

Per repeat, one seed gives one initial labelled set and one test set; every
strategy starts from that set, is scored on that test set, and its forest gets the
same ``random_state``, so all strategies share their first model exactly. For a
finite pool, the initial and test sets are disjoint table rows drawn with the
repeat's seed, and every strategy gets a fresh pool over the same remaining rows.
same ``random_state``, so all strategies share their first model exactly.

With a tracker, every labelled batch is checkpointed (:mod:`suite.checkpoint`) and
labels go through a persisted cache, so a run interrupted at any moment resumes
(:mod:`suite.resume`) with the same final metrics and without paying twice for a label.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from datasets.oracles import Oracle, OracleError
from datasets.pools import Pool
from datasets.registry import Dataset
from strategies.registry import get_strategy, make_learner, make_selector
from suite.checkpoint import CheckpointStore
from suite.config import BenchmarkConfig
from suite.gain import Gain, compute_gain, summarize_gains
from suite.interrupt import BenchmarkInterrupted, StopFlag, graceful_sigint
from suite.labelling import labelling, prepare_dataset
from suite.loop import LabelledSet, LoopState, StepRecord, run_loop
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
    on_step: Callable[[str, int, StepRecord], None] | None = None,
) -> BenchmarkResult:
    """Run ``config`` and return its curves and gains; logs to ``tracker`` if given.

    Parameters
    ----------
    repeats : sequence of int, optional
        Which repeat indices to run (default ``range(config.repeats)``); a repeat's
        results do not depend on which other repeats run.
    dataset : Dataset, optional
        An already built dataset (default: built from ``config.dataset``).
    on_step : callable, optional
        Called as ``on_step(strategy, repeat, record)`` after every fitted model (an
        Optuna trial reports and prunes from here; an exception raised in it stops
        the benchmark and propagates).
    """
    dataset = prepare_dataset(config, dataset)
    repeats = list(range(config.repeats)) if repeats is None else list(repeats)
    bad = [r for r in repeats if not 0 <= r < config.repeats]
    if bad:
        raise ValueError(f"repeat indices must lie in [0, {config.repeats}), but got {bad}.")
    if dataset.source is not None:
        dataset.source.check_sizes(config.size_initial, config.size_test, config.size_select)
        classes = np.unique(dataset.source.table.y)
        if classes.size < 2:
            raise ValueError(
                f"{dataset.source.table.source}: every row has label {int(classes[0]) if classes.size else '-'}, "
                "so there is no decision boundary to learn; check the label column and table.positive."
            )
    if tracker is None:
        return _run(config, dataset, repeats, None, progress, on_step=on_step)
    parent = tracker.start_parent(dataset)
    try:
        store = _open_store(config, parent)
        with graceful_sigint() as stop:
            result = _run(config, dataset, repeats, tracker, progress, store, stop, on_step)
        result.parent_run_id = parent
        tracker.log_result(result)
        if store is not None:
            tracker.client.log_artifacts(parent, str(store.folder), "checkpoints")
    except BaseException:
        tracker.end_parent("KILLED" if _interrupted() else "FAILED")
        raise
    tracker.end_parent("FINISHED")
    return result


def _open_store(config: BenchmarkConfig, parent: str) -> CheckpointStore | None:
    """The run's checkpoint folder (its config saved on first use); None if disabled."""
    if not config.checkpoint.enabled:
        return None
    store = CheckpointStore.for_run(parent, config.checkpoint.dir)
    if store.read_config() is None:
        store.write_config(config.model_dump(mode="json"))
    return store


def _label_known(oracle: Oracle, x: np.ndarray) -> LabelledSet:
    """Label ``x``, dropping the points a user's oracle left unlabelled."""
    y, ok = oracle.label_partial(x)
    return LabelledSet(x[ok], y[ok]) if not ok.all() else LabelledSet(x, y)


def _interrupted() -> bool:
    import sys

    return isinstance(sys.exc_info()[1], KeyboardInterrupt)


def _repeat_data(
    config: BenchmarkConfig, dataset: Dataset, repeat: int
) -> tuple[LabelledSet, np.ndarray, np.ndarray, Callable[[], Pool]]:
    """A repeat's initial set, test set (physical units) and pool factory, shared by its strategies."""
    if dataset.source is not None:
        table = dataset.source.table
        split = dataset.source.split(
            config.size_initial, config.size_test, config.size_select, stream(config.seed, repeat, "split")
        )
        initial = LabelledSet(table.x[split.initial], table.y[split.initial])
        return initial, table.x[split.test], table.y[split.test], lambda: dataset.new_pool(split.pool)
    oracle = dataset.oracle
    if oracle is None:  # unreachable: a Dataset has an oracle or a table source
        raise ValueError(f"dataset {dataset.name!r} has neither an oracle nor a table.")
    initial = _label_known(oracle, dataset.space.sample(config.size_initial, stream(config.seed, repeat, "initial")))
    if len(initial.y) == 0:
        raise OracleError(
            f"no point of the initial set ({config.size_initial} points) got a label from the oracle, so there is "
            "nothing to train on; check the oracle (its messages are above)."
        )
    test = _label_known(oracle, dataset.space.sample(config.size_test, stream(config.seed, repeat, "test")))
    return initial, test.x, test.y, dataset.new_pool


def _iterations(config: BenchmarkConfig, dataset: Dataset) -> int:
    if dataset.source is None:
        return config.n_iterations
    final = min(config.size_max, len(dataset.source.table) - config.size_test)
    return 1 + -(-(final - config.size_initial) // config.size_select)


def _run(
    config: BenchmarkConfig,
    dataset: Dataset,
    repeats: list[int],
    tracker: Tracker | None,
    progress: bool,
    store: CheckpointStore | None = None,
    stop: StopFlag | None = None,
    on_step: Callable[[str, int, StepRecord], None] | None = None,
) -> BenchmarkResult:
    with labelling(config, dataset, store) as labelled:
        return _run_labelled(config, labelled, repeats, tracker, progress, store, stop, on_step)


def _run_labelled(
    config: BenchmarkConfig,
    dataset: Dataset,
    repeats: list[int],
    tracker: Tracker | None,
    progress: bool,
    store: CheckpointStore | None,
    stop: StopFlag | None,
    on_step: Callable[[str, int, StepRecord], None] | None = None,
) -> BenchmarkResult:
    specs = [get_strategy(name) for name in config.strategies]
    frames: list[pd.DataFrame] = []
    total = len(repeats) * len(specs) * _iterations(config, dataset)
    bar = tqdm(total=total, disable=not progress, unit="fit")

    def check_stop() -> None:
        if stop is not None and stop.requested and store is not None and tracker is not None:
            raise BenchmarkInterrupted(str(tracker.parent_run_id), str(store.folder.parent))

    try:
        for repeat in repeats:
            seed = repeat_seed(config.seed, repeat)
            initial, x_test, y_test, new_pool = _repeat_data(config, dataset, repeat)
            x_test_norm = dataset.normalize(x_test)
            learner_seed = int(stream(config.seed, repeat, "learner").integers(2**31 - 1))
            for spec in specs:
                bar.set_description(f"repeat {repeat} {spec.name}")
                run_id = tracker.start_child(spec, repeat, seed, dataset) if tracker else None

                def step_done(record: StepRecord, run_id: str | None = run_id, name: str = spec.name,
                              repeat: int = repeat) -> None:
                    bar.update(1)
                    bar.set_postfix(n=record.step, acc=f"{record.scores['accuracy']:.4f}")
                    if tracker and run_id:
                        tracker.log_step(run_id, record)
                    if on_step is not None:
                        on_step(name, repeat, record)

                saved = store.load(spec.name, repeat) if store is not None else None
                last: list[LoopState] = [saved[0]] if saved else []

                def on_batch(
                    state: LoopState, name: str = spec.name, last: list[LoopState] = last, repeat: int = repeat
                ) -> None:
                    if store is not None:
                        store.save(name, repeat, state)
                    last[:] = [state]
                    check_stop()

                try:
                    if saved and saved[1]:  # this loop finished before the interruption
                        records = saved[0].records
                        bar.update(len(records))
                    else:
                        if saved:
                            bar.update(len(saved[0].records))
                        records = run_loop(
                            pool=new_pool(),
                            make_learner=partial(
                                make_learner, spec.learner, config.learner_params(spec.learner), random_state=learner_seed
                            ),
                            selector=make_selector(spec.selector, config.selector_params(spec.selector)),
                            initial=initial,
                            test_x=x_test_norm,
                            test_y=y_test,
                            size_sample=config.size_sample,
                            size_select=config.size_select,
                            size_max=config.size_max,
                            rng=stream(config.seed, repeat, f"strategy:{spec.name}"),
                            on_step=step_done,
                            last_batch=config.last_batch,
                            start=saved[0] if saved else None,
                            on_batch=on_batch,
                        )
                        if store is not None and last:
                            store.save(spec.name, repeat, replace(last[0], records=records), finished=True)
                except BaseException:
                    if tracker and run_id:
                        tracker.end_child(run_id, "KILLED" if _interrupted() else "FAILED")
                    raise
                frames.append(_records_frame(spec.name, repeat, records))
                if tracker and run_id:
                    tracker.end_child(run_id, "FINISHED")
                check_stop()
    finally:
        bar.close()
    curves = pd.concat(frames, ignore_index=True)
    result = BenchmarkResult(config, curves, _gains(config, curves))
    if tracker:
        tracker.log_gains(result.gains)
    return result
