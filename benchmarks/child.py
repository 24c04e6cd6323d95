"""One measured run in a fresh process (so peak RSS belongs to this size alone).

    python -m benchmarks.child compute PROJECT YEAR     -> JSON on stdout
    python -m benchmarks.child baseline PROJECT YEAR OUT.parquet
    python -m benchmarks.child synth PROJECT YEAR INVANARE SEED
    python -m benchmarks.child duckdb|polars PROJECT YEAR OUT.parquet   (the peers by hand)
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from benchmarks.measure import StageProbe, counters
from kpb.steps import peak_rss_mib


NESTED = ("report",)  # timed steps that run inside another one


def compute(project: Path, year: int) -> dict:
    from kpb.api import compute as kpb_compute

    probe = StageProbe()
    started = counters()
    result = kpb_compute(project, year, probe)
    finished = counters()
    stages = [{"namn": t.name, "sekunder": t.seconds, "topp_rss_mib": t.peak_rss_mib,
               "rader": t.rows} for t in result.timings]
    # the probe measures the top-level steps; the report is rendered inside the write's
    # commit (kpb/write/commit.py), so its CPU and I/O are counted in the write's
    top = [stage for stage in stages if stage["namn"] not in NESTED]
    if len(probe.stages) == len(top):
        for stage, measured in zip(top, probe.stages):
            stage.update(measured)
    return {"sekunder": finished["wall"] - started["wall"],
            "cpu_sekunder": finished["cpu"] - started["cpu"],
            "topp_rss_mib": peak_rss_mib(), "steg": stages}


def baseline(project: Path, year: int, out: Path) -> dict:
    from benchmarks import baseline as kernel

    result = kernel.run(project, year, out)
    return result | {"topp_rss_mib": peak_rss_mib()}


def peer(kind: str, project: Path, year: int, out: Path) -> dict:
    from benchmarks import peers

    return peers.run(kind, project, year, out) | {"topp_rss_mib": peak_rss_mib()}


def synth(project: Path, year: int, invanare: int, seed: int) -> dict:
    from kpb.synth import generate

    summary = generate(project, invanare, year, seed)
    return {"sekunder": summary.seconds, "topp_rss_mib": peak_rss_mib(), "rader": summary.rows,
            "personer": summary.persons}


def main(argv: list[str]) -> None:
    started = time.perf_counter()
    kind, project, year = argv[0], Path(argv[1]), int(argv[2])
    if kind == "compute":
        result = compute(project, year)
    elif kind == "baseline":
        result = baseline(project, year, Path(argv[3]))
    elif kind in ("duckdb", "polars"):
        result = peer(kind, project, year, Path(argv[3]))
    else:
        result = synth(project, year, int(argv[3]), int(argv[4]))
    result["process_sekunder"] = time.perf_counter() - started
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
