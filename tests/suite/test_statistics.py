import numpy as np
import pandas as pd
import pytest

from suite.statistics import bootstrap_interval, curve_area, gain_table, paired_test, summarize


def test_bootstrap_interval_contains_the_median_and_is_seeded():
    values = [1.5, 2.0, 2.5, 3.0, 6.0, 2.2, 2.8]
    low, high = bootstrap_interval(values, seed=4)
    assert low <= np.median(values) <= high
    assert min(values) <= low and high <= max(values)
    assert bootstrap_interval(values, seed=4) == (low, high)
    assert bootstrap_interval([3.0], seed=4) == (3.0, 3.0)


def test_bootstrap_interval_of_a_constant_sample_is_that_constant():
    assert bootstrap_interval([2.0, 2.0, 2.0]) == (2.0, 2.0)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"values": []}, "needs a non-empty 1-D list"),
    ({"values": [1.0, 2.0], "level": 1.5}, r"level must be in \(0, 1\), but got level=1.5"),
])
def test_bootstrap_interval_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        bootstrap_interval(**kwargs)


def test_gain_table_on_hand_made_gains():
    gains = pd.DataFrame({"strategy": ["rf-qbc"] * 5, "gain": [2.0, 4.0, 3.0, 0.0, 5.0],
                          "reached": [True, True, True, False, True]})
    row = gain_table(gains, seed=0).iloc[0]
    assert (row.gain_min, row.gain_median, row.gain_max, row.gain_repeats, row.gain_reached) == (0.0, 3.0, 5.0, 5, 4)
    assert row.gain_ci95_low <= 3.0 <= row.gain_ci95_high


def test_summarize_prefixes_and_counts():
    assert summarize([1.0, 3.0], prefix="area_") == pytest.approx(
        {"area_min": 1.0, "area_median": 2.0, "area_max": 3.0, "area_ci95_low": 1.0,
         "area_ci95_high": 3.0, "area_repeats": 2.0})


def test_curve_area_is_the_mean_accuracy_over_the_budget():
    # trapezoids: (0.5+0.7)/2*10 + (0.7+0.7)/2*10 = 13 over a range of 20
    assert curve_area([0, 10, 20], [0.5, 0.7, 0.7]) == pytest.approx(0.65)
    assert curve_area([5], [0.8]) == 0.8
    with pytest.raises(ValueError, match="strictly increasing steps"):
        curve_area([0, 10, 10], [0.5, 0.6, 0.7])
    with pytest.raises(ValueError, match="equal-length 1-D"):
        curve_area([0, 10], [0.5])


def test_paired_test_on_hand_made_differences():
    # all 6 differences positive: exact two-sided p = 2 / 2**6
    active = [0.91, 0.92, 0.90, 0.93, 0.94, 0.95]
    random = [0.90, 0.90, 0.87, 0.89, 0.89, 0.89]
    test = paired_test(active, random)
    assert test.repeats == 6 and test.statistic == 0.0
    assert test.p_value == pytest.approx(2 / 2**6)
    assert test.median_difference == pytest.approx(0.035)
    assert "cannot go below" not in test.message


def test_paired_test_with_few_repeats_says_so():
    one = paired_test([0.9], [0.8])
    assert one.p_value is None and one.statistic is None and one.repeats == 1
    assert one.message.startswith("needs at least 2 paired repeats for a significance test, but got 1")
    three = paired_test([0.9, 0.8, 0.85], [0.8, 0.7, 0.8])
    assert three.p_value == pytest.approx(0.25)
    assert "with 3 repeats p cannot go below 0.25" in three.message
    same = paired_test([0.9, 0.8], [0.9, 0.8])
    assert (same.p_value, same.message) == (1.0, "all paired differences are zero")
    with pytest.raises(ValueError, match="two equal-length 1-D samples"):
        paired_test([0.9, 0.8], [0.9])
