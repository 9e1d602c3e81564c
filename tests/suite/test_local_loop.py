"""Local proposals in the loop and end to end: exact steps, local_share, seeds, exact resume."""

from dataclasses import asdict

import mlflow
import numpy as np
import pandas as pd
import pytest

from datasets.oracles import Hypersphere
from datasets.pools import InfinitePool
from strategies.learners import ForestLearner
from strategies.proposals import LocalProposal
from strategies.selectors import UncertaintySelector
from suite.benchmark import run_benchmark
from suite.checkpoint import CheckpointStore
from suite.config import load_config
from suite.loop import LabelledSet, LoopState, run_loop
from suite.resume import ResumingTracker, resume_config
from suite.tracking import Tracker

TIMINGS = ("fit_seconds", "score_seconds", "select_seconds", "label_seconds")
TINY = ["dataset.name=hypersphere", "dataset.dimension=4", "dataset.fraction=0.3", "size_initial=40",
        "size_sample=400", "size_select=30", "size_max=160", "size_test=3000", "repeats=2",
        "forest.n_estimators=8", "forest.n_jobs=1", "seed=3", "name=tiny-local",
        "strategies=rf-random,rf-qbc,rf-qbc-local", "local.scale=0.05", "local.n_seeds=20"]


def _untimed(records):
    return [{k: v for k, v in asdict(r).items() if k not in TIMINGS} for r in records]


def _loop(proposal=None, seed=0, start=None, on_batch=None):
    oracle = Hypersphere(3, 0.4)
    data = np.random.default_rng(100)
    x0, xt = oracle.space.sample(50, data), oracle.space.sample(2000, data)
    return run_loop(
        pool=InfinitePool(oracle),
        make_learner=lambda: ForestLearner(n_estimators=5, n_jobs=1, random_state=0),
        selector=UncertaintySelector(),
        initial=LabelledSet(x0, oracle.label(x0)),
        test_x=oracle.space.normalize(xt),
        test_y=oracle.label(xt),
        size_sample=200,
        size_select=20,
        size_max=130,
        rng=np.random.default_rng(seed),
        start=start,
        on_batch=on_batch,
        proposal=proposal,
    )


def test_loop_with_local_proposals_records_exact_steps_and_the_local_share():
    records = _loop(LocalProposal(fraction=0.5, scale=0.05, n_seeds=10))
    assert [r.step for r in records] == [50, 70, 90, 110, 130]
    assert [r.oracle_calls for r in records] == [50, 70, 90, 110, 130]
    assert records[0].proposal == {} and "local_share" not in records[0].metrics()
    shares = [r.metrics()["local_share"] for r in records[1:]]
    assert all(share * 20 == round(share * 20) for share in shares)    # a share of a 20-point batch
    assert np.mean(shares) > 0.5  # the committee finds its uncertain points among the local candidates


def test_fraction_zero_reproduces_the_paper_loop_and_seeds_decide():
    plain = _untimed(_loop())
    zero = _untimed(_loop(LocalProposal(fraction=0.0)))
    assert [r.pop("proposal") for r in zero] == [{}] + [{"local_share": 0.0}] * 4
    assert zero == [{k: v for k, v in r.items() if k != "proposal"} for r in plain]
    local = LocalProposal(fraction=0.5, n_seeds=10)
    assert _untimed(_loop(local, seed=1)) == _untimed(_loop(local, seed=1))
    assert _untimed(_loop(local, seed=1)) != _untimed(_loop(local, seed=2))


@pytest.mark.parametrize("after", [1, 3])
def test_a_loop_resumed_from_a_saved_checkpoint_continues_identically(tmp_path, after):
    proposal = LocalProposal(fraction=0.6, scale=0.1, n_seeds=10)
    states: list[LoopState] = []
    full = _loop(proposal, seed=7, on_batch=states.append)
    store = CheckpointStore(tmp_path)
    store.save("rf-qbc-local", 0, states[after - 1])
    saved, finished = store.load("rf-qbc-local", 0)
    assert not finished and saved.proposal == full[after].proposal and saved.iteration == after
    resumed = _loop(proposal, seed=12345, start=saved)  # the generator's state comes from the checkpoint
    assert _untimed(resumed) == _untimed(full)


@pytest.mark.mlflow
def test_benchmark_with_rf_qbc_local_runs_end_to_end_and_logs_its_settings(tracking_uri):
    cfg = load_config("quick", TINY)
    result = run_benchmark(cfg, tracker=Tracker(cfg), progress=False)
    curves = result.curves
    steps = curves.groupby(["strategy", "repeat"]).step.apply(list)
    assert all(s == [40, 70, 100, 130, 160] for s in steps) and len(steps) == 6
    local = curves[curves.strategy == "rf-qbc-local"]
    assert local[local.step == 40].local_share.isna().all() and local[local.step > 40].local_share.between(0, 1).all()
    assert curves[curves.strategy != "rf-qbc-local"].local_share.isna().all()
    first = curves[curves.step == 40].pivot(index="repeat", columns="strategy", values="accuracy")
    np.testing.assert_array_equal(first["rf-qbc"], first["rf-qbc-local"])  # paired: same first model
    assert set(result.gains) == {"rf-qbc", "rf-qbc-local"}

    client = mlflow.MlflowClient(tracking_uri)
    children = client.search_runs([client.get_run(result.parent_run_id).info.experiment_id],
                                  f"tags.mlflow.parentRunId = '{result.parent_run_id}'")
    for child in children:
        params, name = child.data.params, child.data.tags["strategy"]
        if name == "rf-qbc-local":
            assert (params["local.fraction"], params["local.scale"], params["local.n_seeds"]) == ("0.5", "0.05", "20")
            history = client.get_metric_history(child.info.run_id, "local_share")
            assert [m.step for m in history] == [70, 100, 130, 160]
        else:
            assert "local.scale" not in params
            assert client.get_metric_history(child.info.run_id, "local_share") == []
    assert client.get_run(result.parent_run_id).data.params["local.scale"] == "0.05"

    again = run_benchmark(cfg, progress=False).curves
    pd.testing.assert_frame_equal(curves.drop(columns=list(TIMINGS)), again.drop(columns=list(TIMINGS)))


class _Interrupt(Exception):
    pass


@pytest.mark.mlflow
def test_an_interrupted_local_benchmark_resumes_to_identical_records(tracking_uri):
    cfg = load_config("quick", TINY + ["repeats=1", "strategies=rf-random,rf-qbc-local"])
    reference = run_benchmark(cfg, progress=False).curves

    def stop_midway(name, repeat, record):
        if name == "rf-qbc-local" and record.step == 100:
            raise _Interrupt

    with pytest.raises(_Interrupt):
        run_benchmark(cfg, tracker=Tracker(cfg), progress=False, on_step=stop_midway)
    client = mlflow.MlflowClient(tracking_uri)
    (parent,) = client.search_runs([client.get_experiment_by_name("alsuite").experiment_id], "tags.role = 'benchmark'")
    run_id = parent.info.run_id
    resumed_cfg = resume_config(run_id, None, [])
    resumed = run_benchmark(resumed_cfg, tracker=ResumingTracker(resumed_cfg, run_id), progress=False).curves
    pd.testing.assert_frame_equal(reference.drop(columns=list(TIMINGS)), resumed.drop(columns=list(TIMINGS)))
    (child,) = client.search_runs([parent.info.experiment_id], f"tags.mlflow.parentRunId = '{run_id}' and "
                                  "tags.strategy = 'rf-qbc-local'")
    logged = [(m.step, m.value) for m in client.get_metric_history(child.info.run_id, "local_share")]
    expected = reference[(reference.strategy == "rf-qbc-local") & (reference.step > 40)]
    assert logged == list(zip(expected.step, expected.local_share, strict=True))


@pytest.mark.keras
def test_qbdc_local_runs_end_to_end_and_is_reproducible():
    tiny = ["dataset.name=hypersphere", "dataset.dimension=3", "dataset.fraction=0.3", "size_initial=60",
            "size_sample=600", "size_select=40", "size_max=140", "size_test=1000", "repeats=1", "seed=5",
            "network.hidden_units=[16,16]", "network.n_passes=8", "network.epochs=4", "network.patience=4",
            "network.batch_size=32", "strategies=nn-random,qbdc-local", "local.n_seeds=20"]
    cfg = load_config("quick-qbdc", tiny)
    a, b = (run_benchmark(cfg, progress=False).curves for _ in range(2))
    local = a[a.strategy == "qbdc-local"]
    assert local.step.tolist() == [60, 100, 140] and local.local_share.iloc[1:].between(0, 1).all()
    pd.testing.assert_frame_equal(a.drop(columns=list(TIMINGS)), b.drop(columns=list(TIMINGS)))


def test_bench_times_an_iteration_of_rf_qbc_local_with_its_proposal():
    from datasets.registry import build_dataset
    from suite.perf import iteration_split

    cfg = load_config("demo-hypersphere", ["strategies=rf-random,rf-qbc-local", "size_sample=1000", "size_test=2000",
                                           "forest.n_estimators=5", "forest.n_jobs=1"])
    split = iteration_split(cfg, build_dataset("hypersphere", dimension=5, fraction=0.3), 300, seed=1)
    assert split["labelled"] == 300.0
    shares = sum(split[f"{k}_share"] for k in ("fit", "score_test", "score_candidates", "label", "logging"))
    assert shares == pytest.approx(1.0)
    assert split["predict_candidates_seconds"] <= split["score_candidates_seconds"]
