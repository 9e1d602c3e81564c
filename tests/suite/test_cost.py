import math

import numpy as np
import pandas as pd
import pytest

from suite.cost import COST_GRID, cost_gain


def _curve(steps, accuracy, fit, select):
    return pd.DataFrame({"step": steps, "accuracy": accuracy, "fit_seconds": fit, "select_seconds": select,
                         "label_seconds": 0.0, "score_seconds": 99.0})


RANDOM = _curve([100, 200, 300, 400], [0.70, 0.80, 0.85, 0.90], [1.0, 2.0, 3.0, 4.0], [0.0, 0.1, 0.1, 0.1])
ACTIVE = _curve([100, 200, 300, 400], [0.70, 0.88, 0.91, 0.92], [1.0, 2.0, 3.0, 4.0], [0.0, 5.0, 5.0, 5.0])


def test_break_even_by_hand():
    # target 0.90: random needs 400 labels and one fit of 4 s; active reaches 0.91 at 300
    # after fits 1+2+3 and selections 0+5+5 = 16 s. Pays when 400c + 4 > 300c + 16: c > 0.12 s.
    g = cost_gain(RANDOM, ACTIVE)
    assert (g.n_random, g.n_active, g.fit_random, g.overhead_active) == (400, 300, 4.0, 16.0)
    assert g.break_even == pytest.approx(0.12)
    gains = cost_gain(RANDOM, ACTIVE, np.array([0.0, 0.12, 1000.0])).gains
    assert gains[0] == pytest.approx(4 / 16)
    assert gains[1] == pytest.approx(1.0)
    assert gains[2] == pytest.approx((400_000 + 4) / (300_000 + 16))


def test_grid_spans_a_microsecond_to_a_thousand_seconds_and_tends_to_the_label_gain():
    assert COST_GRID[0] == pytest.approx(1e-6) and COST_GRID[-1] == pytest.approx(1e3)
    g = cost_gain(RANDOM, ACTIVE)
    assert np.all(np.diff(g.gains) > 0)
    assert g.gains[-1] == pytest.approx(400 / 300, rel=1e-4)
    assert g.gains[0] == pytest.approx(4 / 16, rel=1e-3)


def test_never_reaching_the_target_never_pays_and_no_overhead_always_pays():
    slow = _curve([100, 200, 300, 400], [0.70, 0.75, 0.80, 0.85], 1.0, 0.0)
    g = cost_gain(RANDOM, slow)
    assert g.n_active is None and math.isinf(g.break_even) and not np.any(g.gains)
    cheap = _curve([100, 200], [0.70, 0.95], [0.5, 0.5], [0.0, 0.5])  # 1.5 s overhead < 4 s random fit
    assert cost_gain(RANDOM, cheap).break_even == 0.0


def test_missing_timing_column_is_named():
    with pytest.raises(ValueError, match="needs the per-iteration column 'select_seconds'"):
        cost_gain(RANDOM, ACTIVE.drop(columns="select_seconds"))


def test_break_even_sentences():
    from suite.comparison import break_even_text

    assert break_even_text("rf-qbc", 0.12) == "rf-qbc: active learning pays above an oracle cost of 0.12 s per label"
    assert "does not pay at any oracle cost" in break_even_text("rf-qbc", math.inf)
    assert "pays at every oracle cost" in break_even_text("rf-qbc", 0.0)
