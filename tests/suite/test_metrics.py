import math

import numpy as np
import pytest

from suite.metrics import SCORE_NAMES, score


def test_hand_computed_scores():
    y = np.array([1, 1, 0, 0])
    p = np.array([0.9, 0.4, 0.2, 0.6])
    s = score(y, p)
    assert set(s) == set(SCORE_NAMES)
    assert s["accuracy"] == 0.5  # hard labels [1, 0, 0, 1]
    assert s["precision"] == 0.5 and s["recall"] == 0.5 and s["f1"] == 0.5
    assert s["auc"] == 0.75  # 3 of 4 positive/negative pairs ordered correctly
    assert s["brier"] == pytest.approx((0.01 + 0.36 + 0.04 + 0.36) / 4)
    assert s["log_loss"] == pytest.approx(-(math.log(0.9) + math.log(0.4) + math.log(0.8) + math.log(0.4)) / 4)


def test_one_class_test_set_and_certain_probabilities_stay_finite():
    s = score(np.ones(3, dtype=int), np.array([1.0, 1.0, 0.0]))
    assert math.isnan(s["auc"]) and math.isfinite(s["log_loss"]) and s["accuracy"] == pytest.approx(2 / 3)


def test_shape_mismatch():
    with pytest.raises(ValueError, match="equal length"):
        score(np.zeros(3), np.zeros(4))
