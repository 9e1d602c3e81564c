"""The finite-pool datasets: table, atlas-pmssm19 (user's copy) and the susyai-pool stand-in."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from datasets.finite import ATLAS_ENV_VAR
from datasets.pmssm import NAMES, pmssm19_space
from datasets.registry import build_dataset
from datasets.tables import TableError, TableWarning


def _atlas_like(tmp_path, n=200, extra=False):
    """A table shaped like a prepared ATLAS copy: 19 parameters, an id and an 'excluded' flag."""
    x = pmssm19_space().sample(n, np.random.default_rng(0))
    frame = pd.DataFrame(x, columns=[f"par_{name}" for name in NAMES])
    frame.insert(0, "model_id", np.arange(1000, 1000 + n))
    frame["excluded"] = (x[:, 2] < 1500).astype(int)  # gluino below 1.5 TeV: excluded
    if extra:
        frame["spare"] = 1.0
    path = tmp_path / "atlas.parquet"
    frame.to_parquet(path)
    return path, x


MAPPING = {"columns": [f"par_{name}" for name in NAMES], "label": "excluded", "positive": 0}


def test_atlas_without_a_copy_names_the_stand_in(monkeypatch, tmp_path):
    monkeypatch.delenv(ATLAS_ENV_VAR, raising=False)
    with pytest.raises(FileNotFoundError, match=r"no copy of the ATLAS pMSSM-19 table is configured: set dataset.path or the environment variable ALSUITE_ATLAS_TABLE.*HEPData 10.17182/hepdata.69233.*use the stand-in dataset susyai-pool"):
        build_dataset("atlas-pmssm19", table=MAPPING)
    monkeypatch.setenv(ATLAS_ENV_VAR, str(tmp_path / "gone.csv"))
    with pytest.raises(FileNotFoundError, match=r"the ATLAS table .*gone.csv does not exist.*susyai-pool"):
        build_dataset("atlas-pmssm19", table=MAPPING)


def test_atlas_from_the_environment_with_its_mapping(monkeypatch, tmp_path):
    path, x = _atlas_like(tmp_path)
    monkeypatch.setenv(ATLAS_ENV_VAR, str(path))
    dataset = build_dataset("atlas-pmssm19", table={**MAPPING, "normalization": "susyai", "log_columns": ["par_mA2"]})
    assert (dataset.pool_kind, dataset.surrogate, dataset.name) == ("finite", False, "atlas-pmssm19")
    table = dataset.source.table
    np.testing.assert_array_equal(table.x, x)
    np.testing.assert_array_equal(table.y, (x[:, 2] >= 1500).astype(np.int8))  # allowed = not excluded
    z = dataset.normalize(x)
    space = pmssm19_space()
    np.testing.assert_allclose(z[:, :17], space.normalize(x)[:, :17], rtol=1e-5, atol=1e-5)
    lo, hi = np.log10(space.lower[17]), np.log10(space.upper[17])
    np.testing.assert_allclose(z[:, 17], (np.log10(x[:, 17]) - (lo + hi) / 2) / ((hi - lo) / np.sqrt(12)), rtol=1e-5)


def test_atlas_needs_the_positive_class_and_19_columns(tmp_path):
    path, _ = _atlas_like(tmp_path)
    with pytest.raises(ValueError, match=r"set dataset.table.positive to the label value that means allowed"):
        build_dataset("atlas-pmssm19", path=str(path), table={"label": "excluded"})
    with pytest.raises(TableError, match=r"has 20 columns besides the label 'excluded', but this dataset needs 19 parameters"):
        build_dataset("atlas-pmssm19", path=str(path), table={"label": "excluded", "positive": 0})


def test_susyai_normalization_warns_about_points_outside_the_box(tmp_path):
    x = pmssm19_space().sample(10, np.random.default_rng(0))
    x[3, 0] = 9000.0
    frame = pd.DataFrame(x, columns=list(NAMES))
    frame["label"] = np.arange(10) % 2
    path = tmp_path / "scan.csv"
    frame.to_csv(path, index=False)
    with pytest.warns(TableWarning, match=r"1 of 10 rows lie outside the SUSY-AI box \(first rows \[3\]\)"):
        build_dataset("table", path=str(path), table={"normalization": "susyai"})
    frame.drop(columns=["tanb"]).to_csv(path, index=False)
    with pytest.raises(TableError, match=r"normalization 'susyai' needs the 19 SUSY-AI parameters .* but 18 columns are mapped"):
        build_dataset("table", path=str(path), table={"normalization": "susyai"})


def test_table_dataset_zscore_and_too_small(tmp_path):
    frame = pd.DataFrame({"a": [0.0, 2.0, 4.0, 6.0], "b": [1.0, 1.0, 1.0, 1.0], "label": [0, 1, 0, 1]})
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    with pytest.warns(TableWarning, match="constant"):
        dataset = build_dataset("table", path=str(path))
    z = dataset.normalize(frame[["a", "b"]].to_numpy())
    np.testing.assert_allclose(z[:, 0], [-1.5 / np.sqrt(1.25), -0.5 / np.sqrt(1.25), 0.5 / np.sqrt(1.25), 1.5 / np.sqrt(1.25)], rtol=1e-6)
    np.testing.assert_array_equal(z[:, 1], 0.0)  # constant column: no division by zero
    with pytest.raises(ValueError, match=r"table .*t.csv has 4 rows, too few for size_initial=2 \+ size_test=2 \+ a pool of at least 1"):
        dataset.source.check_sizes(2, 2, 1)
    with pytest.raises(ValueError, match=r"dataset 'table' needs dataset.path"):
        build_dataset("table")


def test_susyai_pool_rejects_a_column_mapping():
    with pytest.raises(ValueError, match=r"dataset susyai-pool has fixed columns .* but got \['label'\]"):
        build_dataset("susyai-pool", size=10, table={"label": "x"})


@pytest.mark.keras
def test_susyai_pool_is_deterministic_cached_and_tagged(susyai_file, susyai_oracle, tmp_path, monkeypatch):
    from datasets.susyai_pool import build_susyai_pool, pool_cache_file

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    a = build_susyai_pool(3000, seed=11, oracle=susyai_oracle)
    cached = pool_cache_file(3000, 11, susyai_file)
    assert cached.is_file() and a.source == str(cached)
    b = build_susyai_pool(3000, seed=11, oracle=susyai_oracle)           # read back from the cache
    fresh = build_susyai_pool(3000, seed=11, oracle=susyai_oracle, cache=False)
    for other in (b, fresh):
        np.testing.assert_array_equal(a.x, other.x)
        np.testing.assert_array_equal(a.y, other.y)
    np.testing.assert_array_equal(a.x, pmssm19_space().sample(3000, np.random.default_rng(11)))
    np.testing.assert_array_equal(a.y, susyai_oracle.label(a.x))
    assert 0.40 < a.y.mean() < 0.48  # about 43.9% of the box is allowed
    c = build_susyai_pool(3000, seed=12, oracle=susyai_oracle, cache=False)
    assert not np.array_equal(a.x, c.x)
    dataset = build_dataset("susyai-pool", path=str(susyai_file), size=3000, seed=11)  # from the cache
    assert (dataset.pool_kind, dataset.surrogate) == ("finite", True)
    np.testing.assert_array_equal(dataset.source.table.y, a.y)
