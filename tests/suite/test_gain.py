import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from suite.gain import compute_gain, summarize_gains


def test_gain_on_a_normal_pair_of_curves():
    # random peaks at 0.80 with 40 labels; active first reaches 0.80 at 20 labels
    g = compute_gain([10, 20, 30, 40, 50], [0.6, 0.7, 0.75, 0.80, 0.79],
                     [10, 15, 20, 25], [0.6, 0.78, 0.81, 0.83])
    assert (g.gain, g.target_accuracy, g.n_random, g.n_active, g.reached) == (2.0, 0.80, 40, 20, True)


def test_gain_when_active_never_reaches_randoms_best():
    g = compute_gain([10, 20, 30], [0.6, 0.7, 0.9], [10, 20, 30], [0.6, 0.8, 0.85])
    assert g.gain == 0.0 and g.n_active is None and not g.reached and g.n_random == 30


def test_gain_when_reached_at_the_first_step():
    g = compute_gain([100, 200, 300], [0.7, 0.8, 0.85], [100, 150], [0.9, 0.95])
    assert g.gain == 3.0 and g.n_active == 100
    flat = compute_gain([100, 200], [0.9, 0.9], [100, 200], [0.9, 0.9])
    assert flat.gain == 1.0 and flat.n_random == 100  # random's *first* arrival at its best


def test_summary_counts_unreached_repeats():
    gains = [compute_gain([1, 2], [0.5, 0.6], [1, 2], a) for a in ([0.5, 0.7], [0.6, 0.6], [0.5, 0.5])]
    assert [g.gain for g in gains] == [1.0, 2.0, 0.0]
    s = summarize_gains(gains)
    assert s == {"gain_min": 0.0, "gain_median": 1.0, "gain_max": 2.0, "gain_repeats": 3.0, "gain_reached": 2.0}


def test_bad_curves():
    with pytest.raises(ValueError, match="must increase strictly"):
        compute_gain([10, 10], [0.5, 0.6], [10], [0.5])
    with pytest.raises(ValueError, match="equal-length"):
        compute_gain([10, 20], [0.5], [10], [0.5])
    with pytest.raises(ValueError, match="at least one"):
        summarize_gains([])


@given(st.lists(st.floats(0, 1), min_size=1, max_size=15), st.lists(st.floats(0, 1), min_size=1, max_size=15))
def test_identical_curves_give_gain_one_and_gain_is_a_size_ratio(r, a):
    sizes = np.arange(1, len(r) + 1) * 10
    assert compute_gain(sizes, r, sizes, r).gain == 1.0
    g = compute_gain(sizes, r, np.arange(1, len(a) + 1) * 10, a)
    assert g.gain == 0.0 or g.gain == pytest.approx(g.n_random / g.n_active)
