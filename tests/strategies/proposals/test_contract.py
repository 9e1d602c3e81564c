"""The proposal contract, run over every implementation."""

import numpy as np
import pytest

from datasets.oracles import Hypersphere
from datasets.pools import Candidates, InfinitePool
from strategies.learners import ForestLearner
from strategies.proposals import LocalProposal, PriorProposal, Proposed

PROPOSALS = [PriorProposal(), LocalProposal(), LocalProposal(fraction=1.0, scale=3.0, n_seeds=1)]


@pytest.fixture(scope="module")
def fitted():
    oracle = Hypersphere(4, 0.3)
    pool = InfinitePool(oracle)
    x = oracle.space.sample(120, np.random.default_rng(0))
    learner = ForestLearner(n_estimators=8, n_jobs=1, random_state=0).fit(pool.normalize(x), oracle.label(x))
    return pool, learner, x


@pytest.mark.parametrize("proposal", PROPOSALS, ids=lambda p: f"{p.name}-{getattr(p, 'fraction', '')}")
def test_n_candidates_inside_the_box_reproducible_from_the_generator(proposal, fitted):
    pool, learner, x = fitted
    runs = [proposal.propose(pool, learner, x, pool.normalize(x), 257, np.random.default_rng(seed)) for seed in (1, 1, 2)]
    a, b, c = runs
    assert len(a.candidates) == 257 and a.candidates.x.dtype == np.float64 and a.candidates.ids is None
    assert pool.space.contains(a.candidates.x).all()
    np.testing.assert_array_equal(a.candidates.x, b.candidates.x)
    np.testing.assert_array_equal(a.local, b.local)
    assert not np.array_equal(a.candidates.x, c.candidates.x)


def test_proposed_checks_its_mask():
    with pytest.raises(ValueError, match=r"local must be a boolean mask with one entry per candidate \(3\), but got dtype int64"):
        Proposed(Candidates(np.zeros((3, 2))), np.zeros(3, dtype=np.int64))
    with pytest.raises(ValueError, match=r"one entry per candidate \(3\), but got dtype bool and shape \(2,\)"):
        Proposed(Candidates(np.zeros((3, 2))), np.zeros(2, dtype=bool))
