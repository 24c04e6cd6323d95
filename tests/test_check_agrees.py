"""`kpb check` refuses exactly what `kpb compute` refuses, with the same problems, and every
warning compute counts is one check prints and the manifest keeps.

Run over every fixture, every broken fixture, and lillby broken on purpose in the ways that
used to pass check and fail compute (a ledger row no pool takes, an hour row of 2023, an
insats code the rules do not know, a key file without rows)."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kpb import api
from kpb.cli import main
from kpb.errors import KpbError

from builders import TEST_KEY, copy_fixture

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
KEY = TEST_KEY
BROKEN = sorted(p.name for p in (FIXTURES / "broken").iterdir() if (p / "fel.txt").is_file())


def append(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


def hour_row_2023(root):
    append(root / "data/2024/aktivitet/hemtjanst.csv",
           "19390314-2713;hemtjanst;2023-12-30;2023-12-30;2;;NORR;")


def unmatched_ledger_row(root):
    append(root / "data/2024/ledger/huvudbok.csv", "202406;4010;999;999;2350000,00")


def unknown_insats(root):
    append(root / "data/2024/aktivitet/larm.csv", "19390314-2713;nattpatrull;2024-03-01;;;;;")


def empty_key_file(root):
    key = root / "data/2024/nycklar/lokalyta.csv"
    key.write_text(key.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")


def several(root):
    for breaking in (hour_row_2023, unmatched_ledger_row, unknown_insats, empty_key_file):
        breaking(root)


BREAKINGS = {f.__name__: f for f in (hour_row_2023, unmatched_ledger_row, unknown_insats,
                                      empty_key_file, several)}
PROJECTS = ([("exempelkommun", None), ("lillby", None)]
            + [(f"broken/{name}", None) for name in BROKEN]
            + [("lillby", name) for name in BREAKINGS])


def outcome(run) -> tuple:
    """(failed, stage, problems as text) of an api call."""
    try:
        result = run()
    except KpbError as failure:
        return True, failure.stage, [str(p) for p in failure.problems]
    return False, None, [str(w) for w in result.warnings]


@pytest.mark.parametrize("fixture,breaking", PROJECTS,
                         ids=[f"{f}+{b}" if b else f for f, b in PROJECTS])
@pytest.mark.parametrize("strikt", [False, True], ids=["", "strikt"])
def test_check_fails_exactly_when_compute_fails_with_the_same_problems(
        fixture, breaking, strikt, tmp_path, monkeypatch):
    monkeypatch.setenv("KPB_PSEUDONYM_NYCKEL", KEY)
    root = tmp_path / "projekt"
    copy_fixture(FIXTURES / fixture, root)
    if breaking:
        BREAKINGS[breaking](root)
    checked = outcome(lambda: api.check(root, 2024, strikt=strikt))
    assert not (root / "kpb.duckdb").exists() and not (root / "ut").exists()  # check wrote nothing
    computed = outcome(lambda: api.compute(root, 2024, strikt=strikt))
    assert checked == computed
    if breaking:
        assert checked[0] or checked[2], "a project broken on purpose must be told something"
    if not computed[0]:
        manifest = json.loads((root / "ut/2024/manifest.json").read_text(encoding="utf-8"))
        assert manifest["varningar"]["lista"] == computed[2]
        assert manifest["varningar"]["antal"] == len(computed[2])


def test_lillby_broken_several_ways_is_told_everything_at_once(tmp_path):
    root = tmp_path / "lillby"
    copy_fixture(FIXTURES / "lillby", root)
    several(root)
    result = CliRunner().invoke(main, ["check", "2024", "-p", str(root), "-q"],
                                env={"KPB_PSEUDONYM_NYCKEL": KEY})
    assert result.exit_code == 1
    told = result.output
    assert "ingen pool matchar konto '4010', ansvar '999'" in told
    assert "summa 2 350 000,00 kr" in told
    assert "nyckeln 'lokalyta' har inga rader" in told
    assert "okänd insatskod 'nattpatrull'" in told
    assert "data/2024/aktivitet/hemtjanst.csv:" in told and "utanför verksamhetsåret 2024" in told
    assert "steget kontroll misslyckades: 2 fel" in told and "Inget har skrivits" in told
    assert "19390314" not in told


def test_strikt_turns_a_warning_into_an_error(tmp_path):
    root = tmp_path / "lillby"
    copy_fixture(FIXTURES / "lillby", root)
    unknown_insats(root)
    env = {"KPB_PSEUDONYM_NYCKEL": KEY}
    relaxed = CliRunner().invoke(main, ["check", "2024", "-p", str(root), "-q"], env=env)
    assert relaxed.exit_code == 0 and "okända insatskoder  1" in relaxed.output
    strict = CliRunner().invoke(main, ["compute", "2024", "-p", str(root), "-q", "--strikt"], env=env)
    assert strict.exit_code == 1
    assert "okänd insatskod 'nattpatrull'" in strict.output
    assert not (root / "ut").exists()
