"""One seed per repeat, and independent named streams derived from it.

Streams are keyed by purpose (and strategy name), not by call order, so running a
subset of strategies, or one repeat on its own, reproduces exactly the same draws.
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["repeat_seed", "stream"]


def repeat_seed(seed: int, repeat: int) -> int:
    """The integer seed of repeat ``repeat`` (logged as the child run's ``seed`` tag)."""
    return int(np.random.SeedSequence(seed, spawn_key=(repeat,)).generate_state(1, np.uint32)[0])


def stream(seed: int, repeat: int, purpose: str) -> np.random.Generator:
    """A generator for one purpose (``"initial"``, ``"test"``, ``"strategy:rf-qbc"``, ...)."""
    key = zlib.crc32(purpose.encode())
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(repeat, key)))
