"""The public Lillby 2024 example of the KPB method, checked to the öre (stegvis and reciprok)."""

import datetime as dt

import pytest

from kpb.allocate import allocate
from kpb.allocate.inputs import input_tables
from kpb.rules import parse_rules

RULES = """
ar = 2024

[insatser]
hemtjanst = { enhet = "timmar",  omrade = "ÄO" }
sabo      = { enhet = "dygn",    omrade = "ÄO" }
larm      = { enhet = "manader", omrade = "ÄO" }

[[pool]]
namn  = "avgifter"
typ   = "exkludera"
orsak = "Externa avgifter dras inte av"
konto = ["31*"]

[[pool]]
namn   = "ledning"
typ    = "gemensam"
ansvar = ["100"]
nyckel = { andelar = { it_lokal = 0.10, hemtjanst_norr = 0.30, hemtjanst_soder = 0.20, sabo = 0.35, larm = 0.05 } }

[[pool]]
namn   = "it_lokal"
typ    = "gemensam"
ansvar = ["110"]
nyckel = { fil = "lokalyta" }

[[pool]]
namn     = "hemtjanst_norr"
ansvar   = ["200"]
insats   = "hemtjanst"
utforare = ["NORR"]

[[pool]]
namn     = "hemtjanst_soder"
ansvar   = ["210"]
insats   = "hemtjanst"
utforare = ["SODER"]

[[pool]]
namn   = "sabo"
ansvar = ["300"]
insats = "sabo"

[[pool]]
namn   = "larm"
ansvar = ["400"]
insats = "larm"

[gemensamma]
metod = "{metod}"
"""

KR = 100  # öre per krona
D = dt.date


def ledger(konto, ansvar, kronor):
    return {"konto": konto, "ansvar": ansvar, "period": 202406, "belopp_ore": kronor * KR}


def hours(person, utforare, timmar_milli):
    return {"person_id": person, "insats": "hemtjanst", "from": D(2024, 3, 1),
            "timmar_milli": timmar_milli, "utforare": utforare}


def stay(person, insats, start, end=None):
    return {"person_id": person, "insats": insats, "from": start, "tom": end}


LILLBY = input_tables(
    ledger=[ledger("5010", "100", 400_000), ledger("6110", "110", 200_000),
            ledger("5010", "200", 1_800_000), ledger("3510", "200", -50_000),  # internal revenue
            ledger("5010", "210", 1_000_000), ledger("5010", "300", 3_600_000),
            ledger("5010", "400", 120_000), ledger("3110", "200", -250_000)],  # external fees
    nycklar=[{"nyckel": "lokalyta", "mottagare": m, "varde": v} for m, v in [
        ("ledning", "100"), ("hemtjanst_norr", "200"), ("hemtjanst_soder", "100"),
        ("sabo", "1500"), ("larm", "100")]],
    aktivitet=[hours("A", "NORR", 1_500_000), hours("B", "NORR", 2_000_000),
               hours("C", "NORR", 500_000), hours("D", "SODER", 1_000_000),
               hours("E", "SODER", 1_500_500),
               stay("F", "sabo", D(2019, 5, 1)), stay("G", "sabo", D(2024, 3, 1)),
               stay("H", "sabo", D(2023, 6, 1), D(2024, 4, 30)),
               stay("A", "larm", D(2022, 1, 1)), stay("B", "larm", D(2024, 7, 15)),
               stay("D", "larm", D(2024, 1, 10))],
    person=[{"person_id": p, "kon": "K", "alder": 85, "aldersgrupp": "80+"} for p in "ABCDEFGH"],
)


def run(metod):
    rules = parse_rules(RULES.replace("{metod}", metod), 2024, "regler/2024.toml")
    return allocate(LILLBY, rules, 2024)


def ore(text):
    """'1 895 263.16' -> 189526316."""
    kronor, _, decimals = text.replace(" ", "").partition(".")
    return int(kronor) * 100 + int(decimals.ljust(2, "0"))


def column(frame, key, value):
    """{key: value}, one row per key: a person listed twice must not hide behind a dict."""
    assert frame[key].is_unique().all(), f"{key} repeats"
    return dict(frame.select(key, value).iter_rows())


@pytest.fixture(scope="module")
def stegvis():
    return run("stegvis")


@pytest.fixture(scope="module")
def reciprok():
    return run("reciprok")


def test_stepdown_pool_totals_after_overhead(stegvis):
    att_fordela = column(stegvis.pool, "pool", "att_fordela_ore")
    assert att_fordela == {"avgifter": ore("-250 000"), "ledning": 0, "it_lokal": 0,
                           "hemtjanst_norr": ore("1 895 263.16"), "hemtjanst_soder": ore("1 092 631.58"),
                           "sabo": ore("3 929 473.68"), "larm": ore("152 631.58")}


def test_volumes_and_unit_prices(stegvis):
    insats = {p: (v, s) for p, v, s in stegvis.insats.select("pool", "volym_milli", "styckkostnad").iter_rows()}
    assert insats == {"hemtjanst_norr": (4_000_000, "473.8158"), "hemtjanst_soder": (2_500_500, "436.9652"),
                      "sabo": (793_000, "4955.2001"), "larm": (30_000, "5087.7193")}


STEPDOWN_PERSONS = {"A": "771 776.32", "B": "978 157.90", "C": "236 907.89", "D": "498 017.87",
                    "E": "655 666.34", "F": "1 813 603.24", "G": "1 516 291.23", "H": "599 579.21"}
RECIPROCAL_PERSONS = {"A": "772 717.34", "B": "979 402.00", "C": "237 217.34", "D": "498 766.73",
                      "E": "656 770.96", "F": "1 811 596.45", "G": "1 514 613.42", "H": "598 915.76"}


def test_stepdown_cost_per_person(stegvis):
    assert column(stegvis.brukare, "person_id", "kostnad_ore") == \
        {p: ore(v) for p, v in STEPDOWN_PERSONS.items()}


def test_reconciliation_ledger_net_fees_and_cost_base(stegvis):
    lines = {(post, pool): b for post, pool, _, b in stegvis.avstamning.iter_rows()}
    assert lines[("Huvudbok totalt", None)] == ore("6 820 000")
    assert lines[("Exkluderat", "avgifter")] == ore("-250 000")
    assert lines[("Till brukare", None)] == ore("7 070 000")
    assert lines[("Differens", None)] == 0


def test_reciprocal_overhead_solved_exactly(reciprok):
    att_fordela = column(reciprok.pool, "pool", "att_fordela_ore")
    assert {p: att_fordela[p] for p in ("hemtjanst_norr", "hemtjanst_soder", "sabo", "larm")} == {
        "hemtjanst_norr": ore("1 897 738.69"), "hemtjanst_soder": ore("1 094 472.36"),
        "sabo": ore("3 925 125.63"), "larm": ore("152 663.32")}
    gross = column(reciprok.pool, "pool", "fordelad_gemensam_ore")
    assert gross["ledning"] == ore("412 060.30") and gross["it_lokal"] == ore("241 206.03")


def test_reciprocal_cost_per_person(reciprok):
    assert column(reciprok.brukare, "person_id", "kostnad_ore") == \
        {p: ore(v) for p, v in RECIPROCAL_PERSONS.items()}
    assert reciprok.brukare["kostnad_ore"].sum() == ore("7 070 000")


def test_volume_basis_beviljad_or_utford_gives_the_same_person_cost():
    rules = """
    ar = 2024
    [insatser]
    beviljad = { enhet = "timmar" }
    utford = { enhet = "timmar" }
    [[pool]]
    namn = "hemtjanst"
    ansvar = ["200"]
    insats = "{basis}"
    """
    rows = {"beviljad": [("P", 300_000), ("Q", 24_700_000)], "utford": [("P", 216_000), ("Q", 17_784_000)]}
    prices = {}
    for basis, volumes in rows.items():
        tables = input_tables(ledger=[ledger("5010", "200", 10_000_000)], aktivitet=[
            {"person_id": p, "insats": basis, "from": D(2024, 5, 1), "timmar_milli": t} for p, t in volumes])
        result = allocate(tables, parse_rules(rules.replace("{basis}", basis), 2024, "r"), 2024)
        assert column(result.brukare, "person_id", "kostnad_ore")["P"] == ore("120 000.00")
        prices[basis] = result.insats["styckkostnad"][0]
    assert prices == {"beviljad": "400.0000", "utford": "555.5556"}
