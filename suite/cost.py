"""Cost-aware gain: does active learning pay in wall-clock time for a given simulator?

Eq. 2 counts labels only. When one oracle call costs ``c`` seconds, the time to
reach random sampling's best accuracy is

- random sampling: ``t_random(c) = c * N_random + F_random``, where ``F_random`` is
  the fit time of the one model trained on the ``N_random`` points (random sampling
  needs no loop: draw, label, train once);
- active learning: ``t_active(c) = c * N_active + O_active``, where ``O_active`` is
  its own overhead, summed over every iteration up to and including the one that
  reaches the target: training (``fit_seconds``) and drawing and scoring the
  candidates (``select_seconds``).

The measured ``label_seconds`` of the stand-in oracle are replaced by ``c`` per
label; scoring the test set (``score_seconds``) is the benchmark's own bookkeeping
and counted for neither. The wall-clock gain ``t_random / t_active`` tends to the
label gain ``N_random / N_active`` for expensive oracles and to ``F_random /
O_active`` (< 1) for free ones. Active learning pays (gain > 1) for
``c > (O_active - F_random) / (N_random - N_active)``, the break-even cost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from suite.gain import compute_gain

__all__ = ["COST_GRID", "CostGain", "cost_gain"]

COST_GRID = np.logspace(-6, 3, 37)  # 1 microsecond to 1000 seconds, 4 points per decade


@dataclass(frozen=True)
class CostGain:
    """Wall-clock gain of one (active strategy, repeat) over a grid of oracle costs.

    ``break_even`` is the oracle cost in seconds above which active learning is
    faster (0.0: always faster; ``inf``: never, e.g. when it never reaches random
    sampling's best accuracy, when ``n_active`` is None).
    """

    costs: np.ndarray
    gains: np.ndarray
    break_even: float
    n_random: int
    n_active: int | None
    fit_random: float
    overhead_active: float


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame:
        raise ValueError(f"cost-aware gain needs the per-iteration column {name!r}; the curve has {list(frame.columns)}.")
    return frame[name].to_numpy(dtype=np.float64)


def cost_gain(random: pd.DataFrame, active: pd.DataFrame, costs: np.ndarray = COST_GRID) -> CostGain:
    """Wall-clock gain ``t_random(c) / t_active(c)`` for each cost ``c`` (see the module docstring).

    Parameters
    ----------
    random, active : DataFrame
        One row per iteration of one repeat, with ``step``, ``accuracy``,
        ``fit_seconds`` and ``select_seconds``; rows sorted by ``step``.
    costs : array of float, default=COST_GRID
        Seconds per oracle call.

    Examples
    --------
    >>> r = pd.DataFrame({"step": [10, 20, 30], "accuracy": [.6, .7, .8],
    ...                   "fit_seconds": [1., 2., 3.], "select_seconds": [0., .5, .5]})
    >>> a = pd.DataFrame({"step": [10, 15], "accuracy": [.6, .8],
    ...                   "fit_seconds": [1., 2.], "select_seconds": [0., 4.]})
    >>> g = cost_gain(r, a, np.array([0.0, 0.4, 1e6]))
    >>> g.break_even, g.gains.round(3).tolist()   # (7 - 3) / (30 - 15); 3/7, 15/13, ~2
    (0.26666666666666666, [0.429, 1.154, 2.0])
    """
    random = random.sort_values("step")
    active = active.sort_values("step")
    r_step, a_step = _column(random, "step"), _column(active, "step")
    gain = compute_gain(r_step, _column(random, "accuracy"), a_step, _column(active, "accuracy"))
    costs = np.asarray(costs, dtype=np.float64)
    fit_random = float(_column(random, "fit_seconds")[np.flatnonzero(r_step == gain.n_random)[0]])
    if gain.n_active is None:
        return CostGain(costs, np.zeros_like(costs), math.inf, gain.n_random, None, fit_random, math.inf)
    upto = a_step <= gain.n_active
    overhead = float(np.sum(_column(active, "fit_seconds")[upto] + _column(active, "select_seconds")[upto]))
    t_random = costs * gain.n_random + fit_random
    t_active = costs * gain.n_active + overhead
    with np.errstate(divide="ignore", invalid="ignore"):
        gains = np.where(t_active > 0, t_random / t_active, np.inf)
    saved_labels = gain.n_random - gain.n_active
    extra_seconds = overhead - fit_random
    if extra_seconds <= 0 and saved_labels >= 0:
        break_even = 0.0
    elif saved_labels <= 0:
        break_even = math.inf
    else:
        break_even = extra_seconds / saved_labels
    return CostGain(costs, gains, break_even, gain.n_random, gain.n_active, fit_random, overhead)
