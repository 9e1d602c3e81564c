"""Normalisers for table data: z-score, the SUSY-AI box, log columns, zero spreads."""

from __future__ import annotations

import numpy as np
import pytest

from datasets.normalization import Normalizer
from datasets.pmssm import pmssm19_space
from datasets.space import Space


def test_zscore_by_hand():
    x = np.array([[1.0, 5.0], [3.0, 5.0], [5.0, 5.0]])
    norm = Normalizer.zscore(x)
    np.testing.assert_allclose(norm.center, [3.0, 5.0])
    np.testing.assert_allclose(norm.scale, [np.sqrt(8 / 3), 1.0])  # constant column: spread 1
    z = norm(x)
    assert z.dtype == np.float32
    np.testing.assert_allclose(z, [[-np.sqrt(1.5), 0.0], [0.0, 0.0], [np.sqrt(1.5), 0.0]], rtol=1e-6)
    assert np.isfinite(z).all()


def test_log_columns_scale_decades_evenly():
    x = np.array([[1e3, 1.0], [1e5, 2.0], [1e7, 3.0]])
    z = Normalizer.zscore(x, log=[0])(x)
    np.testing.assert_allclose(z[:, 0], [-np.sqrt(1.5), 0.0, np.sqrt(1.5)], rtol=1e-6)  # log10 = 3, 5, 7
    with pytest.raises(ValueError, match=r"table: column 'b' cannot be log-scaled: it has values <= 0 \(at rows \[0\]\)"):
        Normalizer.zscore(np.array([[1.0, 0.0], [2.0, 1.0]]), log=[1], names=["a", "b"])


def test_box_equals_the_space_convention():
    space = pmssm19_space()
    x = space.sample(500, np.random.default_rng(1))
    np.testing.assert_allclose(Normalizer.box(space)(x), space.normalize(x), rtol=1e-6, atol=1e-6)


def test_box_with_log_and_its_errors():
    space = Space(["m", "t"], [10.0, -1.0], [1000.0, 1.0])
    norm = Normalizer.box(space, log=[0])
    np.testing.assert_allclose(norm.center, [2.0, 0.0])
    np.testing.assert_allclose(norm.scale, [2.0 / np.sqrt(12.0), 2.0 / np.sqrt(12.0)])
    with pytest.raises(ValueError, match=r"column 't' cannot be log-scaled"):
        Normalizer.box(space, log=[1])
    with pytest.raises(ValueError, match=r"expected points of shape \(n, 2\), but got shape \(3, 3\)"):
        norm(np.ones((3, 3)))
