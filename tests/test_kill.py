"""Killing `kpb compute` half way leaves the previous results readable and unchanged."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

from builders import TEST_KEY

FIXTURES = Path(__file__).parents[1] / "fixtures"
ENV = {**os.environ, "KPB_PSEUDONYM_NYCKEL": TEST_KEY}


def compute(project: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", "from kpb.cli import main; main()", "compute", "2024",
         "--project", str(project), "--tyst"],
        env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def snapshot(project: Path) -> dict[str, bytes]:
    """The Parquet results (a run that did finish writes byte-identical ones; the manifest's
    timings differ, so it is left out)."""
    return {p.name: p.read_bytes() for p in sorted((project / "ut" / "2024").glob("*.parquet"))}


def test_kill_at_any_point_keeps_previous_results(tmp_path):
    project = tmp_path / "exempelkommun"
    shutil.copytree(FIXTURES / "exempelkommun", project,
                    ignore=shutil.ignore_patterns("ut", "kpb.duckdb*", "kpb.key"))
    started = time.perf_counter()
    assert compute(project).wait() == 0
    full_run = time.perf_counter() - started
    before = snapshot(project)
    for fraction in (0.35, 0.6, 0.8, 0.95):
        run = compute(project)
        time.sleep(full_run * fraction)
        run.send_signal(signal.SIGKILL)
        run.wait()
        assert snapshot(project) == before, f"results changed by a kill at {fraction:.0%}"
        assert pl.read_parquet(project / "ut/2024/brukare.parquet").height > 0
    assert compute(project).wait() == 0
    assert snapshot(project).keys() == before.keys()
