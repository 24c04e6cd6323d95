"""The example projects in fixtures/ say what their READMEs and the KPB method say.

Most tests read the files with the standard library only (plus kpb.project for the column
mapping), so they check the fixtures themselves whatever state the engine is in; the last
ones load both projects through kpb.load and kpb.rules and compare with those readings.
Amounts are read as exact Decimals, never floats.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kpb.load import load_year
from kpb.load.sie import read_sie
from kpb.project import Project
from kpb.rules import read_rules
from kpb.rules.patterns import pool_index_expr

from builders import TEST_KEY

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LILLBY = FIXTURES / "lillby"
EXEMPEL = FIXTURES / "exempelkommun"
YEAR_START, YEAR_END = date(2024, 1, 1), date(2024, 12, 31)


# -- tiny readers, independent of kpb.load -------------------------------------------------

def luhn_ok(number: str) -> bool:
    """Personnummer check: Luhn over YYMMDDNNN (weights 2,1,2,...) gives the last digit."""
    digits = number.replace("-", "").replace("+", "")[-10:]
    total = 0
    for i, ch in enumerate(digits[:9]):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return len(digits) == 10 and (10 - total % 10) % 10 == int(digits[9])


def decode(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def read_rows(project: Project, path: Path, source: str) -> list[dict[str, str]]:
    """Rows keyed by canonical column name, through the project's column mapping."""
    text = decode(path)
    delimiter = ";" if text.splitlines()[0].count(";") else ","
    header_of = {v.lower(): k for k, v in project.source(source).kolumner.items()}
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [header_of.get(h.lower(), h.lower()) for h in next(reader)]
    return [dict(zip(header, row)) for row in reader]


def source_rows(root: Path, source: str) -> list[dict[str, str]]:
    project = Project.open(root)
    folder = project.data_dir(2024, source)
    return [row for path in sorted(folder.glob("*.csv")) for row in read_rows(project, path, source)]


def amount(text: str) -> Decimal:
    """Swedish money text: decimal comma, space thousands separators, maybe Unicode minus."""
    cleaned = text.replace(" ", "").replace("\u00a0", "").replace("\u2212", "-")
    return Decimal(cleaned.replace(",", "."))


def day(text: str) -> date:
    return date.fromisoformat(text)


def days_in_2024(rows) -> int:
    """Calendar days of the rows' [from, tom] inside 2024, overlaps counted once."""
    covered = set()
    for row in rows:
        start = max(day(row["from"]), YEAR_START)
        end = min(day(row["tom"]) if row["tom"] else YEAR_END, YEAR_END)
        covered |= {start.toordinal() + n for n in range((end - start).days + 1)}
    return len(covered)


def months_in_2024(rows) -> int:
    months = set()
    for row in rows:
        start = max(day(row["from"]), YEAR_START)
        end = min(day(row["tom"]) if row["tom"] else YEAR_END, YEAR_END)
        months |= set(range(start.month, end.month + 1)) if start <= end else set()
    return len(months)


def test_local_luhn_knows_the_briefs_vectors():
    assert all(luhn_ok(n) for n in ("640823-3234", "811218-9876", "701063-2391", "197505701834"))
    assert not any(luhn_ok(n) for n in ("640823-3235", "811218-9877", "7010632390"))


# -- both projects ---------------------------------------------------------------------------

@pytest.mark.parametrize("root, kommun", [(LILLBY, "Lillby"), (EXEMPEL, "Exempelkommun")])
def test_kpb_toml_opens_and_names_the_kommun(root, kommun):
    project = Project.open(root)
    assert project.kommun == kommun
    assert project.rules_file(2024).is_file()
    assert project.invanare and project.invanare > 0


@pytest.mark.parametrize("root", [LILLBY, EXEMPEL])
def test_every_personnummer_passes_luhn(root):
    people = [r["person"] for s in ("aktivitet", "direkt") for r in source_rows(root, s)]
    assert people, "the fixture has no persons"
    assert [p for p in set(people) if not luhn_ok(p)] == []


# -- Lillby: the KPB method's worked example --------------------------------------------

def lillby_ledger_by(key) -> Counter:
    totals = Counter()
    for row in source_rows(LILLBY, "ledger"):
        totals[key(row)] += amount(row["belopp"])
    return totals


def test_lillby_ledger_per_ansvar_is_the_briefs():
    operating = lillby_ledger_by(lambda r: r["ansvar"] if r["konto"][:2] not in ("31", "35") else None)
    del operating[None]
    assert operating == {"100": 400_000, "110": 200_000, "200": 1_800_000, "210": 1_000_000,
                         "300": 3_600_000, "400": 120_000}


def test_lillby_fees_internal_revenue_and_totals():
    by_class = lillby_ledger_by(lambda r: r["konto"][:2] if r["konto"][0] == "3" else "cost")
    assert by_class["31"] == -250_000  # external fees, excluded by the avgifter pool
    assert by_class["35"] == -50_000   # internal revenue of hemtjänst Norr
    assert sum(by_class.values()) == 6_820_000
    assert sum(by_class.values()) - by_class["31"] == 7_070_000
    internal = lillby_ledger_by(lambda r: (r["konto"][:2], r["ansvar"]))
    assert internal[("35", "200")] == -50_000


def test_lillby_ledger_is_spread_over_the_year_with_ore():
    periods = lillby_ledger_by(lambda r: r["period"])
    assert sorted(periods) == [f"2024{m:02d}" for m in range(1, 13)]
    assert any(amount(r["belopp"]) % 1 for r in source_rows(LILLBY, "ledger"))


def lillby_people() -> dict[str, str]:
    expected = tomllib.loads((LILLBY / "forvantat.toml").read_text(encoding="utf-8"))
    return expected["personnummer"]


def test_lillby_hours_per_person_are_the_briefs():
    letter = {v: k for k, v in lillby_people().items()}
    hours = Counter()
    for row in source_rows(LILLBY, "aktivitet"):
        if row["insats"] == "hemtjanst":
            hours[(letter[row["person"]], row["utforare"])] += amount(row["timmar"])
    assert hours == {("A", "NORR"): 1500, ("B", "NORR"): 2000, ("C", "NORR"): 500,
                     ("D", "SODER"): 1000, ("E", "SODER"): Decimal("1500.5")}


def test_lillby_hours_are_visits_of_at_most_a_day():
    rows = [r for r in source_rows(LILLBY, "aktivitet") if r["insats"] == "hemtjanst"]
    per_day = Counter()
    for row in rows:
        per_day[(row["person"], row["from"])] += amount(row["timmar"])
    assert len(rows) > 1000 and max(per_day.values()) <= 24
    assert any("," in row["timmar"] for row in rows)


def test_lillby_sabo_days_and_larm_months_are_the_briefs():
    letter = {v: k for k, v in lillby_people().items()}
    rows = source_rows(LILLBY, "aktivitet")
    sabo = {letter[r["person"]]: days_in_2024([r]) for r in rows if r["insats"] == "sabo"}
    larm = {letter[r["person"]]: months_in_2024([r]) for r in rows if r["insats"] == "larm"}
    assert sabo == {"F": 366, "G": 306, "H": 121}
    assert larm == {"A": 12, "B": 6, "D": 12}


def test_lillby_samordningsnummer_and_ages_vary():
    numbers = lillby_people().values()
    assert any(int(n[6:8]) > 60 for n in numbers)
    assert {int(n[10]) % 2 for n in numbers} == {0, 1}  # both kön
    assert len({n[:4] for n in numbers}) == len(numbers)


def test_lillby_reciprok_variant_differs_only_in_metod():
    stegvis = tomllib.loads(LILLBY.joinpath("regler", "2024.toml").read_text(encoding="utf-8"))
    reciprok = tomllib.loads(LILLBY.joinpath("varianter", "reciprok.toml").read_text(encoding="utf-8"))
    assert (stegvis["gemensamma"]["metod"], reciprok["gemensamma"]["metod"]) == ("stegvis", "reciprok")
    del stegvis["gemensamma"], reciprok["gemensamma"]
    assert stegvis == reciprok


def test_lillby_a_and_c_really_tie_on_the_last_ore_of_norr():
    """The note in forvantat.toml: both exact shares end in exactly half an öre."""
    expected = tomllib.loads((LILLBY / "forvantat.toml").read_text(encoding="utf-8"))
    pool_ore = Decimal(expected["stegvis"]["pool"]["hemtjanst_norr"]) * 100
    halves = {p: (pool_ore * h / 4000) % 1 for p, h in {"A": 1500, "B": 2000, "C": 500}.items()}
    assert halves == {"A": Decimal("0.5"), "B": 0, "C": Decimal("0.5")}
    assert expected["stegvis"]["lika_rest"]["personer"] == ["A", "C"]


def test_lillby_expected_results_add_up_to_the_cost_base():
    expected = tomllib.loads((LILLBY / "forvantat.toml").read_text(encoding="utf-8"))
    for metod in ("stegvis", "reciprok"):
        assert sum(Decimal(v) for v in expected[metod]["person"].values()) == 7_070_000
        assert sum(Decimal(v) for v in expected[metod]["pool"].values()) == 7_070_000


# -- Exempelkommun -----------------------------------------------------------------------------

SIE_FILE = EXEMPEL / "varianter" / "sie" / "huvudbok_2024.se"
HEMTJANST_FILE = EXEMPEL / "data" / "2024" / "aktivitet" / "hemtjanst_besok_2024.csv"


def csv_ledger_by_key() -> Counter:
    totals = Counter()
    for row in source_rows(EXEMPEL, "ledger"):
        key = (row["konto"], row["ansvar"], row["verksamhet"], row["period"])
        totals[key] += amount(row["belopp"])
    return totals


def sie_ledger_by_key() -> Counter:
    """#TRANS amounts per konto × ansvar × verksamhet × period, read with the stdlib."""
    text = SIE_FILE.read_bytes().decode("cp437")
    assert text.splitlines()[1] == "#FORMAT PC8"
    totals = Counter()
    for line in text.splitlines():
        words = line.split()
        if words and words[0] == "#TRANS":
            objects = line[line.index("{") + 1:line.index("}")].replace('"', "").split()
            dims = dict(zip(objects[0::2], objects[1::2]))
            konto, (belopp, transdat) = words[1], line[line.index("}") + 1:].split()
            totals[(konto, dims["1"], dims["20"], transdat[:6])] += Decimal(belopp)
    return totals


def test_sie_variant_and_csv_ledger_agree_per_konto_ansvar_verksamhet_period():
    csv_totals, sie_totals = csv_ledger_by_key(), sie_ledger_by_key()
    assert len(csv_totals) > 500
    assert sie_totals == csv_totals


def test_sie_variant_names_its_dimensions_in_code_page_437():
    text = SIE_FILE.read_bytes().decode("cp437")
    assert '#DIM 1 "Ansvar"' in text and '#DIM 20 "Verksamhet"' in text
    assert '#OBJEKT 1 "810" "Försörjningsstöd, handläggning"' in text
    assert {1: "ansvar", 20: "verksamhet"}.items() <= Project.open(EXEMPEL).sie.dimensioner.items()


def test_hemtjanst_export_is_windows_1252_and_not_utf8():
    raw = HEMTJANST_FILE.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert text.startswith("Personnummer;Insats;Från;Till") and "Hemtjänst Söder" in text


def test_ledger_has_swedish_headers_mapped_in_kpb_toml():
    project = Project.open(EXEMPEL)
    mapped = project.source("ledger").kolumner
    for path in project.data_dir(2024, "ledger").glob("*.csv"):
        header = path.read_text(encoding="utf-8").splitlines()[0].split(";")
        assert set(header) == {mapped[c] for c in ("period", "konto", "ansvar", "verksamhet",
                                                   "aktivitet", "motpart", "belopp")}
    assert len(list(project.data_dir(2024, "ledger").glob("*.csv"))) == 2


def test_ledger_amounts_are_swedish_text_with_thousands_and_a_credit_note():
    rows = source_rows(EXEMPEL, "ledger")
    assert len(rows) > 500
    assert any(" " in r["belopp"] for r in rows) and all("." not in r["belopp"] for r in rows)
    assert any(amount(r["belopp"]) < 0 for r in rows if r["konto"].startswith("6"))


def test_exempelkommun_classifies_revenue_by_kind_and_motpart():
    """Kommun-Bas classes: 31 taxor och avgifter and 35 bidrag are excluded, each by a pool
    with its orsak; sales (30) are netted where they are internal (motpart INTERN) or to
    another municipality (KOMMUN), and nothing else is booked on class 3."""
    by_class, sales = Counter(), Counter()
    for row in source_rows(EXEMPEL, "ledger"):
        by_class[row["konto"][:2]] += amount(row["belopp"])
        if row["konto"].startswith("30"):
            sales[row["motpart"]] += amount(row["belopp"])
    assert by_class["31"] < 0 and by_class["35"] < 0 and by_class["30"] < 0
    assert {k for k in by_class if k.startswith("3")} == {"30", "31", "35"}
    assert set(sales) == {"INTERN", "KOMMUN"}  # every sale has a motpart saying whose
    rules = tomllib.loads(EXEMPEL.joinpath("regler", "2024.toml").read_text(encoding="utf-8"))
    excluded = {k: p["orsak"] for p in rules["pool"] if p.get("typ") == "exkludera"
                for k in p.get("konto", [])}
    assert {"31*", "35*"} <= set(excluded) and "30" not in " ".join(excluded)
    assert "Bidrag" in excluded["35*"] and "kommunens val" in excluded["35*"]


def test_exempelkommun_arbetsmarknad_is_of_working_age_and_mostly_young():
    """The inflow to an arbetsmarknadsenhet is young (about 60 % under 35 in the seeds'
    genomlysning); nobody past 64."""
    ages = {r["person"]: 2024 - int(r["person"].replace("-", "").replace("+", "")[:4])
            for r in source_rows(EXEMPEL, "aktivitet") if r["insats"] == "arbetsmarknad"}
    assert len(ages) == 44 and min(ages.values()) >= 20 and max(ages.values()) <= 64
    assert 0.55 <= sum(age < 35 for age in ages.values()) / len(ages) <= 0.75


def test_exempelkommun_covers_every_area_and_unit():
    rules = tomllib.loads(EXEMPEL.joinpath("regler", "2024.toml").read_text(encoding="utf-8"))
    insatser = rules["insatser"]
    assert {i["omrade"] for i in insatser.values()} == {"ÄO", "BUF", "VUX", "EB", "AMI"}
    assert {i["enhet"] for i in insatser.values()} == {"timmar", "dygn", "manader", "antal", "kronor"}
    used = Counter(r["insats"] for r in source_rows(EXEMPEL, "aktivitet"))
    used.update(r["insats"] for r in source_rows(EXEMPEL, "direkt"))
    reporting = {p["rapportvolym"]["aktivitet"] for p in rules["pool"] if "rapportvolym" in p}
    # report volumes (vårddygn of HVB barn, beviljade timmar of hemtjänst egen regi): never priced
    assert reporting == {"hvb_barn_placering", "HT-BEVILJAD"}
    assert set(used) == set(insatser) | reporting
    assert used["hemtjanst"] > 5000


def test_exempelkommun_people_are_many_varied_and_some_samordningsnummer():
    numbers = {r["person"] for s in ("aktivitet", "direkt") for r in source_rows(EXEMPEL, s)}
    digits = {n.replace("-", "").replace("+", "")[-10:] for n in numbers}
    assert len(digits) > 300
    assert sum(int(d[4:6]) > 60 for d in digits) >= 3
    assert {int(d[8]) % 2 for d in digits} == {0, 1}
    assert any("+" in n for n in numbers) and any(len(n) == 12 for n in numbers)


def test_exempelkommun_costs_are_skewed_towards_hvb_children():
    invoices = Counter()
    for row in source_rows(EXEMPEL, "direkt"):
        if row["insats"] == "hvb_barn":
            invoices[row["person"]] += amount(row["belopp"])
    ledger_total = sum(csv_ledger_by_key().values())
    assert len(invoices) <= 10 and sum(invoices.values()) > ledger_total / 8


def test_placements_cross_the_year_and_overlap():
    rows = [r for r in source_rows(EXEMPEL, "aktivitet") if r["insats"] == "familjehem"]
    assert any(day(r["from"]) < YEAR_START for r in rows)
    assert any(r["tom"] and day(r["tom"]) > YEAR_END for r in rows)
    per_child = Counter(r["person"] for r in rows)
    twice = [p for p, n in per_child.items() if n > 1]
    overlapping = [p for p in twice
                   if days_in_2024([r for r in rows if r["person"] == p])
                   < sum(days_in_2024([r]) for r in rows if r["person"] == p)]
    assert overlapping


# Exempelkommun: 15 data files a year (8 aktivitet, 2 direkt, 2 ledger, 1 nycklar, 1 utfall,
# befolkning.csv) and the SIE variant
@pytest.mark.parametrize("root, files", [(LILLBY, 5), (EXEMPEL, 31)])
def test_generator_regenerates_exactly_the_committed_files(tmp_path, root, files):
    """generera.py is the source of truth: run in a copy, it writes the same bytes."""
    shutil.copy(root / "generera.py", tmp_path / "generera.py")
    subprocess.run([sys.executable, str(tmp_path / "generera.py")], check=True, timeout=60)
    generated = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.*")
                       if p.name != "generera.py" and "__pycache__" not in p.parts)
    assert len(generated) == files
    for relative in generated:
        assert (tmp_path / relative).read_bytes() == (root / relative).read_bytes(), relative


# -- through kpb's own loader and rules ----------------------------------------------------
# kpb.load and kpb.rules read the fixtures exactly as `kpb compute` does; the expectations
# come from the stdlib readers above, so a disagreement shows in one or the other.

@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """Both projects loaded once, from copies (loading may create a key file)."""
    result = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KPB_PSEUDONYM_NYCKEL", TEST_KEY)
        for root in (LILLBY, EXEMPEL):
            copy = tmp_path_factory.mktemp(root.name) / root.name
            skip = shutil.ignore_patterns("ut", "kpb.duckdb*", "kpb.key")
            shutil.copytree(root, copy, ignore=skip)
            result[root] = load_year(Project.open(copy), 2024)
    return result


@pytest.mark.parametrize("root", [LILLBY, EXEMPEL])
def test_loaded_ledger_is_the_files_to_the_ore(loaded, root):
    rows = source_rows(root, "ledger")
    ledger = loaded[root].ledger
    assert ledger.height == len(rows)
    assert ledger["belopp_ore"].sum() == sum(amount(r["belopp"]) for r in rows) * 100


@pytest.mark.parametrize("root", [LILLBY, EXEMPEL])
def test_loaded_volumes_and_persons_are_the_files(loaded, root):
    aktivitet, direkt = source_rows(root, "aktivitet"), source_rows(root, "direkt")
    assert loaded[root].aktivitet.height == len(aktivitet)
    assert loaded[root].direkt.height == len(direkt)
    numbers = {r["person"].replace("-", "").replace("+", "")[-10:] for r in aktivitet + direkt}
    assert loaded[root].person.height == len(numbers)
    assert (loaded[root].aktivitet["flagga"] == "").all()


@pytest.mark.parametrize("root", [LILLBY, EXEMPEL])
def test_no_personnummer_survives_the_load(loaded, root):
    raw = {r["person"] for r in source_rows(root, "aktivitet") + source_rows(root, "direkt")}
    digits = {n.replace("-", "").replace("+", "") for n in raw}
    ids = set(loaded[root].person["person_id"])
    assert all(len(i) == 20 for i in ids) and not ids & (raw | digits)


@pytest.mark.parametrize("root", [LILLBY, EXEMPEL])
def test_every_ledger_row_matches_a_pool(loaded, root):
    rules = read_rules(Project.open(root).rules_file(2024), 2024)
    assert rules.warnings == ()
    matched = loaded[root].ledger.select(pool_index_expr(rules.pools).alias("pool"))
    assert matched["pool"].null_count() == 0


def test_lillby_reciprok_variant_is_valid_rules():
    rules = read_rules(LILLBY / "varianter" / "reciprok.toml", 2024)
    assert rules.metod == "reciprok" and rules.warnings == ()


def test_kpb_reads_the_sie_variant_as_the_csv_ledger():
    table, problems = read_sie(SIE_FILE, "huvudbok_2024.se", Project.open(EXEMPEL).sie, 2024)
    # the variant holds the result accounts only, as the CSV ledger does: no voucher balances;
    # the warning stands at the first voucher, after the header (#DIM, #OBJEKT, #KONTO lines)
    lines = SIE_FILE.read_bytes().decode("cp437").splitlines()
    first_voucher = next(i for i, line in enumerate(lines, start=1) if line.startswith("#VER"))
    assert [(p.line, p.is_error) for p in problems] == [(first_voucher, False)]
    assert "obalanserad" in problems[0].message and "verifikationer till" in problems[0].message
    totals = Counter()
    for konto, ansvar, verksamhet, period, belopp in table.rows.select(
            "konto", "ansvar", "verksamhet", "period", "belopp").iter_rows():
        totals[(konto, ansvar, verksamhet, period)] += Decimal(belopp)
    assert totals == csv_ledger_by_key()
    assert set(table.rows["aktivitet"]) == {"", "NATT"}
