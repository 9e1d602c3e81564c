"""``alsuite bench``: oracle throughput and per-iteration time split, printed as ratios and JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from suite.cli._util import user_errors

__all__ = ["bench_command"]


def _format(report: dict) -> str:  # type: ignore[type-arg]
    lines = []
    oracle = report["oracle"]
    if "skipped" in oracle:
        lines.append(f"oracle: skipped ({oracle['skipped']})")
    else:
        lines.append(f"oracle {oracle['name']}: {oracle['labels_per_second']:,} labels/s = "
                     f"{oracle['fraction_of_flop_bound']:.0%} of the FLOP bound "
                     f"({oracle['flop_bound_labels_per_second']:,} labels/s)")
    for name, prof in report["profiles"].items():
        for which in ("first", "last"):
            s = prof[which]
            lines.append(
                f"{name} {which} iteration ({int(s['labelled']):,} labelled): {s['iteration_seconds']:.3f} s = "
                f"fit {s['fit_share']:.0%}, score candidates {s['score_candidates_share']:.0%}, "
                f"score test {s['score_test_share']:.0%}, label {s['label_share']:.0%}, "
                f"logging {s['logging_share']:.1%}; harness overhead {s['harness_share']:.1%}; "
                f"RSS {s['rss_mb']:.0f} MB (+{s['rss_growth_mb']:.0f})")
    return "\n".join(lines)


def bench_command(
    profiles: Annotated[list[str] | None, typer.Argument(
        help="Profiles or YAML files to measure (default: quick and paper-rf-infinite).")] = None,
    overrides: Annotated[list[str] | None, typer.Option("--set", "-s", help="Override a setting of every profile.")] = None,
    oracle_points: Annotated[int, typer.Option(help="Points per oracle throughput round.")] = 1_000_000,
    out: Annotated[Path, typer.Option("--out", "-o", help="JSON file to write.")] = Path("bench.json"),
) -> None:
    """Measure oracle throughput vs its FLOP bound and the time split of first and last iterations."""
    from suite.config import load_config
    from suite.perf import run_bench

    with user_errors():
        if oracle_points < 1:
            raise ValueError(f"--oracle-points must be at least 1, but got {oracle_points}.")
        configs = [load_config(p, list(overrides or [])) for p in profiles or ["quick", "paper-rf-infinite"]]
        report = run_bench(configs, oracle_points=oracle_points)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    typer.echo(_format(report))
    typer.echo(f"written to {out}")
