"""Parallel labelling of one batch: local worker processes or a Dask cluster.

The batch is cut into contiguous chunks (``chunk_size`` points each; by default
one chunk per worker), every chunk is labelled by ``inner.label_partial`` in a
worker, and the results are put back together **in input order**, whatever order
the workers finish in. Local workers are a :class:`concurrent.futures.ProcessPoolExecutor`
with the ``spawn`` start method (safe next to threads, TensorFlow or MLflow); with a
scheduler address the chunks go to that Dask distributed cluster instead.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any

import numpy as np

from datasets.oracles._base import Labels, Oracle, OracleError

__all__ = ["ParallelOracle", "split_batch"]


def split_batch(n: int, workers: int, chunk_size: int | None) -> list[slice]:
    """Contiguous slices covering ``range(n)``: ``chunk_size`` each, or ``workers`` near-equal ones."""
    if n == 0:
        return []
    size = chunk_size or -(-n // workers)
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]


def _label_chunk(oracle: Oracle, x: np.ndarray) -> Labels:
    return oracle.label_partial(x)


class ParallelOracle(Oracle):
    """Spreads every batch of ``inner`` over worker processes or a Dask cluster.

    Parameters
    ----------
    inner : Oracle
        Must be picklable (the command and Python oracles are).
    workers : int, default=2
        Local worker processes (ignored with ``scheduler``).
    scheduler : str, optional
        Address of a Dask distributed scheduler, e.g. ``"tcp://10.0.0.5:8786"``.
    chunk_size : int, optional
        Points per task (default: the batch split evenly over the workers, or over
        the cluster's worker threads).

    Call :meth:`close` (or use it as a context manager) to stop the workers.
    """

    def __init__(self, inner: Oracle, *, workers: int = 2, scheduler: str | None = None,
                 chunk_size: int | None = None) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, but got workers={workers}.")
        if chunk_size is not None and chunk_size < 1:
            raise ValueError(f"chunk_size must be at least 1, but got chunk_size={chunk_size}.")
        self.inner = inner
        self.space = inner.space
        self.workers = int(workers)
        self.scheduler = scheduler
        self.chunk_size = chunk_size
        self._executor: Executor | None = None
        self._client: Any = None

    def __enter__(self) -> ParallelOracle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Shut the local workers down / disconnect from the cluster."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        if self._client is not None:
            self._client.close()
            self._client = None

    def describe(self) -> str:
        where = f"Dask cluster {self.scheduler}" if self.scheduler else f"{self.workers} local processes"
        return f"{getattr(self.inner, 'describe', lambda: type(self.inner).__name__)()} on {where}"

    def _futures(self, chunks: list[np.ndarray]) -> list[Any]:
        if self.scheduler:
            if self._client is None:
                from distributed import Client

                self._client = Client(self.scheduler)
            return list(self._client.map(_label_chunk, [self.inner] * len(chunks), chunks, pure=False))
        if self._executor is None:
            self._executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
        return [self._executor.submit(_label_chunk, self.inner, c) for c in chunks]

    def _n_slots(self) -> int:
        if self.scheduler and self._client is not None:
            return max(1, sum(self._client.nthreads().values()))
        return self.workers

    def label_partial(self, x: np.ndarray) -> Labels:
        x = self._check_points(x)
        if self.scheduler and self._client is None:
            self._futures([])  # connect first, to learn the cluster's size
        slices = split_batch(len(x), self._n_slots(), self.chunk_size)
        futures = self._futures([x[s] for s in slices])
        y = np.zeros(len(x), dtype=np.int8)
        labelled = np.zeros(len(x), dtype=bool)
        for s, future in zip(slices, futures, strict=True):  # input order, whatever finished first
            try:
                part = future.result()
            except OracleError as exc:
                for f in futures:
                    if isinstance(f, Future):
                        f.cancel()
                raise OracleError(f"chunk of batch rows {s.start}..{s.stop - 1}: {exc}") from None
            y[s], labelled[s] = part.y, part.labelled
        return Labels(y, labelled)

    def _label(self, x: np.ndarray) -> np.ndarray:
        y, labelled = self.label_partial(x)
        if not labelled.all():
            raise OracleError(f"{self.describe()} left rows {np.flatnonzero(~labelled)[:20].tolist()} unlabelled.")
        return y
