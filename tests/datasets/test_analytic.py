import math

import numpy as np
import pytest

from datasets.oracles import Hyperplane, Hypersphere, OracleError
from datasets.oracles._base import Oracle
from datasets.space import Space


def test_inscribed_ball_radius_is_exact():
    sphere = Hypersphere(2, fraction=0.5)
    assert sphere.radius == pytest.approx(math.sqrt(0.5 / math.pi), rel=1e-12)


@pytest.mark.parametrize(("dimension", "fraction"), [(2, 0.5), (5, 0.3), (19, 0.5), (19, 0.1)])
def test_hypersphere_holds_the_chosen_fraction(dimension, fraction):
    sphere = Hypersphere(dimension, fraction)
    y = sphere.label(sphere.space.sample(400_000, np.random.default_rng(3)))
    assert y.mean() == pytest.approx(fraction, abs=0.004)


def test_hypersphere_boundary_is_exact():
    sphere = Hypersphere(19, 0.5)
    direction = np.ones(19) / np.sqrt(19)
    inside = 0.5 + direction * (sphere.radius - 1e-9)
    outside = 0.5 + direction * (sphere.radius + 1e-9)
    np.testing.assert_array_equal(sphere.label(np.stack([inside, outside, np.full(19, 0.5)])), [1, 0, 1])


def test_hyperplane_is_oblique_and_splits_the_cube_in_half():
    plane = Hyperplane(10)
    x = plane.space.sample(200_000, np.random.default_rng(4))
    y = plane.label(x)
    assert y.mean() == pytest.approx(0.5, abs=0.004)
    np.testing.assert_array_equal(plane.label(1.0 - x), 1 - y)  # x -> 1 - x flips the side
    assert np.all(plane.normal > 0) and len(set(np.round(plane.normal, 12))) == 10


def test_labels_are_int8_and_batched_in_order():
    sphere = Hypersphere(3, 0.2)
    x = sphere.space.sample(1000, np.random.default_rng(0))
    y = sphere.label(x)
    assert y.dtype == np.int8
    np.testing.assert_array_equal(y[::-1], sphere.label(x[::-1]))


def test_bad_fraction_and_shape():
    with pytest.raises(ValueError, match=r"fraction must be in \(0, 1\)"):
        Hypersphere(3, 1.5)
    with pytest.raises(ValueError, match=r"shape \(n_points, 3\)"):
        Hypersphere(3).label(np.zeros((2, 4)))


class _Broken(Oracle):
    def __init__(self, output):
        self.space, self.output = Space.unit_cube(2), output

    def _label(self, x):
        return self.output


def test_bad_oracle_output_is_reported_with_rows():
    with pytest.raises(OracleError, match=r"outside \{0, 1\} at rows \[1\]"):
        _Broken(np.array([0, 2, 1])).label(np.zeros((3, 2)))
    with pytest.raises(OracleError, match=r"shape \(2,\) for 3 points"):
        _Broken(np.array([0, 1])).label(np.zeros((3, 2)))
