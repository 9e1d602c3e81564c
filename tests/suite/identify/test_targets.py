"""identify on analytic oracles with known boundaries, and on small tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from datasets.tables import TableWarning
from suite.identify import IdentifyConfig, approximate_masses, choose_pairs, identify_targets


def _config(**changes: object) -> IdentifyConfig:
    base: dict[str, object] = {
        "dataset": {"name": "hyperplane", "dimension": 4},
        "learner": "forest",
        "forest": {"n_estimators": 30, "n_jobs": 1},
        "size_initial": 2000,
        "size_sample": 20000,
        "size_select": 400,
    }
    return IdentifyConfig.model_validate({**base, **changes})


@pytest.mark.parametrize("dataset", [{"name": "hyperplane", "dimension": 4}, {"name": "hypersphere", "dimension": 3}])
def test_targets_lie_much_closer_to_the_known_boundary_than_the_candidates(dataset):
    result = identify_targets(_config(dataset=dataset))
    oracle = result.dataset.oracle
    names = list(result.space.names)
    exported = np.abs(oracle.distance(result.targets[names].to_numpy())).mean()
    everywhere = np.abs(oracle.distance(result.candidates)).mean()
    # measured: about 0.16-0.17 of the candidates' mean distance; a forest that did not
    # locate the boundary would give about 1
    assert exported < 0.4 * everywhere
    assert len(result.targets) == 400 and result.n_train == 2000
    assert result.targets.uncertainty.min() >= np.sort(result.candidate_uncertainty)[-400]


def test_the_oblique_planes_steepest_pair_is_the_most_concentrated():
    # normal (1, 2, 3, 4)/sqrt(30): the targets form the thinnest band in the (x2, x3) plane
    result = identify_targets(_config())
    names = list(result.space.names)
    (i, j, rho), *_ = choose_pairs(names, result.targets[names].to_numpy(), result.candidates, 3)
    assert (names[i], names[j]) == ("x2", "x3")
    assert rho < 0.7


def test_random_fraction_mixes_flagged_random_candidates():
    result = identify_targets(_config(random_fraction=0.25))
    targets = result.targets
    assert targets.random.sum() == 100 and (~targets.random).sum() == 300
    assert targets.candidate.is_unique
    threshold = targets.uncertainty[~targets.random].min()
    # the random ones come from the candidates not chosen by uncertainty
    chosen = set(targets.candidate[~targets.random])
    assert not chosen & set(targets.candidate[targets.random])
    assert (np.sort(result.candidate_uncertainty)[::-1][:300] >= threshold).all()


def test_same_seed_same_targets_other_seed_other_targets():
    a, b = identify_targets(_config(size_select=50)), identify_targets(_config(size_select=50))
    pd.testing.assert_frame_equal(a.targets, b.targets)
    c = identify_targets(_config(size_select=50, seed=1))
    assert not np.array_equal(a.targets.candidate.to_numpy(), c.targets.candidate.to_numpy())


def _table(path, labels: np.ndarray) -> str:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(rng.uniform(0.0, 10.0, size=(len(labels), 2)), columns=["a", "b"])
    frame["label"] = labels
    frame.to_csv(path, index=False)
    return str(path)


def test_a_single_class_dataset_fails_clearly(tmp_path):
    path = _table(tmp_path / "one.csv", np.ones(50, dtype=int))
    cfg = _config(dataset={"name": "table", "path": path}, size_sample=100, size_select=10, size_initial=None)
    with pytest.warns(TableWarning, match="every row has label 1"), pytest.raises(ValueError, match=r"all 50 training points are allowed \(1\), so there is no boundary"):
        identify_targets(cfg)


def test_a_table_trains_on_every_row_or_a_seeded_subset(tmp_path):
    labels = (np.arange(300) % 3 == 0).astype(int)
    path = _table(tmp_path / "t.csv", labels)
    full = identify_targets(_config(dataset={"name": "table", "path": path}, size_initial=None,
                                    size_sample=500, size_select=20))
    assert full.n_train == 300 and full.train_allowed == pytest.approx(100 / 300)
    assert full.scorer.normalizer.kind == "zscore"
    assert full.candidates.min() >= full.space.lower.min() and list(full.targets.columns[1:3]) == ["a", "b"]
    with pytest.raises(ValueError, match=r"size_initial must be at most the table's 300 rows"):
        identify_targets(_config(dataset={"name": "table", "path": path}, size_initial=301,
                                 size_sample=500, size_select=20))


def test_approximate_masses_at_tree_level():
    names = ["M1", "M2", "M3", "mu", "tanb"]
    x = np.array([[-300.0, 500.0, 2000.0, 800.0, 10.0], [900.0, -700.0, -1500.0, -400.0, 5.0]])
    masses = approximate_masses(names, x)
    assert masses.m_gluino_approx.tolist() == [2000.0, 1500.0]
    assert masses.m_lsp_approx.tolist() == [300.0, 400.0]
    assert approximate_masses(["x0", "x1"], x[:, :2]) is None


def test_identify_on_the_pmssm_box_exports_the_mass_columns(susyai_file):
    cfg = IdentifyConfig(dataset={"name": "susyai", "path": str(susyai_file)}, learner="forest",
                         forest={"n_estimators": 10, "n_jobs": 1}, size_initial=1000, size_sample=3000, size_select=100)
    targets = identify_targets(cfg).targets
    assert targets.m_gluino_approx.tolist() == targets.M3.abs().tolist()
    assert np.allclose(targets.m_lsp_approx, targets[["M1", "M2", "mu"]].abs().min(axis=1))


def test_unknown_projection_pairs_are_refused_before_any_label_is_paid(monkeypatch):
    import suite.identify.targets as targets

    def no_labels(*args: object) -> None:
        raise AssertionError("training data was labelled before the pairs were checked")

    monkeypatch.setattr(targets, "training_data", no_labels)
    cfg = _config(projection={"pairs": [["x0", "M9"]]})
    with pytest.raises(ValueError, match=r"projection.pairs names unknown parameters \['M9'\]; the space has \['x0'"):
        identify_targets(cfg)
