"""Running a study: set it up once, let workers claim trials until the total is reached.

A worker repeats: under the storage's claim lock, count the study's trials (every
state, earlier runs included) and stop at the total; in grid mode pick the first
valid cell no trial has taken yet, enqueue it and ask for it; otherwise ask the
sampler. The sizes are suggested before the lock is released, so no two workers
take the same grid cell and no worker overshoots the total. Workers are separate
processes (``spawn``); several ``alsuite tune`` processes on the same study
cooperate the same way.
"""

from __future__ import annotations

import json
import multiprocessing
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import optuna
from optuna.trial import TrialState

from datasets.registry import build_dataset
from suite.errors import ConfigError
from suite.tuning.config import StudyConfig
from suite.tuning.space import grid_cells, suggest_sizes
from suite.tuning.storage import StudyStorage, load_or_create, open_storage
from suite.tuning.tracking import PARENT_ATTR, StudyTracker
from suite.tuning.trial import TrialOutcome, run_trial

__all__ = ["StudySummary", "run_study", "total_trials"]

_DEFAULT_TRIALS = 20
_SEARCH_ATTR = "alsuite_search"


@dataclass
class StudySummary:
    """What a study holds after this invocation: counts by state, best trial(s), the MLflow parent."""

    name: str
    storage: str
    total: int
    states: dict[str, int]
    ran_here: int
    best: list[dict[str, Any]] = field(default_factory=list)
    excluded: list[tuple[dict[str, int], str]] = field(default_factory=list)
    parent_run_id: str | None = None

    @property
    def n_trials(self) -> int:
        return sum(self.states.values())


def total_trials(config: StudyConfig, requested: int | None = None) -> int:
    """The study's total: ``requested`` or ``tuning.trials``, in grid mode at most the valid cells."""
    total = requested or config.tuning.trials
    if config.tuning.sampler == "grid":
        cells = len(grid_cells(config)[0])
        if cells == 0:
            raise ConfigError("the grid has no valid cell: every combination breaks a size rule (see `invalid_reason`).")
        return min(total or cells, cells)
    return total or _DEFAULT_TRIALS


def _search_fingerprint(config: StudyConfig) -> str:
    tuning = config.tuning.model_dump(exclude={"trials", "study", "seed", "startup_trials", "pruner"})
    return json.dumps({"tuning": tuning, "benchmark": config.benchmark.model_dump(exclude={"name", "description"})},
                      sort_keys=True)


def _sampler(config: StudyConfig, worker: int, offset: int, workers: int) -> optuna.samplers.BaseSampler:
    seed = config.tuning.seed + 7919 * worker + offset
    if config.tuning.sampler == "tpe":
        return optuna.samplers.TPESampler(seed=seed, n_startup_trials=config.tuning.startup_trials,
                                          constant_liar=workers > 1)
    return optuna.samplers.RandomSampler(seed=seed)  # grid cells arrive enqueued; the sampler is not asked


def _pruner(config: StudyConfig) -> optuna.pruners.BasePruner:
    if config.tuning.pruning:
        return optuna.pruners.MedianPruner(n_startup_trials=config.tuning.startup_trials, n_warmup_steps=1)
    return optuna.pruners.NopPruner()


def _cell_key(params: dict[str, Any], names: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(params.get(n) for n in names)


def _claim(study: optuna.Study, config: StudyConfig, total: int,
           cells: list[dict[str, int]] | None) -> tuple[optuna.Trial, dict[str, int]] | None:
    """Create the next trial and suggest its sizes, or None when the study is done; hold the claim lock."""
    trials = study.get_trials(deepcopy=False)
    if len(trials) >= total:
        return None
    if cells is not None and not any(t.state == TrialState.WAITING for t in trials):
        names = config.tuning.searched
        taken = {_cell_key(t.params or t.system_attrs.get("fixed_params", {}), names) for t in trials}
        todo = [c for c in cells if _cell_key(c, names) not in taken]
        if not todo:
            return None
        study.enqueue_trial(todo[0])
    trial = study.ask()
    return trial, suggest_sizes(trial, config)


def _setup(config: StudyConfig, storage: StudyStorage, tracker: StudyTracker | None) -> optuna.Study:
    name = config.study_name
    with storage.claim_lock(name):
        study = load_or_create(storage, name, config.tuning.directions)
        fingerprint = _search_fingerprint(config)
        known = study.user_attrs.get(_SEARCH_ATTR)
        if known is None:
            study.set_user_attr(_SEARCH_ATTR, fingerprint)
        elif known != fingerprint:
            raise ConfigError(
                f"study {name!r} in {storage.masked} exists with a different search (strategy, objectives, space, "
                "grid or base benchmark); resume it with the same configuration or choose another tuning.study."
            )
        if tracker:
            tracker.attach(study, storage.masked)
    return study


def _worker(config: StudyConfig, storage_url: str | None, total: int, worker: int, workers: int,
            tracking_uri: str | None, track: bool, echo: Callable[[str], None] | None) -> int:
    storage = open_storage(storage_url)
    name = config.study_name
    probe = optuna.load_study(study_name=name, storage=storage.storage)
    study = optuna.load_study(study_name=name, storage=storage.storage,
                              sampler=_sampler(config, worker, len(probe.trials), workers), pruner=_pruner(config))
    tracker = StudyTracker(config, tracking_uri=tracking_uri) if track else None
    if tracker:
        tracker.attach(study, storage.masked)
    cells = grid_cells(config)[0] if config.tuning.sampler == "grid" else None
    dataset = build_dataset(config.benchmark.dataset.name, **config.benchmark.dataset.options())
    ran = 0
    while True:
        with storage.claim_lock(name):
            claimed = _claim(study, config, total, cells)
        if claimed is None:
            return ran
        outcome = run_trial(study, claimed[0], claimed[1], config, dataset=dataset, tracker=tracker)
        ran += 1
        if echo:
            echo(_describe_outcome(outcome, worker))


def _describe_outcome(outcome: TrialOutcome, worker: int) -> str:
    sizes = " ".join(f"{k}={v}" for k, v in outcome["sizes"].items())
    values = " ".join(f"{k}={v:.4f}" for k, v in outcome["values"].items())
    tail = f" ({outcome['reason']})" if outcome["reason"] else ""
    return f"trial {outcome['number']:>3} [worker {worker}] {outcome['state']:<8} {sizes} {values}{tail}"


def _worker_process(*args: Any) -> None:
    try:
        ran = _worker(*args, echo=lambda line: print(line, file=sys.stderr, flush=True))  # type: ignore[misc]
    except BaseException:
        import traceback

        traceback.print_exc()
        sys.exit(1)
    print(f"worker {args[3]} ran {ran} trials", file=sys.stderr, flush=True)


def run_study(
    config: StudyConfig,
    *,
    storage: str | None = None,
    trials: int | None = None,
    workers: int = 1,
    tracking_uri: str | None = None,
    track: bool = True,
    echo: Callable[[str], None] | None = None,
) -> StudySummary:
    """Run (or resume) the study until it holds ``trials`` trials in total.

    Parameters
    ----------
    storage : str, optional
        See :func:`suite.tuning.storage.open_storage` (default: a local journal file).
    trials : int, optional
        Total trials of the study, earlier runs included (default ``tuning.trials``;
        in grid mode every valid cell, and never more than that).
    workers : int, default=1
        Worker processes on this machine (1 runs in this process).
    echo : callable, optional
        Receives one line per finished trial.

    Raises
    ------
    ConfigError
        For SQLite with ``workers > 1``, a resumed study with another search, or a
        grid without valid cells.
    """
    if workers < 1:
        raise ConfigError(f"workers must be at least 1, but got workers={workers}.")
    store = open_storage(storage)
    if workers > 1 and not store.multi_process:
        raise ConfigError(f"storage {store.masked} is for one process only, but got workers={workers}; "
                          "use a journal file (the default) or PostgreSQL.")
    total = total_trials(config, trials)
    tracker = StudyTracker(config, tracking_uri=tracking_uri) if track else None
    study = _setup(config, store, tracker)
    before = len(study.trials)
    if workers == 1:
        _worker(config, storage, total, 0, 1, tracking_uri, track, echo)
    else:
        ctx = multiprocessing.get_context("spawn")
        procs = [ctx.Process(target=_worker_process, args=(config, storage, total, w, workers, tracking_uri, track))
                 for w in range(workers)]
        for proc in procs:
            proc.start()
        for proc in procs:
            proc.join()
        failed = [w for w, proc in enumerate(procs) if proc.exitcode != 0]
        if failed:
            raise RuntimeError(f"workers {failed} stopped with an error (see their output above).")
    with store.claim_lock(config.study_name):
        all_trials = study.get_trials(deepcopy=False)
        finished = len(all_trials) >= total and all(t.state.is_finished() for t in all_trials)
        if tracker:
            tracker.log_study(study, finished)
    return _summary(config, study, store, total, len(all_trials) - before)


def _summary(config: StudyConfig, study: optuna.Study, store: StudyStorage, total: int, ran: int) -> StudySummary:
    trials = study.get_trials(deepcopy=False)
    states = dict(Counter(t.state.name for t in trials))
    best = [{"trial": t.number, **t.user_attrs.get("sizes", t.params),
             **dict(zip(config.tuning.objectives, t.values or [], strict=False))} for t in _best(study)]
    excluded = grid_cells(config)[1] if config.tuning.sampler == "grid" else []
    return StudySummary(config.study_name, store.masked, total, states, ran, best, excluded,
                        study.user_attrs.get(PARENT_ATTR))


def _best(study: optuna.Study) -> list[optuna.trial.FrozenTrial]:
    if not any(t.state == TrialState.COMPLETE for t in study.get_trials(deepcopy=False)):
        return []
    return study.best_trials if len(study.directions) > 1 else [study.best_trial]
