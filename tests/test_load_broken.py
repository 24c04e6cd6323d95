"""Each fixtures/broken/<defect>/ project has exactly one defect; fel.txt says where it is."""

from pathlib import Path

import pytest

from kpb.errors import KpbError
from kpb.load import load_year
from kpb.project import Project

from builders import TEST_KEY

BROKEN = Path(__file__).resolve().parents[1] / "fixtures" / "broken"
DEFECTS = sorted(p.name for p in BROKEN.iterdir() if (p / "fel.txt").is_file())


@pytest.fixture(autouse=True)
def key_from_environment(monkeypatch):
    monkeypatch.setenv("KPB_PSEUDONYM_NYCKEL", TEST_KEY)  # no key file in fixtures/


def load_errors(root: Path) -> list[str]:
    with pytest.raises(KpbError) as raised:
        load_year(Project.open(root), 2024)
    assert raised.value.stage == "inläsning"
    return [str(problem) for problem in raised.value.errors]


def test_there_are_enough_defects():
    assert len(DEFECTS) >= 8


@pytest.mark.parametrize("defect", DEFECTS)
def test_the_one_defect_is_reported_with_file_line_and_column(defect):
    expected = (BROKEN / defect / "fel.txt").read_text(encoding="utf-8").strip()
    errors = load_errors(BROKEN / defect)
    assert len(errors) == 1, errors
    assert errors[0].startswith(expected), errors


def test_error_messages_never_show_the_full_personnummer():
    errors = load_errors(BROKEN / "ogiltigt_personnummer")
    assert "811218-9875" not in errors[0] and "9875" not in errors[0]
    assert "811218-****" in errors[0]


def test_a_file_with_several_defects_reports_all_of_them(tmp_path):
    (tmp_path / "kpb.toml").write_text('kommun = "Flerfel"\n', encoding="utf-8")
    ledger = tmp_path / "data" / "2024" / "ledger"
    ledger.mkdir(parents=True)
    (ledger / "hb.csv").write_text(
        "period;konto;belopp\n202401;5010;12x\n202413;5010;100\n202402;;1,005\n", encoding="utf-8")
    aktivitet = tmp_path / "data" / "2024" / "aktivitet"
    aktivitet.mkdir(parents=True)
    (aktivitet / "a.csv").write_text("person;insats\n640823-3234;x\n", encoding="utf-8")
    places = {tuple(str(e).split(": ")[:2]) for e in load_errors(tmp_path)}
    assert places == {("data/2024/ledger/hb.csv:2", "belopp"), ("data/2024/ledger/hb.csv:3", "period"),
                      ("data/2024/ledger/hb.csv:4", "konto"), ("data/2024/ledger/hb.csv:4", "belopp"),
                      ("data/2024/aktivitet/a.csv:1", "from")}


def test_many_bad_rows_are_capped_with_a_summary(tmp_path):
    (tmp_path / "kpb.toml").write_text('kommun = "Mångfel"\n', encoding="utf-8")
    ledger = tmp_path / "data" / "2024" / "ledger"
    ledger.mkdir(parents=True)
    (ledger / "hb.csv").write_text("period;konto;belopp\n" + "202401;5010;fel\n" * 120,
                                   encoding="utf-8")
    errors = load_errors(tmp_path)
    assert len(errors) == 51
    assert "... och 70 fler rader" in errors[-1]


def test_an_empty_ledger_folder_is_an_error(tmp_path):
    (tmp_path / "kpb.toml").write_text('kommun = "Tomby"\n', encoding="utf-8")
    (tmp_path / "data" / "2024" / "ledger").mkdir(parents=True)
    assert "inga huvudboksfiler" in load_errors(tmp_path)[0]
