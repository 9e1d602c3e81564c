"""Statistics over repeats: bootstrap intervals, learning-curve areas, paired tests.

Every interval is seeded, so a report is reproducible. Paired tests compare an
active strategy with its random baseline repeat by repeat (same initial set, same
test set within a repeat: the paired design of :mod:`suite.benchmark`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "PairedTest",
    "bootstrap_interval",
    "curve_area",
    "gain_table",
    "paired_test",
    "summarize",
]

MIN_REPEATS_FOR_TEST = 2


def bootstrap_interval(
    values: Sequence[float] | np.ndarray, *, seed: int = 0, level: float = 0.95, n_resamples: int = 10_000
) -> tuple[float, float]:
    """Percentile bootstrap interval of the median of ``values``.

    With one value the interval is that value (no spread can be estimated).

    Examples
    --------
    >>> low, high = bootstrap_interval([2.0, 3.0, 4.0, 5.0, 6.0], seed=1)
    >>> bool(low <= 4.0 <= high)
    True
    """
    data = np.asarray(values, dtype=np.float64)
    if data.ndim != 1 or data.size == 0:
        raise ValueError(f"bootstrap_interval needs a non-empty 1-D list of values, but got shape {data.shape}.")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), but got level={level}.")
    if data.size == 1:
        return float(data[0]), float(data[0])
    rng = np.random.default_rng(seed)
    medians = np.median(data[rng.integers(0, data.size, (n_resamples, data.size))], axis=1)
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(medians, [tail, 1.0 - tail])
    return float(low), float(high)


def summarize(values: Sequence[float] | np.ndarray, *, seed: int = 0, prefix: str = "") -> dict[str, float]:
    """Min / median / max, the bootstrap 95% interval of the median, and the count."""
    data = np.asarray(values, dtype=np.float64)
    low, high = bootstrap_interval(data, seed=seed)
    return {
        f"{prefix}min": float(data.min()),
        f"{prefix}median": float(np.median(data)),
        f"{prefix}max": float(data.max()),
        f"{prefix}ci95_low": low,
        f"{prefix}ci95_high": high,
        f"{prefix}repeats": float(data.size),
    }


def curve_area(steps: Sequence[float], values: Sequence[float]) -> float:
    """Normalised area under a learning curve: the trapezoid integral over the step range.

    Dividing by the range makes it the mean metric over the budget, comparable
    between runs with the same ``size_initial`` and ``size_max``; a curve with one
    point has that point's value.

    Examples
    --------
    >>> curve_area([0, 10, 20], [0.5, 0.7, 0.7])
    0.65
    """
    x, y = np.asarray(steps, dtype=np.float64), np.asarray(values, dtype=np.float64)
    if x.ndim != 1 or x.shape != y.shape or x.size == 0:
        raise ValueError(f"curve_area needs equal-length 1-D steps and values, but got {x.shape} and {y.shape}.")
    if x.size == 1:
        return float(y[0])
    if np.any(np.diff(x) <= 0):
        raise ValueError(f"curve_area needs strictly increasing steps, but got {x.tolist()}.")
    return float(np.sum((y[1:] + y[:-1]) * np.diff(x)) / 2.0 / (x[-1] - x[0]))


@dataclass(frozen=True)
class PairedTest:
    """Wilcoxon signed-rank test of active minus random, one pair per repeat.

    ``p_value`` and ``statistic`` are None when there are too few repeats; then
    ``message`` says why.
    """

    quantity: str
    repeats: int
    median_difference: float
    statistic: float | None
    p_value: float | None
    message: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def paired_test(active: Sequence[float], random: Sequence[float], *, quantity: str = "area") -> PairedTest:
    """Two-sided Wilcoxon signed-rank test of ``active - random`` over paired repeats.

    Exact p-values (scipy's default for small samples). All differences zero gives
    p = 1. With ``n`` repeats the smallest possible two-sided p is ``2 / 2**n``, so
    fewer than 6 repeats can never reach p < 0.05; the message says so.

    Examples
    --------
    >>> paired_test([0.9], [0.8]).message
    'needs at least 2 paired repeats for a significance test, but got 1; run more repeats (alsuite run ... --repeat K)'
    """
    a, r = np.asarray(active, dtype=np.float64), np.asarray(random, dtype=np.float64)
    if a.shape != r.shape or a.ndim != 1:
        raise ValueError(f"paired_test needs two equal-length 1-D samples, but got {a.shape} and {r.shape}.")
    n = int(a.size)
    diff = a - r
    median = float(np.median(diff)) if n else float("nan")
    if n < MIN_REPEATS_FOR_TEST:
        return PairedTest(quantity, n, median, None, None,
                          f"needs at least {MIN_REPEATS_FOR_TEST} paired repeats for a significance test, "
                          f"but got {n}; run more repeats (alsuite run ... --repeat K)")
    if not np.any(diff):
        return PairedTest(quantity, n, median, 0.0, 1.0, "all paired differences are zero")
    result = stats.wilcoxon(a, r, alternative="two-sided", zero_method="wilcox")
    floor = 2.0 / 2**n
    note = f"Wilcoxon signed-rank, two-sided, {n} repeats"
    if floor >= 0.05:
        note += f" (with {n} repeats p cannot go below {floor:.3g})"
    return PairedTest(quantity, n, median, float(result.statistic), float(result.pvalue), note)


def gain_table(gains: pd.DataFrame, *, seed: int = 0) -> pd.DataFrame:
    """Per strategy: the gain's min / median / max over repeats and its bootstrap interval.

    ``gains`` has one row per (strategy, repeat) with columns ``strategy``, ``gain``
    and ``reached``.
    """
    rows = []
    for name, frame in gains.groupby("strategy", sort=False):
        rows.append({"strategy": name, **summarize(frame.gain.to_numpy(), seed=seed, prefix="gain_"),
                     "gain_reached": int(frame.reached.sum())})
    return pd.DataFrame(rows)
