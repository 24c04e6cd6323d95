"""No personnummer leaves the load step: not in kpb.duckdb, its WAL, nor in error messages."""

import hashlib
import hmac
import random

import duckdb
import pytest

from kpb.errors import KpbError
from kpb.load import load_year
from kpb.load.database import store
from kpb.project import Project

from builders import TEST_KEY

HOUSEHOLD_KEY = "hushallsnyckel-" + TEST_KEY


def luhn(nine: str) -> str:
    total = sum(sum(divmod(int(d) * (2 - i % 2), 10)) for i, d in enumerate(nine))
    return str((10 - total % 10) % 10)


def fictitious_numbers(count: int) -> list[str]:
    """12-digit valid numbers, born 1915-2020 (some of them 100+ in 2024)."""
    chosen = random.Random(2024)
    numbers = set()
    while len(numbers) < count:
        born = f"{chosen.randint(1915, 2020)}{chosen.randint(1, 12):02}{chosen.randint(1, 28):02}"
        eleven = born + f"{chosen.randint(0, 999):03}"
        numbers.add(eleven + luhn(eleven[2:]))
    return sorted(numbers)


def spellings(number: str) -> list[str]:
    sign = "+" if int(number[:4]) <= 2024 - 100 else "-"
    short = number[2:]
    return [f"{short[:6]}{sign}{short[6:]}", number, short, f"{number[:8]}-{number[8:]}"]


def test_no_spelling_of_any_number_is_written_anywhere(tmp_path, monkeypatch):
    monkeypatch.delenv("KPB_PSEUDONYM_NYCKEL", raising=False)
    numbers = fictitious_numbers(40)
    rows = [f"{spelling};hemtjanst;2024-01-0{1 + i % 4}"
            for i, number in enumerate(numbers)
            for spelling in spellings(number)[:3] if "+" not in spelling or i % 2 == 0]
    folder = tmp_path / "data" / "2024"
    (folder / "ledger").mkdir(parents=True)
    (folder / "ledger" / "hb.csv").write_text("period;konto;belopp\n202401;5010;1\n")
    (folder / "aktivitet").mkdir()
    (folder / "aktivitet" / "a.csv").write_text("person;insats;from\n" + "\n".join(rows) + "\n")
    (tmp_path / "kpb.toml").write_text('kommun = "Hemligby"\n')
    project = Project.open(tmp_path)
    loaded = load_year(project, 2024)
    assert loaded.person.height == len(numbers)
    store(project, 2024, loaded)
    forms = {s for number in numbers for s in spellings(number) + [number[2:]]}
    data_files = {path for path in tmp_path.rglob("*")
                  if path.is_file() and "data" not in path.relative_to(tmp_path).parts}
    assert any(path.name == "kpb.duckdb" for path in data_files)
    for path in data_files:
        content = path.read_bytes()
        leaked = [form for form in forms if form.encode() in content]
        assert not leaked, f"{path.name} innehåller personnummer"


def test_error_messages_for_invalid_ids_hide_the_number(tmp_path, monkeypatch):
    monkeypatch.setenv("KPB_PSEUDONYM_NYCKEL", TEST_KEY)
    bad = ["640823-3235", "196408233235", "6408233235", "640832-3234", "64082332345"]
    folder = tmp_path / "data" / "2024"
    (folder / "ledger").mkdir(parents=True)
    (folder / "ledger" / "hb.csv").write_text("period;konto;belopp\n202401;5010;1\n")
    (folder / "aktivitet").mkdir()
    (folder / "aktivitet" / "a.csv").write_text(
        "person;insats;from\n" + "".join(f"{b};x;2024-01-01\n" for b in bad))
    (tmp_path / "kpb.toml").write_text('kommun = "Hemligby"\n')
    with pytest.raises(KpbError) as raised:
        load_year(Project.open(tmp_path), 2024)
    messages = [str(problem) for problem in raised.value.problems]
    assert len(messages) == len(bad)
    for message in messages:
        found = message.split("fann ")[1].split(":")[0]
        digits = "".join(c for c in found if c.isdigit())
        assert len(digits) <= 8, message


def test_a_personnummer_used_as_hushall_never_reaches_the_database(tmp_path, monkeypatch):
    monkeypatch.setenv("KPB_PSEUDONYM_NYCKEL", HOUSEHOLD_KEY)
    numbers = fictitious_numbers(6)
    folder = tmp_path / "data" / "2024"
    (folder / "ledger").mkdir(parents=True)
    (folder / "ledger" / "hb.csv").write_text("period;konto;belopp\n202401;5010;1\n")
    (folder / "aktivitet").mkdir()
    (folder / "aktivitet" / "a.csv").write_text("person;insats;from;hushall\n" + "".join(
        f"{n};eb;2024-01-01;{numbers[0] if i < 3 else n}\n" for i, n in enumerate(numbers))
        + f"{numbers[1]};eb;2024-02-01;\n")
    (folder / "direkt").mkdir()
    (folder / "direkt" / "d.csv").write_text(
        f"person;insats;period;belopp;hushall\n{numbers[2]};eb;202403;100;{numbers[0]}\n")
    (tmp_path / "kpb.toml").write_text('kommun = "Hemligby"\n')
    project = Project.open(tmp_path)
    loaded = load_year(project, 2024)
    store(project, 2024, loaded)
    expected = hmac.new(HOUSEHOLD_KEY.encode(), f"hushall:{numbers[0]}".encode(),
                        hashlib.sha256).hexdigest()[:20]
    households = loaded.aktivitet["hushall"].to_list()
    assert households[:3] == [expected] * 3 and households[-1] == ""
    assert len(set(households[3:6])) == 3 and expected not in households[3:6]
    assert loaded.direkt["hushall"].to_list() == [expected]
    with duckdb.connect(str(tmp_path / "kpb.duckdb"), read_only=True) as database:
        stored = {value for (value,) in database.execute(
            "SELECT hushall FROM aktivitet UNION ALL SELECT hushall FROM direkt").fetchall()}
    assert stored == set(households) | {expected}
    forms = {s for number in numbers for s in spellings(number) + [number[2:]]}
    content = (tmp_path / "kpb.duckdb").read_bytes()
    assert not [form for form in forms if form.encode() in content]
