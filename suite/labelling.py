"""The labelling stack of a benchmark: the user's oracle, parallel workers, the label cache.

From the configuration: the ``oracle`` section replaces the dataset's oracle by a
user's program or Python function (over the dataset's parameter box, or the box of
``oracle.space``); ``labelling.workers`` / ``labelling.scheduler`` spread every
batch over processes or a Dask cluster; ``labelling.cache`` puts a label cache in
front, persisted in the run's checkpoint folder so no point is ever labelled twice,
in this run or a resumed one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from datasets.oracles import CachedOracle, CallableOracle, CommandOracle, LabelCache, Oracle, ParallelOracle
from datasets.registry import Dataset, build_dataset
from datasets.space import Space
from suite.checkpoint import CheckpointStore
from suite.config import BenchmarkConfig, OracleConfig

__all__ = ["build_user_oracle", "labelling", "prepare_dataset"]


def build_user_oracle(config: OracleConfig, space: Space) -> Oracle:
    """The command or Python oracle an ``oracle`` section describes."""
    if config.command not in (None, "", []):
        assert config.command is not None
        return CommandOracle(space, config.command, labels=config.labels, retries=config.retries,
                             on_failure=config.on_failure, timeout=config.timeout, shell=config.shell)
    assert config.function is not None
    return CallableOracle(space, config.function, labels=config.labels, retries=config.retries,
                          on_failure=config.on_failure)


def prepare_dataset(config: BenchmarkConfig, dataset: Dataset | None = None) -> Dataset:
    """The benchmark's dataset, its oracle replaced by the user's when configured.

    With ``oracle.space`` the registry's dataset is not built at all (no data file
    needed); the dataset is then called ``user``.
    """
    section = config.oracle
    if dataset is None and section is not None and section.space is not None:
        return Dataset("user", build_user_oracle(section, section.space.build()), surrogate=False)
    dataset = dataset or build_dataset(config.dataset.name, **config.dataset.options())
    if section is None:
        return dataset
    if dataset.source is not None:
        raise ValueError(
            f"the oracle section labels points of an infinite pool, but dataset {dataset.name!r} is a labelled "
            "table (finite pool) whose labels are looked up; remove the oracle section or choose another dataset."
        )
    space = section.space.build() if section.space is not None else dataset.space
    return replace(dataset, oracle=build_user_oracle(section, space), surrogate=False)


@contextmanager
def labelling(config: BenchmarkConfig, dataset: Dataset, store: CheckpointStore | None) -> Iterator[Dataset]:
    """``dataset`` with its oracle wrapped in the parallel workers and the label cache.

    The workers are stopped when the block ends.
    """
    oracle = dataset.oracle
    if oracle is None:  # a finite pool looks labels up in its table: nothing to wrap
        yield dataset
        return
    parallel = None
    settings = config.labelling
    if settings.workers > 1 or settings.scheduler:
        oracle = parallel = ParallelOracle(
            oracle, workers=settings.workers, scheduler=settings.scheduler, chunk_size=settings.chunk_size
        )
    if settings.cache:
        oracle = CachedOracle(oracle, store.label_cache() if store is not None else LabelCache())
    try:
        yield replace(dataset, oracle=oracle)
    finally:
        if parallel is not None:
            parallel.close()
