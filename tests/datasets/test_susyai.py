"""The rebuilt SUSY-AI network against an independent NumPy pass and the documented rate."""

import json

import h5py
import numpy as np
import pytest

from datasets.data_dir import DataFileError, sha256sum
from datasets.oracles.susyai import SUSYAI_FILE, read_network
from datasets.pmssm import pmssm19_space

pytestmark = pytest.mark.keras


def _numpy_forward(path, z):
    """float64 forward pass straight from the HDF5 groups, sharing no code with the oracle."""
    with h5py.File(path, "r") as fh:
        weights = [
            (np.asarray(fh[f"model_weights/dense_{i}/dense_{i}/kernel:0"], np.float64),
             np.asarray(fh[f"model_weights/dense_{i}/dense_{i}/bias:0"], np.float64))
            for i in range(1, 6)
        ]
    a = z.astype(np.float64)
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    for i, (k, b) in enumerate(weights):
        a = a @ k + b
        if i < 4:
            a = scale * np.where(a > 0, a, alpha * np.expm1(np.minimum(a, 0)))
    e = np.exp(a - a.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True))[:, 1]


def test_file_checksum_matches(susyai_file):
    assert sha256sum(susyai_file) == SUSYAI_FILE.sha256


def test_network_structure_is_table_ii(susyai_file):
    layers = read_network(susyai_file)
    assert [l.kernel.shape for l in layers] == [(19, 500), (500, 100), (100, 100), (100, 50), (50, 2)]
    assert [l.activation for l in layers] == ["selu"] * 4 + ["softmax"]
    assert sum(l.kernel.size + l.bias.size for l in layers) == 75_352


def test_rebuilt_network_matches_independent_numpy_pass(susyai_oracle, susyai_file):
    space = pmssm19_space()
    x = space.sample(20_000, np.random.default_rng(11))
    z = (x - (space.upper + space.lower) / 2) / ((space.upper - space.lower) / np.sqrt(12))
    expected = _numpy_forward(susyai_file, z)
    got = susyai_oracle.predict_proba(x)
    np.testing.assert_allclose(got, expected, atol=1e-4)  # float32 network vs float64
    clear = np.abs(expected - 0.5) > 1e-4
    np.testing.assert_array_equal(susyai_oracle.label(x)[clear], (expected > 0.5)[clear])


def test_allowed_fraction_on_uniform_draws_is_43_9_percent(susyai_oracle):
    x = susyai_oracle.space.sample(1_000_000, np.random.default_rng(2024))
    y = susyai_oracle.label(x)
    # documented: 43.89% over 1e6 uniform points; binomial sd is 0.05%
    assert y.mean() == pytest.approx(0.4389, abs=0.0025)


def test_malformed_file_is_reported(tmp_path):
    bad = tmp_path / "susyai.hdf5"
    with h5py.File(bad, "w") as fh:
        fh.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": [
            {"class_name": "Conv2D", "config": {"name": "conv"}}]})
    with pytest.raises(DataFileError, match="not a readable SUSY-AI network file.*Conv2D"):
        read_network(bad)
    bad.write_bytes(b"not hdf5")
    with pytest.raises(DataFileError, match="Replace it with the original susyai.hdf5"):
        read_network(bad)
