"""The performance gain of eq. 2: how many fewer labels active learning needs.

1. ``target`` = the best accuracy random sampling reaches;
2. ``n_random`` = the fewest labels with which random sampling reaches it;
3. ``n_active`` = the fewest labels with which active learning reaches it;
4. ``gain = n_random / n_active``.

When active learning never reaches the target within its budget, ``n_active`` is
undefined and the gain is defined as 0.0 ("no saving shown"), with ``reached``
False; summaries count such repeats so a 0 is never mistaken for a measurement.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

__all__ = ["Gain", "compute_gain", "summarize_gains"]


@dataclass(frozen=True)
class Gain:
    """Eq. 2 for one repeat."""

    gain: float
    target_accuracy: float
    n_random: int
    n_active: int | None
    reached: bool

    def as_dict(self) -> dict[str, float | int | bool | None]:
        return asdict(self)


def _curve(sizes: np.ndarray, accuracy: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    sizes, accuracy = np.asarray(sizes), np.asarray(accuracy, dtype=np.float64)
    if sizes.ndim != 1 or sizes.shape != accuracy.shape or sizes.size == 0:
        raise ValueError(
            f"{name} curve needs equal-length, non-empty 1-D sizes and accuracies, "
            f"but got shapes {sizes.shape} and {accuracy.shape}."
        )
    if np.any(np.diff(sizes) <= 0):
        raise ValueError(f"{name} curve sizes must increase strictly, but got {sizes.tolist()}.")
    return sizes, accuracy


def compute_gain(
    random_sizes: np.ndarray,
    random_accuracy: np.ndarray,
    active_sizes: np.ndarray,
    active_accuracy: np.ndarray,
) -> Gain:
    """Eq. 2 from two learning curves (labelled-set sizes and accuracies).

    Examples
    --------
    >>> compute_gain([10, 20, 30], [0.6, 0.7, 0.8], [10, 15, 20], [0.6, 0.8, 0.9]).gain
    2.0
    """
    rs, ra = _curve(random_sizes, random_accuracy, "random")
    as_, aa = _curve(active_sizes, active_accuracy, "active")
    target = float(ra.max())
    n_random = int(rs[np.argmax(ra >= target)])
    hits = np.flatnonzero(aa >= target)
    if hits.size == 0:
        return Gain(0.0, target, n_random, None, False)
    n_active = int(as_[hits[0]])
    return Gain(n_random / n_active, target, n_random, n_active, True)


def summarize_gains(gains: list[Gain]) -> dict[str, float]:
    """Min / median / max of the gain over repeats, with the repeat counts."""
    if not gains:
        raise ValueError("summarize_gains needs at least one repeat's gain.")
    values = np.array([g.gain for g in gains])
    return {
        "gain_min": float(values.min()),
        "gain_median": float(np.median(values)),
        "gain_max": float(values.max()),
        "gain_repeats": float(len(gains)),
        "gain_reached": float(sum(g.reached for g in gains)),
    }
