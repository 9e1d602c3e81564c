import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from datasets.pmssm import DEFAULTS, NAMES, SECTORS, pmssm19_space
from datasets.space import Space


def test_pmssm_box_matches_the_data_readme():
    space = pmssm19_space()
    assert space.dimension == 19
    assert space.names[0] == "M1" and space.names[17] == "mA2" and space.names[18] == "tanb"
    assert space.lower[13] == -7998.919 and space.upper[13] == 7993.83
    assert space.upper[17] == 37569812.0 and space.units[17] == "GeV^2"
    assert DEFAULTS["mU3"] == 3000.0 and set(SECTORS["ew"]) == {"M1", "M2", "mu", "tanb"}
    assert set(NAMES) >= {n for sector in SECTORS.values() for n in sector}


def test_normalisation_is_the_susyai_convention():
    space = Space(["a", "b"], [0.0, -6.0], [12.0, 6.0])
    z = space.normalize(np.array([[6.0, 0.0], [12.0, 6.0]]))
    # (x - mid) / (range / sqrt(12)): the upper edge maps to sqrt(12) / 2 = sqrt(3)
    np.testing.assert_allclose(z, [[0.0, 0.0], [np.sqrt(3), np.sqrt(3)]], rtol=1e-6)
    assert z.dtype == np.float32


def test_uniform_draws_normalise_to_unit_variance():
    space = pmssm19_space()
    z = space.normalize(space.sample(200_000, np.random.default_rng(1)))
    np.testing.assert_allclose(z.mean(axis=0), 0.0, atol=0.01)
    np.testing.assert_allclose(z.var(axis=0), 1.0, atol=0.01)


def test_sampling_is_seeded_and_inside_the_box():
    space = pmssm19_space()
    a = space.sample(1000, np.random.default_rng(7))
    b = space.sample(1000, np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)
    assert space.contains(a).all()
    assert not np.array_equal(a, space.sample(1000, np.random.default_rng(8)))


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, (5, 19), elements=st.floats(0, 1)))
def test_round_trip_is_exact_to_float32(u):
    space = pmssm19_space()
    x = space.lower + u * (space.upper - space.lower)
    back = space.denormalize(space.normalize(x))
    np.testing.assert_allclose(back, x, rtol=0, atol=1e-6 * (space.upper - space.lower).max())


def test_float64_round_trip_is_exact():
    space = pmssm19_space()
    z = np.random.default_rng(0).normal(size=(10, 19))
    np.testing.assert_allclose(space.normalize(space.denormalize(z)), z, atol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"names": ["a"], "lower": [1.0], "upper": [0.0]}, "finite lower < upper"),
        ({"names": ["a", "b"], "lower": [0.0], "upper": [1.0]}, "one bound per name"),
        ({"names": ["a"], "lower": [0.0], "upper": [1.0], "units": ["m", "s"]}, "units must have 1"),
    ],
)
def test_bad_boxes_are_rejected(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Space(**kwargs)


def test_wrong_point_shape_names_the_expected_shape():
    with pytest.raises(ValueError, match=r"\(n_points, 19\).*\(3, 4\)"):
        pmssm19_space().normalize(np.zeros((3, 4)))
