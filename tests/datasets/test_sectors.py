import numpy as np
import pytest

from datasets.oracles import Hypersphere, Oracle
from datasets.pmssm import DEFAULTS, NAMES, pmssm19_space
from datasets.sectors import PRESETS, FixedSectorOracle, fixed_parameters, free_parameters


class _Recorder(Oracle):
    """A real (trivial) 19-D oracle that keeps the last batch it labelled: allowed where M3 > 2000."""

    def __init__(self) -> None:
        self.space = pmssm19_space()
        self.seen: np.ndarray | None = None

    def _label(self, x: np.ndarray) -> np.ndarray:
        self.seen = x.copy()
        return (x[:, 2] > 2000).astype(np.int8)


@pytest.mark.parametrize("free", [19, 14, 10, 8, 4, 1])
def test_presets_give_the_named_free_parameter_counts(free):
    assert len(free_parameters(PRESETS[free])) == free


def test_overlapping_sectors_count_once():
    assert len(fixed_parameters(["squark", "thirdgen"])) == 8   # mQ3, mU3, mD3 shared
    assert len(fixed_parameters(["ew", "higgs"])) == 6          # mu, tanb shared
    assert free_parameters(PRESETS[1]) == ("M3",)
    assert free_parameters(PRESETS[4]) == ("M3", "At", "Ab", "mA2")


def test_oracle_sees_19_d_points_with_defaults_and_learner_sees_the_free_ones():
    base = _Recorder()
    oracle = FixedSectorOracle(base, ["ew", "slepton"])
    assert oracle.space.dimension == 10
    assert oracle.space.names == ("M3", "mQ1", "mQ3", "mU1", "mU3", "mD1", "mD3", "At", "Ab", "mA2")
    np.testing.assert_array_equal(oracle.space.lower, base.space.lower[[2, 7, 8, 9, 10, 11, 12, 13, 14, 17]])
    x = oracle.space.sample(5, np.random.default_rng(0))
    y = oracle.label(x)
    assert base.seen.shape == (5, 19)
    np.testing.assert_array_equal(base.seen[:, oracle.free_index], x)
    for name in ("M1", "M2", "mu", "tanb", "mL1", "mL3", "mE1", "mE3", "Atau"):
        assert np.all(base.seen[:, NAMES.index(name)] == DEFAULTS[name])
    np.testing.assert_array_equal(y, (x[:, 0] > 2000).astype(np.int8))


@pytest.mark.parametrize(("base", "sectors", "message"), [
    (_Recorder(), ["ew", "bogus"], r"unknown sectors \['bogus'\]; choose from \['ew', 'gluino'"),
    (_Recorder(), ["ew", "ew"], r"must not repeat a sector, but got \['ew', 'ew'\]"),
    (_Recorder(), list(PRESETS[1]) + ["gluino"], "fix all 19 parameters; leave at least one sector free"),
    (Hypersphere(19), ["ew"], "needs an oracle over the 19 pMSSM parameters"),
])
def test_bad_sectors_are_refused(base, sectors, message):
    with pytest.raises(ValueError, match=message):
        FixedSectorOracle(base, sectors)


def test_config_takes_fixed_sectors_for_susyai_only():
    from suite.config import load_config
    from suite.dimensionality import free_dimension, scale_loop_sizes
    from suite.errors import ConfigError

    cfg = load_config("quick", ["dataset.fixed_sectors=slepton,squark"])
    assert cfg.dataset.fixed_sectors == ["slepton", "squark"] and free_dimension(cfg) == 8
    scaled = scale_loop_sizes(cfg)  # (8/19)^2 = 0.17729
    assert (scaled.size_initial, scaled.size_sample, scaled.size_select, scaled.size_max, scaled.size_test) == (
        177, 3546, 89, 1773, cfg.size_test)
    one = scale_loop_sizes(load_config("quick", [f"dataset.fixed_sectors=[{','.join(PRESETS[1])}]"]))
    assert (one.size_initial, one.size_select, one.size_max) == (10, 10, 28)  # floors of 10 points
    with pytest.raises(ConfigError, match=r"unknown sectors \['gluon'\]"):
        load_config("quick", ["dataset.fixed_sectors=gluon"])
    with pytest.raises(ConfigError, match=r"dataset 'hypersphere' does not take \['fixed_sectors'\]"):
        load_config("demo-hypersphere", ["dataset.fixed_sectors=ew"])


@pytest.mark.keras
def test_susyai_dataset_with_fixed_sectors_labels_like_the_full_network(susyai_file):
    from datasets.registry import build_dataset

    full = build_dataset("susyai", path=str(susyai_file))
    reduced = build_dataset("susyai", path=str(susyai_file), fixed_sectors=["ew", "slepton", "squark"])
    assert reduced.space.dimension == 4
    x = reduced.space.sample(2000, np.random.default_rng(1))
    np.testing.assert_array_equal(reduced.oracle.label(x), full.oracle.label(reduced.oracle.expand(x)))
