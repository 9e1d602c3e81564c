"""The concentration criterion that picks the projection pairs."""

from __future__ import annotations

import numpy as np
import pytest

from suite.identify import choose_pairs, concentration


def test_concentration_of_hand_built_selections():
    rng = np.random.default_rng(0)
    candidates = rng.uniform(0, 1, size=(20000, 3))
    # a copy of the candidates is as spread as the prior
    assert concentration(candidates, candidates, 0, 1) == pytest.approx(1.0)
    # halving the spread of both axes quarters the covariance ellipse area: rho = 0.5 * 0.5
    half = 0.5 + 0.5 * (candidates - 0.5)
    assert concentration(half, candidates, 0, 1) == pytest.approx(0.25)
    # points on the line x1 = x0 have a singular covariance: rho = 0
    line = np.column_stack([candidates[:, 0], candidates[:, 0], candidates[:, 2]])
    assert concentration(line, candidates, 0, 1) == pytest.approx(0.0, abs=1e-6)
    assert concentration(candidates[:2], candidates, 0, 1) == 1.0


def test_choose_pairs_orders_by_concentration_and_checks_names():
    rng = np.random.default_rng(1)
    candidates = rng.uniform(0, 1, size=(5000, 3))
    selected = candidates[:500].copy()
    selected[:, 2] = 0.5 + 0.1 * (selected[:, 2] - 0.5)  # x2 squeezed to a tenth
    pairs = choose_pairs(["x0", "x1", "x2"], selected, candidates, 2)
    assert [(i, j) for i, j, _ in pairs] in ([(0, 2), (1, 2)], [(1, 2), (0, 2)])
    assert all(rho == pytest.approx(0.1, rel=0.15) for _, _, rho in pairs)
    named = choose_pairs(["x0", "x1", "x2"], selected, candidates, 2, [("x1", "x0")])
    assert [(i, j) for i, j, _ in named] == [(1, 0)]
    with pytest.raises(ValueError, match=r"projection.pairs names unknown parameters \['M9'\]"):
        choose_pairs(["x0", "x1", "x2"], selected, candidates, 2, [("x0", "M9")])
