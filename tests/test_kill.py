"""A killed or failed `kpb compute` leaves kpb.duckdb and ut/2024 as they were, or, when it
had already committed, as the finished run leaves them: never a mix of the two.

The inputs change between the first run and the killed ones, so "as they were" and "as the
new run leaves them" are different states. Kills land at fractions of a real run's time, and
at each point of the commit protocol (kpb/write/commit.py) by a process that dies there with
os._exit, as a kill would (no cleanup runs). After each kill the next command's recovery runs
and the project must be in exactly one of the two states.
"""

import hashlib
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

from kpb import api

from builders import TEST_KEY, copy_fixture

FIXTURES = Path(__file__).parents[1] / "fixtures"
KEY = TEST_KEY
ENV = {**os.environ, "KPB_PSEUDONYM_NYCKEL": KEY}
TABLES = ("ledger", "aktivitet", "direkt", "nycklar", "person", "inlast_fil")

# Dies at one point of the commit, as a kill there would: patch, then run compute.
DIE_AT = {
    "före lagring": "import kpb.write.commit as c; c.store = lambda *a, **k: os._exit(9)",
    "efter lagring": "import kpb.write.commit as c; c.swap_in = lambda *a, **k: os._exit(9)",
    "mellan namnbytena": (
        "import kpb.write.outputs as o; real = os.rename; calls = []\n"
        "def rename(a, b):\n"
        "    calls.append(a)\n"
        "    if len(calls) == 2: os._exit(9)\n"
        "    real(a, b)\n"
        "o.os = type(os)('os'); o.os.__dict__.update(os.__dict__); o.os.rename = rename"),
    "före städning": "import kpb.write.commit as c; c.clear_pending_run = lambda *a, **k: os._exit(9)",
}


def kpb(project: Path, *arguments: str, patch: str = "") -> subprocess.Popen:
    script = f"import os\n{patch}\nfrom kpb.cli import main\nmain()"
    return subprocess.Popen(
        [sys.executable, "-c", script, *arguments, "--project", str(project), "--tyst"],
        env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def compute(project: Path, patch: str = "", year: str = "2024") -> subprocess.Popen:
    """`kpb compute`, which writes the report with the results."""
    return kpb(project, "compute", year, patch=patch)


def fingerprint(path: Path) -> str:
    """A file's content; for a workbook its parts but the creation time (docProps/core.xml)."""
    if path.suffix != ".xlsx":
        return hashlib.sha256(path.read_bytes()).hexdigest()
    with zipfile.ZipFile(path) as archive:
        parts = sorted(n for n in archive.namelist() if n != "docProps/core.xml")
        return hashlib.sha256(b"".join(n.encode() + archive.read(n) for n in parts)).hexdigest()


def folder_state(folder: Path) -> dict:
    """The results and both report files of a folder: the whole of what one run wrote."""
    return {p.name: fingerprint(p) for p in sorted(folder.iterdir())
            if p.suffix in (".parquet", ".xlsx", ".html")}


def state(project: Path) -> tuple:
    """What a user can see of 2024: the results' and report's bytes and the stored inputs."""
    api.sql(project, "select 1")  # any command runs the recovery first
    results = folder_state(project / "ut" / "2024")
    assert {"kpb_2024.xlsx", "rapport.html", "brukare.parquet"} <= set(results)
    assert (project / "ut" / "2024" / "manifest.json").is_file()
    with duckdb.connect(str(project / "kpb.duckdb"), read_only=True) as con:
        inputs = {t: con.execute(f"select md5(string_agg(t::varchar, '|' order by t::varchar)) "
                                 f"from {t} t where ar = 2024").fetchone()[0] for t in TABLES}
    leftovers = sorted(p.name for p in (project / "ut").iterdir() if p.name.startswith("."))
    return results, inputs, leftovers


def change_inputs(project: Path) -> None:
    ledger = next((project / "data/2024/ledger").glob("*.csv"))
    lines = ledger.read_bytes().split(b"\n")
    lines.insert(1, lines[1])  # one ledger row booked twice: other totals, other results
    ledger.write_bytes(b"\n".join(lines))


# 29 points spread over a run: reading and checking, the allocation, the report, the commit.
KILL_POINTS = tuple(round(0.1 + i * (1.05 - 0.1) / 28, 3) for i in range(29))


@pytest.fixture()
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("KPB_PSEUDONYM_NYCKEL", KEY)
    root = tmp_path / "exempelkommun"
    copy_fixture(FIXTURES / "exempelkommun", root)
    assert compute(root).wait() == 0
    return root


@pytest.mark.parametrize("point", DIE_AT)
def test_death_at_each_point_of_the_commit_leaves_one_whole_state(project, point):
    before = state(project)
    change_inputs(project)
    assert compute(project, DIE_AT[point]).wait() == 9
    after_death = state(project)
    assert compute(project).wait() == 0
    finished = state(project)
    assert before != finished
    # before the inputs were committed: as before; after: as the finished run
    expected = before if point == "före lagring" else finished
    assert after_death == expected, f"died {point}"
    assert after_death[2] == []  # no staging or old folder is left behind


def test_kill_at_any_point_of_a_real_run_leaves_one_whole_state(project):
    before = state(project)
    started = time.perf_counter()
    assert compute(project).wait() == 0  # same inputs: the same state, and the run's length
    full_run = time.perf_counter() - started
    assert state(project) == before
    change_inputs(project)
    seen = []
    for fraction in KILL_POINTS:
        run = compute(project)
        time.sleep(full_run * fraction)
        run.send_signal(signal.SIGKILL)
        run.wait()
        seen.append(state(project))
    assert compute(project).wait() == 0
    finished = state(project)
    assert before != finished
    assert all(s in (before, finished) for s in seen)


def test_a_failed_run_says_which_stage_and_writes_nothing(project):
    from click.testing import CliRunner

    from kpb.cli import main

    before = state(project)
    (project / "regler" / "2024.toml").write_text('ar = 2024\n[[pool]]\nnamn = "a"\ntyp = "fel"\n', encoding="utf-8")
    change_inputs(project)
    result = CliRunner().invoke(main, ["compute", "2024", "-p", str(project), "-q"])
    assert result.exit_code == 1
    assert "steget regler misslyckades" in result.output and "Inget har skrivits" in result.output
    assert state(project) == before


# -- kpb rapport and kpb jamfor stage and swap under the lock, as compute does ----------------

SWAP_DEATH = (
    "import kpb.write.outputs as o; real = os.rename; calls = []\n"
    "def rename(a, b):\n"
    "    calls.append(a)\n"
    "    if len(calls) == 2: os._exit(9)\n"
    "    real(a, b)\n"
    "o.os = type(os)('os'); o.os.__dict__.update(os.__dict__); o.os.rename = rename")


def test_rapport_killed_between_its_renames_leaves_the_old_report(project):
    before = state(project)
    (project / "ut/2024/rapport.html").write_text("en äldre rapport", encoding="utf-8")
    old = state(project)
    assert kpb(project, "rapport", "2024", patch=SWAP_DEATH).wait() == 9
    assert state(project) == old  # the old folder went back whole: old report, old results
    assert kpb(project, "rapport", "2024").wait() == 0
    assert state(project) == before


def test_rapport_killed_anywhere_leaves_one_whole_report(project):
    (project / "ut/2024/rapport.html").write_text("en äldre rapport", encoding="utf-8")
    old = state(project)
    started = time.perf_counter()
    assert kpb(project, "rapport", "2024").wait() == 0
    run = time.perf_counter() - started
    new = state(project)
    for fraction in (0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0, 1.1):
        (project / "ut/2024/rapport.html").write_text("en äldre rapport", encoding="utf-8")
        process = kpb(project, "rapport", "2024")
        time.sleep(run * fraction)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert state(project) in (old, new)


@pytest.fixture()
def two_years(project):
    assert compute(project, year="2022").wait() == 0
    assert kpb(project, "jamfor", "2022", "2024").wait() == 0
    return project


def change_personnel_costs(project: Path) -> None:
    """One personnel cost row booked twice: other unit costs, so another comparison."""
    ledger = project / "data/2024/ledger/huvudbok_2024_vard_och_omsorg.csv"
    lines = ledger.read_bytes().split(b"\n")
    personnel = next(i for i, line in enumerate(lines) if line.split(b";")[1:2] == [b"5011"])
    lines.insert(personnel, lines[personnel])
    ledger.write_bytes(b"\n".join(lines))


def comparison(project: Path) -> dict:
    api.sql(project, "select 1")  # recovery
    folder = project / "ut" / "jamfor_2022_2024"
    assert sorted(p.name for p in (project / "ut").iterdir() if p.name.startswith(".")) == []
    found = folder_state(folder)
    assert len(found) == 4 and (folder / "manifest.json").is_file()
    assert api.sql(project, "select count(*) as n from jamfor_styckkostnad")["n"][0] > 0
    return found


def test_jamfor_killed_between_its_renames_leaves_the_old_comparison(two_years):
    old = comparison(two_years)
    change_personnel_costs(two_years)
    assert compute(two_years).wait() == 0
    assert kpb(two_years, "jamfor", "2022", "2024", patch=SWAP_DEATH).wait() == 9
    assert comparison(two_years) == old
    assert kpb(two_years, "jamfor", "2022", "2024").wait() == 0
    assert comparison(two_years) != old


def test_jamfor_killed_anywhere_leaves_one_whole_comparison(two_years):
    old = comparison(two_years)
    change_personnel_costs(two_years)
    assert compute(two_years).wait() == 0
    started = time.perf_counter()
    assert kpb(two_years, "jamfor", "2022", "2024").wait() == 0
    run = time.perf_counter() - started
    new = comparison(two_years)
    assert new != old
    for fraction in (0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0, 1.1):
        process = kpb(two_years, "jamfor", "2022", "2024")
        time.sleep(run * fraction)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert comparison(two_years) in (old, new)
