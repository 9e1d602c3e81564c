"""The local-proposal strategies in the registry, the config section and Optuna studies."""

import pytest

from strategies.proposals import LocalProposal, PriorProposal
from strategies.registry import STRATEGIES, get_strategy, make_proposal
from suite.config import load_config
from suite.errors import ConfigError
from suite.tuning.config import load_study_config
from tests.suite.tuning.conftest import TINY_GRID


def test_local_strategies_pair_a_learner_with_local_proposals_and_keep_the_random_baselines():
    rf, nn = get_strategy("rf-qbc-local"), get_strategy("qbdc-local")
    assert (rf.learner, rf.selector, rf.baseline, rf.proposal) == ("forest", "uncertainty", "rf-random", "local")
    assert (nn.learner, nn.selector, nn.baseline, nn.proposal) == ("dropout", "uncertainty", "nn-random", "local")
    assert {s.name for s in STRATEGIES.values() if s.proposal == "local"} == {"rf-qbc-local", "qbdc-local"}
    assert {"rf-random", "rf-qbc", "nn-random", "qbdc"} <= {s.name for s in STRATEGIES.values() if s.proposal == "prior"}


def test_make_proposal_builds_from_the_config_section():
    cfg = load_config("quick", ["strategies=rf-random,rf-qbc-local", "local.scale=0.1", "local.fraction=0.25",
                                "local.n_seeds=30"])
    assert cfg.local.model_dump() == {"fraction": 0.25, "scale": 0.1, "n_seeds": 30}
    proposal = make_proposal(get_strategy("rf-qbc-local").proposal, cfg.local.model_dump())
    assert isinstance(proposal, LocalProposal)
    assert (proposal.fraction, proposal.scale, proposal.n_seeds) == (0.25, 0.1, 30)
    assert isinstance(make_proposal("prior", cfg.local.model_dump()), PriorProposal)
    assert load_config("quick").local.model_dump() == {"fraction": 0.5, "scale": 0.05, "n_seeds": 1000}
    with pytest.raises(ValueError, match=r"unknown proposal 'gan'; choose from \['prior', 'local'\]"):
        make_proposal("gan", {})


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        (["local.fraction=1.5"], r"local.fraction: Input should be less than or equal to 1 \(got 1.5\)"),
        (["local.scale=0"], r"local.scale: Input should be greater than 0 \(got 0\)"),
        (["local.scale=.inf"], r"local.scale: Input should be a finite number"),
        (["local.n_seeds=0"], r"local.n_seeds: Input should be greater than 0 \(got 0\)"),
        (["local.steps=3"], r"local.steps: is not a known setting"),
        (["dataset.name=susyai-pool", "strategies=rf-random,rf-qbc-local,qbdc-local"],
         r"strategies \['rf-qbc-local', 'qbdc-local'\] propose new points near labelled ones, but dataset 'susyai-pool' "
         r"is a finite pool that can only offer its table rows; use \['rf-qbc', 'qbdc'\] instead or an infinite-pool "
         r"dataset \['hyperplane', 'hypersphere', 'surrogate', 'susyai'\]"),
    ],
)
def test_invalid_local_settings_are_one_line_errors(overrides, match):
    with pytest.raises(ConfigError, match=match):
        load_config("quick", overrides)


def test_local_strategies_run_on_finite_datasets_only_without_local_proposals():
    assert load_config("quick-finite").dataset.name in {"susyai-pool", "atlas-pmssm19", "table"}
    load_config("quick-finite", ["strategies=rf-random,rf-qbc"])  # the plain strategies still validate
    with pytest.raises(ConfigError, match=r"strategies \['rf-qbc-local'\] propose new points near labelled ones"):
        load_config("quick-finite", ["strategies=rf-random,rf-qbc-local"])


def test_a_study_accepts_rf_qbc_local_and_refuses_it_on_a_finite_pool():
    study = load_study_config("tune-quick", TINY_GRID + ["tuning.strategy=rf-qbc-local", "benchmark.local.scale=0.2"])
    assert study.strategies == ["rf-qbc-local"] and study.benchmark.local.scale == 0.2
    gain = load_study_config("tune-quick", TINY_GRID + ["tuning.strategy=rf-qbc-local", "tuning.objectives=gain"])
    assert gain.strategies == ["rf-random", "rf-qbc-local"]
    with pytest.raises(ConfigError, match=r"strategies \['rf-qbc-local'\] propose new points near labelled ones, but "
                                          r"dataset 'susyai-pool' is a finite pool"):
        load_study_config("tune-quick", ["tuning.strategy=rf-qbc-local", "benchmark.dataset.name=susyai-pool"])
