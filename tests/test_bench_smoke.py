"""The benchmark runner at a tiny size: seconds, valid JSON, baseline agrees with kpb."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _have_compute() -> bool:
    try:
        from kpb.api import compute  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    if not _have_compute():
        pytest.skip("kpb.api.compute finns inte ännu: benchmarken har inget att mäta")
    tmp = tmp_path_factory.mktemp("bench")
    out = tmp / "smoke.json"
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--smoke", "--out", str(out),
                           "--data-dir", str(tmp / "data")],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    return done, json.loads(out.read_text(encoding="utf-8")) if out.exists() else None


def test_smoke_run_succeeds_and_prints_the_table(smoke):
    done, _ = smoke
    assert done.returncode == 0, done.stderr
    assert "baslinje" in done.stdout and "Mål (issue 4)" in done.stdout


def test_json_has_every_stage_with_time_and_memory(smoke):
    _, report = smoke
    (size, result), = report["storlekar"].items()
    stages = {s["namn"]: s for s in result["kpb"]["steg"]}
    assert {"load", "check", "allocate", "write"} <= stages.keys()
    assert all(s["sekunder"] > 0 and s["topp_rss_mib"] > 0 for s in stages.values())
    assert result["kpb"]["sekunder"] >= sum(s["sekunder"] for s in stages.values())
    assert result["baslinje"]["sekunder"] > 0
    assert result["allokering_mot_baslinje"] == pytest.approx(
        stages["allocate"]["sekunder"] / result["baslinje"]["sekunder"])


def test_baseline_kernel_gives_kpbs_costs_to_the_ore(smoke):
    _, report = smoke
    (result,) = report["storlekar"].values()
    agreement = result["baslinje"]["stammer_med_kpb"]
    assert agreement["rader"] > 0
    assert agreement["lika"] == agreement["rader"]


def test_targets_are_reported_and_unmeasured_ones_say_so(smoke):
    _, report = smoke
    statuses = {t["mal"]: t["status"] for t in report["mal"]}
    assert len(statuses) == 4
    assert set(statuses.values()) <= {"PASS", "MISS", "EJ MÄTT"}
    assert sum(s == "EJ MÄTT" for s in statuses.values()) == 3  # no 1M or 50k run in a smoke


def test_targets_say_by_how_much_a_run_misses():
    from benchmarks import targets

    def run(seconds, rss=1000.0):
        return {"kpb": {"sekunder": seconds, "topp_rss_mib": rss}}

    checks = {c["mal"]: c for c in targets.check({
        50_000: run(2.0) | {"allokering_mot_baslinje": 0.5},
        1_000_000: run(90.0, rss=9216.0) | {"allokering_mot_baslinje": 1.5}})}
    whole, memory, allocate, linear = checks.values()
    assert whole["status"] == "MISS" and whole["marginal"].startswith("30.00 s över (50%)")
    assert memory["status"] == "MISS" and "1024.00 MiB över" in memory["marginal"]
    assert allocate["status"] == "MISS" and allocate["storlek"] == 1_000_000
    assert linear["status"] == "MISS" and linear["uppmatt"] == 45.0


def test_both_peers_by_hand_give_kpbs_costs_to_the_ore(smoke):
    done, report = smoke
    (result,) = report["storlekar"].values()
    for peer in ("duckdb", "polars"):
        agreement = result[f"{peer}_for_hand"]["stammer_med_kpb"]
        assert agreement["rader"] > 0 and agreement["lika"] == agreement["rader"], peer
        assert result[f"hela_mot_{peer}"] == pytest.approx(
            result["kpb"]["sekunder"] / result[f"{peer}_for_hand"]["sekunder"])
    assert "Mål (issue 11)" in done.stdout


def test_issue_11_targets_compare_with_the_peers_and_the_1m_run():
    from benchmarks import targets

    def run(seconds, rss, vs_duckdb=None, vs_polars=None):
        return {"kpb": {"sekunder": seconds, "topp_rss_mib": rss},
                "hela_mot_duckdb": vs_duckdb, "hela_mot_polars": vs_polars}

    checks = targets.check_issue_11({1_000_000: run(20.0, 4096.0, 1.2, 3.0),
                                     2_000_000: run(50.0, 5000.0)})
    statuses = [c["status"] for c in checks]
    assert statuses == ["PASS", "MISS", "MISS", "EJ MÄTT", "MISS"]
    assert checks[4]["uppmatt"] == 2.5


def test_the_national_size_is_checked_against_the_1m_run_of_the_same_invocation():
    from benchmarks import runner, targets

    def run(seconds, rss):
        return {"sekunder": seconds, "topp_rss_mib": rss, "steg": [
            {"namn": "load", "sekunder": seconds / 2}]}

    results = {1_000_000: {"kpb": run(20.0, 2500.0), "omkorning": run(3.0, 2600.0),
                           "duckdb_for_hand": run(18.0, 4000.0),
                           "polars_for_hand": run(8.0, 2500.0)},
               10_000_000: {"kpb": run(240.0, 6000.0) | {"disk": {"csv": 11e9}},
                            "omkorning": run(60.0, 7000.0),
                            "duckdb_for_hand": run(300.0, 9000.0) | {"topp_mapp": 30e9},
                            "polars_for_hand": {"fel": ["..."], "orsak": "stoppad: över 18 GiB"}}}
    memory, growth = targets.check_national(results)
    assert memory["status"] == "PASS" and growth["status"] == "MISS"
    assert growth["uppmatt"] == 12.0 and "1.00 × över" in growth["marginal"]
    table = runner.national_table(results, {"belastning_fore": [2.0], "belastning_efter": [3.0]})
    assert "inte klar: stoppad: över 18 GiB" in table  # a peer that could not finish, and why
    assert "0.80" in table and "12.00" in table and "CSV 11.0 GB" in table
    assert targets.check_national({})[0]["status"] == "EJ MÄTT"


def test_nationell_runs_the_1m_size_with_it():
    from benchmarks.__main__ import parse

    options = parse(["--nationell"])
    assert options.sizes == [1_000_000, 10_000_000] and options.nationell
    assert options.out.name == "nationell.json"
    assert parse(["--nationell", "--sizes", "10000000"]).sizes == [1_000_000, 10_000_000]
    assert not parse([]).nationell and 10_000_000 not in parse([]).sizes
