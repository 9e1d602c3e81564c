"""Oracle files: round trip, folding of the normalisation, validation errors, SUSY-AI conversion."""

import json
import zipfile

import numpy as np
import pytest

from datasets.normalization import Normalizer
from datasets.oracles.surrogate import (
    DenseLayer,
    SurrogateFileError,
    SurrogateMetadata,
    SurrogateOracle,
    load_surrogate,
    network_model,
    save_surrogate,
)
from datasets.registry import build_dataset
from datasets.space import Space

pytestmark = pytest.mark.keras

SPACE = Space(["a", "b", "c"], [0.0, 1.0, -2.0], [1.0, 100.0, 2.0], ["GeV", "GeV", ""])


def _layers(rng, sizes=(3, 8, 2)):
    acts = ["selu"] * (len(sizes) - 2) + ["softmax"]
    return [DenseLayer(rng.normal(size=(i, o)).astype(np.float32), rng.normal(size=o).astype(np.float32), a)
            for i, o, a in zip(sizes[:-1], sizes[1:], acts, strict=True)]


def _numpy_forward(layers, z):
    """float64 reference pass sharing no code with the oracle."""
    a = z.astype(np.float64)
    for layer in layers:
        a = a @ layer.kernel.astype(np.float64) + layer.bias
        if layer.activation == "selu":
            a = 1.0507009873554805 * np.where(a > 0, a, 1.6732632423543772 * np.expm1(np.minimum(a, 0)))
    e = np.exp(a - a.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.fixture
def metadata():
    norm = Normalizer.zscore(SPACE.sample(500, np.random.default_rng(1)), log=[1], names=SPACE.names)
    return SurrogateMetadata(SPACE, norm, allowed_column=1, threshold=0.5, provenance={"note": "test"})


@pytest.fixture
def oracle_file(tmp_path, metadata):
    layers = _layers(np.random.default_rng(0))
    return save_surrogate(network_model(layers), metadata, tmp_path / "net.oracle"), layers


def test_folded_normalisation_with_log_column_matches_numpy(oracle_file, metadata):
    path, layers = oracle_file
    oracle = load_surrogate(path)
    x = SPACE.sample(3000, np.random.default_rng(2))
    expected = _numpy_forward(layers, metadata.normalizer(x).astype(np.float64))[:, 1]
    np.testing.assert_allclose(oracle.predict_proba(x), expected, atol=2e-5)
    clear = np.abs(expected - 0.5) > 1e-4
    np.testing.assert_array_equal(oracle.label(x)[clear], (expected > 0.5)[clear])


def test_round_trip_is_exact_and_keeps_metadata(oracle_file, metadata):
    path, layers = oracle_file
    x = SPACE.sample(2000, np.random.default_rng(3))
    in_memory = SurrogateOracle(layers, metadata)
    loaded = load_surrogate(path, ["a", "b", "c"])
    assert np.array_equal(loaded.predict_proba(x), in_memory.predict_proba(x))
    assert loaded.space.names == ("a", "b", "c") and loaded.space.units == ("GeV", "GeV", "")
    np.testing.assert_array_equal(loaded.space.upper, SPACE.upper)
    np.testing.assert_array_equal(loaded.metadata.normalizer.log, [False, True, False])
    np.testing.assert_array_equal(loaded.metadata.normalizer.center, metadata.normalizer.center)
    assert loaded.metadata.provenance == {"note": "test"}


def test_allowed_column_and_threshold_are_applied(tmp_path, metadata):
    layers = _layers(np.random.default_rng(4))
    x = SPACE.sample(1000, np.random.default_rng(5))
    p1 = SurrogateOracle(layers, metadata).predict_proba(x)
    flipped = SurrogateMetadata(SPACE, metadata.normalizer, allowed_column=0, threshold=0.3)
    oracle = load_surrogate(save_surrogate(network_model(layers), flipped, tmp_path / "f.oracle"))
    np.testing.assert_allclose(oracle.predict_proba(x), 1 - p1, atol=1e-6)
    np.testing.assert_array_equal(oracle.label(x), (oracle.predict_proba(x) > 0.3).astype(np.int8))


def test_mismatched_parameters_are_rejected_listing_both(oracle_file):
    path, _ = oracle_file
    with pytest.raises(ValueError, match=r"over the parameters \['a', 'b', 'c'\], but the space .* has "
                                         r"\['b', 'a', 'c'\] \(same names, different order\)"):
        load_surrogate(path, ["b", "a", "c"])
    with pytest.raises(ValueError, match=r"has \['a', 'b'\]; use a surrogate trained on these"):
        build_dataset("surrogate", path=str(path), parameters=["a", "b"])


def _rewrite(path, target, meta=None, drop=None):
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(target, "w") as dst:
        for name in src.namelist():
            if name == drop:
                continue
            data = src.read(name)
            if name == "oracle.json" and meta is not None:
                data = json.dumps(meta(json.loads(data))).encode()
            dst.writestr(name, data)
    return target


@pytest.mark.parametrize(("change", "message"), [
    (lambda m: {**m, "format": "other"}, "not an alsuite oracle file"),
    (lambda m: {**m, "format_version": 99}, "format version 99 is not supported"),
    (lambda m: {k: v for k, v in m.items() if k != "normalization"}, "missing the key 'normalization'"),
    (lambda m: {**m, "parameters": {**m["parameters"], "names": ["a", "b"], "lower": [0, 0], "upper": [1, 1],
                                    "units": ["", ""]}},
     "invalid metadata"),
    (lambda m: {**m, "output": {"allowed_column": 3, "threshold": 0.5}}, "allowed_column must be 0 or 1"),
    (lambda m: {**m, "normalization": {**m["normalization"], "scale": [1.0, float("nan"), 1.0]}},
     "finite centres and finite positive scales"),
])
def test_bad_metadata_is_rejected(oracle_file, tmp_path, change, message):
    bad = _rewrite(oracle_file[0], tmp_path / "bad.oracle", meta=change)
    with pytest.raises(SurrogateFileError, match=message):
        load_surrogate(bad)


def test_weights_not_matching_metadata_are_rejected(tmp_path, metadata):
    four_inputs = network_model(_layers(np.random.default_rng(0), sizes=(4, 5, 2)))
    with pytest.raises(SurrogateFileError, match=r"takes 4 inputs, but the metadata names 3 parameters"):
        save_surrogate(four_inputs, metadata, tmp_path / "x.oracle")
    good = save_surrogate(network_model(_layers(np.random.default_rng(0))), metadata, tmp_path / "good.oracle")
    four_meta = SurrogateMetadata(Space.unit_cube(4), Normalizer.box(Space.unit_cube(4)))
    swapped = _rewrite(good, tmp_path / "swapped.oracle", meta=lambda _: four_meta.to_json())
    with pytest.raises(SurrogateFileError, match=r"takes 3 inputs, but the metadata names 4 parameters"):
        load_surrogate(swapped)


def test_foreign_and_missing_files_are_rejected(oracle_file, tmp_path):
    foreign = tmp_path / "table.csv"
    foreign.write_text("a,b\n1,2\n")
    with pytest.raises(SurrogateFileError, match="not an alsuite oracle file \\(not a zip archive\\)"):
        load_surrogate(foreign)
    no_model = _rewrite(oracle_file[0], tmp_path / "nomodel.oracle", drop="model.keras")
    with pytest.raises(SurrogateFileError, match="must hold oracle.json and model.keras"):
        load_surrogate(no_model)
    with pytest.raises(SurrogateFileError, match="does not exist"):
        load_surrogate(tmp_path / "missing.oracle")
    with pytest.raises(ValueError, match="dataset 'surrogate' needs dataset.path"):
        build_dataset("surrogate")


def test_converted_susyai_agrees_with_the_published_network(susyai_file, susyai_oracle, tmp_path):
    from datasets.oracles.susyai import convert_susyai, read_network

    path = convert_susyai(susyai_file, tmp_path / "susyai.oracle")
    converted = load_surrogate(path, susyai_oracle.space.names)
    space = susyai_oracle.space
    x = space.sample(20_000, np.random.default_rng(11))
    z = (x - (space.upper + space.lower) / 2) / ((space.upper - space.lower) / np.sqrt(12))
    expected = _numpy_forward(read_network(susyai_file), z)[:, 1]
    got = converted.predict_proba(x)
    assert np.array_equal(got, susyai_oracle.predict_proba(x))  # one code path
    assert np.abs(got - expected).max() < 1e-4  # float32 network (first layer folded) vs float64
    assert np.mean(np.abs(got - expected)) < 1e-6
    np.testing.assert_array_equal(converted.label(x), (expected > 0.5).astype(np.int8))
    assert converted.space.units[-2:] == ("GeV^2", "")
    assert converted.metadata.normalizer.kind == "box"
    assert "546e064b" in converted.metadata.provenance["source"]


def test_surrogate_dataset_fixes_pmssm_sectors(susyai_file, tmp_path):
    from datasets.oracles.susyai import convert_susyai

    path = convert_susyai(susyai_file, tmp_path / "susyai.oracle")
    dataset = build_dataset("surrogate", path=str(path), fixed_sectors=["ew", "slepton", "squark"])
    assert dataset.space.names == ("M3", "At", "Ab", "mA2") and dataset.surrogate
    assert dataset.pool_kind == "infinite"


def test_log_scaled_parameters_must_be_positive(oracle_file):
    oracle = load_surrogate(oracle_file[0])
    x = SPACE.sample(10, np.random.default_rng(3))
    x[4, 1] = 0.0
    with pytest.raises(ValueError, match=r"parameters \['b'\] are log-scaled in this surrogate, so they must be positive"):
        oracle.label(x)


def test_dense_layers_without_bias_are_refused(metadata, tmp_path):
    import keras

    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, activation="softmax", use_bias=False)])
    with pytest.raises(SurrogateFileError, match=r"has 1 weight arrays; oracle files need a kernel and a bias"):
        save_surrogate(model, metadata, tmp_path / "nobias.oracle")


def test_fixing_sectors_outside_a_surrogates_box_is_refused(tmp_path):
    from datasets.pmssm import pmssm19_space

    full = pmssm19_space()
    upper = full.upper.copy()
    upper[full.names.index("M3")] = 1000.0  # the M3 default, 1750, now lies outside the box
    narrow = Space(full.names, full.lower, upper, full.units)
    meta = SurrogateMetadata(narrow, Normalizer.box(narrow), allowed_column=1, threshold=0.5)
    layers = _layers(np.random.default_rng(0), sizes=(19, 4, 2))
    path = save_surrogate(network_model(layers), meta, tmp_path / "narrow.oracle")
    with pytest.raises(ValueError, match=r"defaults outside the box of .*: M3=1750 \(box 200..1000\); the network would extrapolate"):
        build_dataset("surrogate", path=str(path), fixed_sectors=["gluino"])
    assert build_dataset("surrogate", path=str(path), fixed_sectors=["ew"]).space.dimension == 15
