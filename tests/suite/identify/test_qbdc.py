"""identify with the QBDC learner (Monte Carlo dropout network) on analytic oracles with known boundaries."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from suite.identify import IdentifyConfig, identify_targets, load_scorer
from suite.identify.run import write_outputs

pytestmark = pytest.mark.keras

TINY = {"hidden_units": [16, 16], "epochs": 30, "patience": 30, "batch_size": 64, "n_passes": 8, "learning_rate": 0.01}


def _config(dataset: dict[str, object], **changes: object) -> IdentifyConfig:
    base: dict[str, object] = {"dataset": dataset, "network": TINY, "size_initial": 1500,
                               "size_sample": 10000, "size_select": 300}
    return IdentifyConfig.model_validate({**base, **changes})


@pytest.fixture(scope="module")
def sphere(tmp_path_factory):
    cfg = _config({"name": "hypersphere", "dimension": 3})
    result = identify_targets(cfg)
    out = tmp_path_factory.mktemp("identify-qbdc")
    write_outputs(cfg, result, out)
    return cfg, result, out


def test_qbdc_is_the_default_learner_and_reads_the_network_section():
    cfg = IdentifyConfig()
    assert cfg.learner == "qbdc" and cfg.learner_settings()["hidden_units"] == (500, 100, 100, 50)
    assert _config({"name": "hypersphere"}).learner_settings()["n_passes"] == 8


def _closeness(result) -> float:
    oracle, names = result.dataset.oracle, list(result.space.names)
    exported = np.abs(oracle.distance(result.targets[names].to_numpy())).mean()
    return float(exported / np.abs(oracle.distance(result.candidates)).mean())


def test_qbdc_targets_lie_much_closer_to_the_sphere_than_the_candidates(sphere):
    _, result, _ = sphere
    # measured: 0.19 of the candidates' mean distance; a network that did not locate
    # the boundary would give about 1
    assert _closeness(result) < 0.4
    assert type(result.scorer.learner).__name__ == "DropoutLearner" and result.scorer.learner.n_passes == 8
    assert result.n_train == 1500 and len(result.targets) == 300
    assert result.targets.uncertainty.min() >= np.sort(result.candidate_uncertainty)[-300]
    # eq. 1 on the pass mean
    np.testing.assert_allclose(result.targets.uncertainty, 1 - 2 * np.abs(result.targets.mean_prediction - 0.5))


def test_qbdc_targets_lie_much_closer_to_the_plane_than_the_candidates():
    result = identify_targets(_config({"name": "hyperplane", "dimension": 3}, size_select=200))
    assert _closeness(result) < 0.4  # measured: about 0.09 (300 targets: 0.085)


def test_the_saved_network_rescoring_the_candidates_reproduces_the_export_exactly(sphere):
    cfg, result, out = sphere
    meta = json.loads((out / "model" / "learner.json").read_text())
    assert meta["kind"] == "dropout" and meta["file"] == "network.npz" and isinstance(meta["score_seed"], int)
    assert meta["settings"]["hidden_units"] == [16, 16] and meta["settings"]["n_passes"] == 8
    scorer = load_scorer(out / "model")
    assert scorer.seed == meta["score_seed"] and scorer.learner is not result.scorer.learner
    mean, uncertainty = scorer.score(result.candidates)  # the full draw, regenerated from the seed
    back = pd.read_parquet(out / "targets" / "targets.parquet")
    np.testing.assert_array_equal(mean[back.candidate], back.mean_prediction.to_numpy())
    np.testing.assert_array_equal(uncertainty[back.candidate], back.uncertainty.to_numpy())
    np.testing.assert_array_equal(uncertainty, result.candidate_uncertainty)


def test_rescoring_only_the_targets_agrees_within_monte_carlo_error(sphere):
    _, _, out = sphere
    back = pd.read_parquet(out / "targets" / "targets.parquet")
    scorer = load_scorer(out / "model")
    x = back[scorer.names].to_numpy()
    mean, _ = scorer.score(x)
    assert not np.array_equal(mean, back.mean_prediction.to_numpy())  # other masks: a fresh MC estimate
    np.testing.assert_array_equal(scorer.score(x)[0], mean)  # but the same array rescores identically
    se = scorer.standard_error(x)  # from 8 fresh committees of 8 passes
    n_passes = scorer.learner.n_passes
    assert 0 < se.mean() < 0.5 / np.sqrt(n_passes)  # 0.5: the largest std of a probability
    exported = back.mean_prediction.to_numpy()
    # two independent estimates: their difference has standard error sqrt(2) * se (4 of them)
    assert np.mean(np.abs(mean - exported) <= 4 * np.sqrt(2) * se + 1e-6) >= 0.99
    # the targets were chosen for an exported mean near 0.5 (winner's curse): rescored,
    # they lie further from 0.5 (measured: mean |p - 0.5| 0.02 exported, 0.15 rescored)
    assert np.abs(mean - 0.5).mean() > np.abs(exported - 0.5).mean()


def test_saved_weights_from_another_architecture_are_refused(sphere, tmp_path):
    _, _, out = sphere
    import shutil

    shutil.copytree(out / "model", tmp_path / "model")
    meta = json.loads((tmp_path / "model" / "learner.json").read_text())
    meta["settings"]["hidden_units"] = [16, 8]
    (tmp_path / "model" / "learner.json").write_text(json.dumps(meta))
    with pytest.raises(ValueError, match=r"expects weight shapes .* the weights come from another architecture"):
        load_scorer(tmp_path / "model")


def test_qbdc_on_a_single_class_dataset_fails_clearly():
    cfg = _config({"name": "hypersphere", "dimension": 3, "fraction": 0.999999}, size_initial=20)
    with pytest.raises(ValueError, match=r"all 20 training points are (allowed \(1\)|excluded \(0\)), so there is no boundary"):
        identify_targets(cfg)


def test_points_of_the_wrong_width_are_refused(sphere):
    _, result, _ = sphere
    with pytest.raises(ValueError, match=r"points to score must have shape \(n, 3\) .* but got shape \(4, 2\)"):
        result.scorer.score(np.zeros((4, 2)))
