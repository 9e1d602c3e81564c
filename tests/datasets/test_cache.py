"""The label cache: a point is sent to the oracle once, ever."""

import numpy as np

from datasets.oracles import CachedOracle, Hyperplane, LabelCache, Labels, Oracle
from datasets.oracles.cache import point_keys


class CountingPlane(Oracle):
    """The plane, remembering every row it was asked about."""

    def __init__(self) -> None:
        self.plane = Hyperplane(2)
        self.space = self.plane.space
        self.asked: list[tuple[float, ...]] = []

    def _label(self, x):
        self.asked += [tuple(r) for r in x]
        return self.plane.label(x)


def test_each_point_reaches_the_oracle_once():
    inner = CountingPlane()
    persisted = []
    oracle = CachedOracle(inner, LabelCache(persist=lambda x, y: persisted.append((x.copy(), y.copy()))))
    a = inner.space.sample(10, np.random.default_rng(0))
    b = inner.space.sample(5, np.random.default_rng(1))
    batch = np.vstack([a[:4], a[:4], b])           # duplicates inside one batch
    np.testing.assert_array_equal(oracle.label(batch), inner.plane.label(batch))
    assert len(inner.asked) == 9 and oracle.sent == 9
    np.testing.assert_array_equal(oracle.label(np.vstack([b, a])), inner.plane.label(np.vstack([b, a])))
    assert len(inner.asked) == 15 and len(set(inner.asked)) == 15   # only a[4:] was new
    assert oracle.hits == 4 + 5 + 4
    assert [len(y) for _, y in persisted] == [9, 6]


def test_a_reloaded_cache_answers_without_the_oracle():
    inner = CountingPlane()
    x = inner.space.sample(20, np.random.default_rng(3))
    cache = LabelCache()
    cache.load(x, inner.plane.label(x))
    np.testing.assert_array_equal(CachedOracle(inner, cache).label(x), inner.plane.label(x))
    assert inner.asked == []


def test_keys_are_exact_on_the_float64_vector():
    x = np.array([[0.1, 0.2], [0.1, 0.2 + 1e-17], [0.1, np.nextafter(0.2, 1)]])
    keys = point_keys(x)
    assert keys[0] == keys[1] != keys[2] and len(keys[0]) == 16
    assert point_keys(x.astype(np.float32))[0] != keys[0]  # float32 rounding is a different point


def test_unlabelled_points_are_not_cached():
    class HalfFailing(CountingPlane):
        def label_partial(self, x):
            y = self.label(x)
            return Labels(y, np.arange(len(x)) % 2 == 0)

    inner = HalfFailing()
    oracle = CachedOracle(inner, LabelCache())
    x = inner.space.sample(4, np.random.default_rng(5))
    assert oracle.label_partial(x).labelled.tolist() == [True, False, True, False]
    assert oracle.label_partial(x).labelled.tolist() == [True, True, True, False]  # rows 1 and 3 re-sent; 1 now succeeds
    assert len(oracle.cache) == 3
