"""Two small KPB years worked out by hand, run through `kpb compute`, checked to the öre.

Every expected amount is derived in the comment beside it from the inline ledger, activity
and rules (amounts in kronor). "The öre left over" is the largest-remainder step of
formats.md §4: every receiver gets the floor of its exact share, the öre still left go one
each to the largest fractional parts, ties to the smaller name (for persons: the pseudonym).

Scenario 1: overhead (adm by fixed shares, it by m²) onto hemtjänst and boende, a time-study
pool split 60/40 onto utredning/uppföljning, a direct HVB pool whose rest is spread, a pool
not tied to persons and excluded fees; computed once stegvis and once reciprok.
Scenario 2: one person's boende stays at two utförare overlapping, open and next-year rows,
an hour row without hours, an hour row dated 2023, and a direct rest of 2 000.01 kr split
over two equal direct amounts (a tie on the last öre).
"""

import json
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from kpb.cli import main
from kpb.load.pseudonym import person_id

from builders import TEST_KEY

KEY = TEST_KEY


def pseudonym(personnummer_12_digits: str) -> str:
    return person_id(KEY.encode(), personnummer_12_digits)


# Three men (the 9th digit is odd in each number).
NAME = {
    pseudonym("196408233234"): "Adam",    # 640823-3234
    pseudonym("198112189876"): "Bertil",  # 811218-9876
    pseudonym("197010632391"): "Carl",    # 701063-2391, a samordningsnummer (day 63 = 3 + 60)
}


def kr(text: str) -> Decimal:
    return Decimal(text.replace(" ", ""))


# ---------------------------------------------------------------- running a project

def write_project(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def compute(project: Path):
    return CliRunner().invoke(main, ["compute", "2024", "--project", str(project), "--tyst"],
                              env={"KPB_PSEUDONYM_NYCKEL": KEY})


def computed(root: Path, files: dict[str, str]) -> Path:
    project = write_project(root, files)
    result = compute(project)
    assert result.exit_code == 0, result.output
    return project


def output(project: Path, name: str) -> pl.DataFrame:
    return pl.read_parquet(project / "ut" / "2024" / f"{name}.parquet")


def pool_table(project: Path) -> dict:
    """pool -> (bokfört, erhållen gemensam, fördelad gemensam, att fördela, till brukare,
    ofördelat)."""
    columns = ("bokfort", "erhallen_gemensam", "fordelad_gemensam", "att_fordela",
               "till_brukare", "ofordelat")
    return {row[0]: row[1:] for row in output(project, "pool").select("pool", *columns).rows()}


def flows(project: Path) -> dict:
    frame = output(project, "fordelning").select("fran_pool", "till_pool", "belopp")
    return {(fran, till): belopp for fran, till, belopp in frame.rows()}


def insats_table(project: Path) -> dict:
    """insats -> (volym, kostnad, styckkostnad)."""
    frame = output(project, "insats").select("insats", "volym", "kostnad", "styckkostnad")
    return {row[0]: row[1:] for row in frame.rows()}


def person_lines(project: Path) -> dict:
    """(person's name, insats, kalla) -> (volym, kostnad), from brukare_insats."""
    frame = output(project, "brukare_insats").select(
        "person_id", "insats", "kalla", "volym", "kostnad")
    return {(NAME.get(pid, pid), insats, kalla): (volym, kostnad)
            for pid, insats, kalla, volym, kostnad in frame.rows()}


def person_totals(project: Path) -> dict:
    frame = output(project, "brukare").select("person_id", "kostnad")
    return {NAME.get(pid, pid): kostnad for pid, kostnad in frame.rows()}


def reconciliation(project: Path) -> dict:
    frame = output(project, "avstamning").select("post", "pool", "belopp")
    return {(post, pool): belopp for post, pool, belopp in frame.rows()}


# ---------------------------------------------------------------- scenario 1: the inputs

RULES_1 = """
ar = 2024
[insatser]
hemtjanst   = { enhet = "timmar",  omrade = "ÄO" }
boende      = { enhet = "dygn",    omrade = "ÄO" }
utredning   = { enhet = "antal",   omrade = "BUF" }
uppfoljning = { enhet = "manader", omrade = "BUF" }
hvb         = { enhet = "kronor",  omrade = "BUF" }

[[pool]]
namn = "avg"
typ = "exkludera"
orsak = "Externa avgifter"
konto = ["31*"]

[[pool]]
namn = "adm"
typ = "gemensam"
ansvar = ["100"]
nyckel = { andelar = { it = 0.2, hem = 0.5, boende = 0.3 } }

[[pool]]
namn = "it"
typ = "gemensam"
ansvar = ["110"]
nyckel = { fil = "yta" }

[[pool]]
namn = "hem"
ansvar = ["200-249"]
insats = "hemtjanst"

[[pool]]
namn = "boende"
ansvar = ["300"]
insats = "boende"

[[pool]]
namn = "bou"
ansvar = ["61*"]
fordelning = [ { insats = "utredning", andel = 0.6 }, { insats = "uppfoljning", andel = 0.4 } ]

[[pool]]
namn = "hvbp"
typ = "direkt"
ansvar = ["630"]
insats = "hvb"
rest = "fordela"

[[pool]]
namn = "rad"
typ = "ej_brukar"
ansvar = ["900"]
"""

# Pools (first match in file order wins, so the fee on konto 3110 lands in avg, not hem):
#   adm 10 000 | it 3 000 | hem 4 000 + 3 000 = 7 000 | boende 20 000
#   bou 600 + 400.01 = 1 000.01 | hvbp 5 000.01 | rad 1 234.56 | avg −500.00
# Ledger total 10 000 + 3 000 + 7 000 + 20 000 + 1 000.01 + 5 000.01 + 1 234.56 − 500
#   = 46 734.58
LEDGER_1 = """period;konto;ansvar;belopp
202401;5010;100;10 000,00
202402;6110;110;3 000,00
202403;5010;200;4 000,00
202404;5010;210;3 000,00
202405;5010;300;20 000,00
202406;5010;610;600,00
202406;4010;611;400,01
202407;4610;630;5 000,01
202408;5010;900;1 234,56
202409;3110;200;\u2212500,00
"""

# m² per pool: adm 1, hem 1, boende 2 (4 in all)
YTA = "nyckel;mottagare;varde\nyta;adm;1\nyta;hem;1\nyta;boende;2\n"

# Volumes per person (worked out once; both methods use them):
#   hemtjanst (hours, on the activity date): Adam 4.5 + 5.5 = 10 (written once as
#     640823-3234, once as 196408233234: the same person), Bertil 20, Carl 5; Σ 35 h
#   boende (days inside 2024, a person's overlapping stays counted once):
#     Adam 01-01..01-31 and 01-20..02-10 merge to 01-01..02-10 = 31 + 10 = 41
#     Bertil 2023-12-01..2024-01-10, clipped to 01-01..01-10 = 10
#     Carl from 12-22, still open: 12-22..12-31 = 10;  Σ 61 dygn
#   utredning (1 per row): Adam 1, Bertil 2; Σ 3
#   uppfoljning (distinct months touched): Adam 01-15..03-02 (jan, feb, mar) and
#     03-20..04-05 (mar, apr) = 4 months; Carl 2023-11-01..2024-02-29 → jan, feb = 2; Σ 6
AKTIVITET_1 = """person;insats;from;tom;timmar;antal
640823-3234;hemtjanst;2024-03-01;;4,5;
196408233234;hemtjanst;2024-03-02;;5,5;
811218-9876;hemtjanst;2024-04-01;;20;
701063-2391;hemtjanst;2024-05-01;;5;
640823-3234;boende;2024-01-01;2024-01-31;;
640823-3234;boende;2024-01-20;2024-02-10;;
811218-9876;boende;2023-12-01;2024-01-10;;
701063-2391;boende;2024-12-22;;;
640823-3234;utredning;2024-02-01;;;
811218-9876;utredning;2024-02-01;;;
811218-9876;utredning;2024-06-01;;;
640823-3234;uppfoljning;2024-01-15;2024-03-02;;
640823-3234;uppfoljning;2024-03-20;2024-04-05;;
701063-2391;uppfoljning;2023-11-01;2024-02-29;;
"""

# hvb direct amounts: Adam 1 000, Bertil 3 000; Σ 4 000
DIREKT_1 = """person;insats;period;belopp
640823-3234;hvb;202403;1 000,00
811218-9876;hvb;202405;3 000,00
"""


def scenario_1_files(metod: str) -> dict[str, str]:
    return {
        "kpb.toml": 'kommun = "Testby"\ninvanare = 1000\n',
        "regler/2024.toml": RULES_1 + f'\n[gemensamma]\nmetod = "{metod}"\n',
        "data/2024/ledger/hb.csv": LEDGER_1,
        "data/2024/nycklar/yta.csv": YTA,
        "data/2024/aktivitet/akt.csv": AKTIVITET_1,
        "data/2024/direkt/hvb.csv": DIREKT_1,
    }


@pytest.fixture(scope="module")
def scenario_1(tmp_path_factory) -> dict[str, Path]:
    """Scenario 1 computed with each method: {"stegvis": project, "reciprok": project}."""
    return {metod: computed(tmp_path_factory.mktemp(metod), scenario_1_files(metod))
            for metod in ("stegvis", "reciprok")}


# ---------------------------------------------------------------- scenario 1: overhead

def test_stegvis_overhead_goes_in_file_order_and_never_back(scenario_1):
    project = scenario_1["stegvis"]
    # adm (10 000) goes first, by its fixed shares:
    #   it 0.2 × 10 000 = 2 000, hem 0.5 × 10 000 = 5 000, boende 0.3 × 10 000 = 3 000.
    # it then holds 3 000 + 2 000 = 5 000 and goes by m²; adm has already distributed, so
    # only hem's 1 and boende's 2 of 3 m² count:
    #   hem 5 000 × 1/3 = 1 666.666…, boende 5 000 × 2/3 = 3 333.333…; the floors
    #   1 666.66 + 3 333.33 leave one öre, for hem (.67 öre > .33 öre)
    assert flows(project) == {
        ("adm", "it"): kr("2 000.00"),
        ("adm", "hem"): kr("5 000.00"),
        ("adm", "boende"): kr("3 000.00"),
        ("it", "hem"): kr("1 666.67"),
        ("it", "boende"): kr("3 333.33"),
    }
    # hem after overhead 7 000 + 5 000 + 1 666.67 = 13 666.67 (received 6 666.67)
    # boende after overhead 20 000 + 3 000 + 3 333.33 = 26 333.33 (received 6 333.33)
    # columns: bokfört, erhållen, fördelad gemensam, att fördela, till brukare, ofördelat
    assert pool_table(project) == {
        "avg": (kr("-500.00"), 0, 0, kr("-500.00"), 0, 0),
        "adm": (kr("10 000.00"), 0, kr("10 000.00"), 0, 0, 0),
        "it": (kr("3 000.00"), kr("2 000.00"), kr("5 000.00"), 0, 0, 0),
        "hem": (kr("7 000.00"), kr("6 666.67"), 0, kr("13 666.67"), kr("13 666.67"), 0),
        "boende": (kr("20 000.00"), kr("6 333.33"), 0, kr("26 333.33"), kr("26 333.33"), 0),
        "bou": (kr("1 000.01"), 0, 0, kr("1 000.01"), kr("1 000.01"), 0),
        "hvbp": (kr("5 000.01"), 0, 0, kr("5 000.01"), kr("5 000.01"), 0),
        "rad": (kr("1 234.56"), 0, 0, kr("1 234.56"), 0, 0),
    }


def test_reciprok_overhead_solves_both_overhead_pools_at_once(scenario_1):
    project = scenario_1["reciprok"]
    # A = adm's total, I = it's total, each booked + received:
    #   A = 10 000 + I × 1/4     (adm has 1 of the 4 m²)
    #   I =  3 000 + A × 0.2
    #   A = 10 000 + 750 + 0.05 A  →  A = 10 750 / 0.95 = 215 000/19 = 11 315.789…
    #   I = 3 000 + 43 000/19 = 100 000/19 = 5 263.157…
    # hem gets 0.5 A + I/4 = 107 500/19 + 25 000/19 = 132 500/19 = 6 973.684…
    # boende gets 0.3 A + I/2 = 64 500/19 + 50 000/19 = 114 500/19 = 6 026.315…
    #   (together 247 000/19 = 13 000 = adm's 10 000 + it's 3 000: nothing lost)
    # Each receiving pool's total is rounded once: the floors 6 973.68 + 6 026.31 leave one
    # öre, for boende (.58 öre > .42 öre) → hem 6 973.68, boende 6 026.32.
    # The flows are the exact ones to the nearest öre (and hem's two add up to 6 973.68,
    # boende's to 6 026.32):
    assert flows(project) == {
        ("adm", "it"): kr("2 263.16"),      # 0.2 A = 43 000/19 = 2 263.157…
        ("adm", "hem"): kr("5 657.89"),     # 0.5 A = 107 500/19 = 5 657.894…
        ("adm", "boende"): kr("3 394.74"),  # 0.3 A = 64 500/19 = 3 394.736…
        ("it", "adm"): kr("1 315.79"),      # I/4 = 25 000/19 = 1 315.789…
        ("it", "hem"): kr("1 315.79"),      # I/4
        ("it", "boende"): kr("2 631.58"),   # I/2 = 50 000/19 = 2 631.578…
    }
    # adm receives I/4 = 1 315.79 and distributes A = 11 315.79; it receives 0.2 A = 2 263.16
    # and distributes I = 5 263.16; hem 7 000 + 6 973.68 = 13 973.68;
    # boende 20 000 + 6 026.32 = 26 026.32
    assert pool_table(project) == {
        "avg": (kr("-500.00"), 0, 0, kr("-500.00"), 0, 0),
        "adm": (kr("10 000.00"), kr("1 315.79"), kr("11 315.79"), 0, 0, 0),
        "it": (kr("3 000.00"), kr("2 263.16"), kr("5 263.16"), 0, 0, 0),
        "hem": (kr("7 000.00"), kr("6 973.68"), 0, kr("13 973.68"), kr("13 973.68"), 0),
        "boende": (kr("20 000.00"), kr("6 026.32"), 0, kr("26 026.32"), kr("26 026.32"), 0),
        "bou": (kr("1 000.01"), 0, 0, kr("1 000.01"), kr("1 000.01"), 0),
        "hvbp": (kr("5 000.01"), 0, 0, kr("5 000.01"), kr("5 000.01"), 0),
        "rad": (kr("1 234.56"), 0, 0, kr("1 234.56"), 0, 0),
    }


# ---------------------------------------------------------------- scenario 1: insatser

# bou 1 000.01 by the time study: utredning 0.6 × 1 000.01 = 600.006, uppfoljning
# 0.4 × 1 000.01 = 400.004; the floors 600.00 + 400.00 leave one öre, for utredning (.6 > .4).
# hvbp takes no overhead: 5 000.01 over 4 000 direct kronor.
# (insats: volym, kostnad, styckkostnad = kostnad / volym to 4 decimals)
INSATSER_EITHER_METHOD = {
    "utredning": (3, kr("600.01"), kr("200.0033")),   # 600.01 / 3 = 200.00333…
    "uppfoljning": (6, kr("400.00"), kr("66.6667")),  # 400 / 6 = 66.66666…
    "hvb": (4000, kr("5 000.01"), kr("1.2500")),      # 5 000.01 / 4 000 = 1.2500025
}


@pytest.mark.parametrize("metod, hem, boende", [
    # stegvis: 13 666.67 / 35 h = 390.47628…; 26 333.33 / 61 dygn = 431.69393…
    ("stegvis", (35, kr("13 666.67"), kr("390.4763")), (61, kr("26 333.33"), kr("431.6939"))),
    # reciprok: 13 973.68 / 35 h = 399.248; 26 026.32 / 61 dygn = 426.66098…
    ("reciprok", (35, kr("13 973.68"), kr("399.2480")), (61, kr("26 026.32"), kr("426.6610"))),
])
def test_insats_cost_volume_and_unit_price(scenario_1, metod, hem, boende):
    expected = {"hemtjanst": hem, "boende": boende, **INSATSER_EITHER_METHOD}
    assert insats_table(scenario_1[metod]) == expected


# ---------------------------------------------------------------- scenario 1: persons

# The same under both methods (no overhead reaches bou or hvbp):
#   utredning 600.01 by count 1 : 2 → Adam 200.003…, Bertil 400.006…; the floors
#     200.00 + 400.00 leave one öre, for Bertil (.67 öre > .33 öre) → 400.01
#   uppfoljning 400.00 by months 4 : 2 → Adam 266.666…, Carl 133.333…; the öre left goes
#     to Adam → 266.67
#   hvb: each keeps his direct amount, and the rest 5 000.01 − 4 000 = 1 000.01 is spread
#     1 000 : 3 000 → Adam 250.0025, Bertil 750.0075; the öre left goes to Bertil → 750.01
#     (the rest's lines have volume 0: the volume sits on the direct line)
LINES_EITHER_METHOD = {
    ("Adam", "utredning", "fordelad"): (1, kr("200.00")),
    ("Bertil", "utredning", "fordelad"): (2, kr("400.01")),
    ("Adam", "uppfoljning", "fordelad"): (4, kr("266.67")),
    ("Carl", "uppfoljning", "fordelad"): (2, kr("133.33")),
    ("Adam", "hvb", "direkt"): (1000, kr("1 000.00")),
    ("Bertil", "hvb", "direkt"): (3000, kr("3 000.00")),
    ("Adam", "hvb", "fordelad"): (0, kr("250.00")),
    ("Bertil", "hvb", "fordelad"): (0, kr("750.01")),
}


def test_stegvis_cost_per_person_and_insats(scenario_1):
    project = scenario_1["stegvis"]
    # hem 13 666.67 by hours 10 : 20 : 5 (of 35):
    #   Adam 3 904.7628…, Bertil 7 809.5257…, Carl 1 952.3814…; the floors leave one öre
    #   (13 666.67 − 13 666.66), for Bertil (.57 öre is the largest part)
    # boende 26 333.33 by days 41 : 10 : 10 (of 61):
    #   Adam 17 699.4513…, Bertil 4 316.9393…, Carl 4 316.9393…; the floors leave two öre
    #   (26 333.33 − 26 333.31), one each for Bertil and Carl (.94 öre > Adam's .13 öre)
    assert person_lines(project) == {
        ("Adam", "hemtjanst", "fordelad"): (10, kr("3 904.76")),
        ("Bertil", "hemtjanst", "fordelad"): (20, kr("7 809.53")),
        ("Carl", "hemtjanst", "fordelad"): (5, kr("1 952.38")),
        ("Adam", "boende", "fordelad"): (41, kr("17 699.45")),
        ("Bertil", "boende", "fordelad"): (10, kr("4 316.94")),
        ("Carl", "boende", "fordelad"): (10, kr("4 316.94")),
        **LINES_EITHER_METHOD,
    }
    # Adam   3 904.76 + 17 699.45 + 200.00 + 266.67 + 1 000 + 250.00 = 23 320.88
    # Bertil 7 809.53 + 4 316.94 + 400.01 + 3 000 + 750.01           = 16 276.49
    # Carl   1 952.38 + 4 316.94 + 133.33                            =  6 402.65
    #                                                         Σ = 46 000.02
    assert person_totals(project) == {
        "Adam": kr("23 320.88"), "Bertil": kr("16 276.49"), "Carl": kr("6 402.65")}


def test_reciprok_cost_per_person_and_insats(scenario_1):
    project = scenario_1["reciprok"]
    # hem 13 973.68 by hours 10 : 20 : 5 is 399.248 per hour, exact to the öre:
    #   Adam 3 992.48, Bertil 7 984.96, Carl 1 996.24
    # boende 26 026.32 by days 41 : 10 : 10 (of 61):
    #   Adam 17 493.1003…, Bertil 4 266.6098…, Carl 4 266.6098…; the floors leave two öre
    #   (26 026.32 − 26 026.30), one each for Bertil and Carl (.98 öre > Adam's .03 öre)
    assert person_lines(project) == {
        ("Adam", "hemtjanst", "fordelad"): (10, kr("3 992.48")),
        ("Bertil", "hemtjanst", "fordelad"): (20, kr("7 984.96")),
        ("Carl", "hemtjanst", "fordelad"): (5, kr("1 996.24")),
        ("Adam", "boende", "fordelad"): (41, kr("17 493.10")),
        ("Bertil", "boende", "fordelad"): (10, kr("4 266.61")),
        ("Carl", "boende", "fordelad"): (10, kr("4 266.61")),
        **LINES_EITHER_METHOD,
    }
    # Adam   3 992.48 + 17 493.10 + 200.00 + 266.67 + 1 000 + 250.00 = 23 202.25
    # Bertil 7 984.96 + 4 266.61 + 400.01 + 3 000 + 750.01           = 16 401.59
    # Carl   1 996.24 + 4 266.61 + 133.33                            =  6 396.18
    #                                                         Σ = 46 000.02
    assert person_totals(project) == {
        "Adam": kr("23 202.25"), "Bertil": kr("16 401.59"), "Carl": kr("6 396.18")}


@pytest.mark.parametrize("metod", ["stegvis", "reciprok"])
def test_every_krona_of_the_ledger_ends_in_one_place(scenario_1, metod):
    # To persons: hem 7 000 + boende 20 000 + all overhead 13 000 + bou 1 000.01
    #   + hvbp 5 000.01 = 46 000.02 under either method.
    # 46 000.02 + rad 1 234.56 − fees 500.00 = 46 734.58 = the ledger total.
    assert reconciliation(scenario_1[metod]) == {
        ("Huvudbok totalt", None): kr("46 734.58"),
        ("Till brukare", None): kr("46 000.02"),
        ("Ej brukarrelaterat", "rad"): kr("1 234.56"),
        ("Exkluderat", "avg"): kr("-500.00"),
        ("Differens", None): 0,
    }


# ---------------------------------------------------------------- scenario 2

RULES_2 = """
ar = 2024
[insatser]
hemtjanst = { enhet = "timmar" }
boende    = { enhet = "dygn" }
hvb       = { enhet = "kronor" }

[[pool]]
namn = "hem"
ansvar = ["200"]
insats = "hemtjanst"

[[pool]]
namn = "boende"
ansvar = ["300"]
insats = "boende"

[[pool]]
namn = "hvbp"
typ = "direkt"
ansvar = ["630"]
insats = "hvb"
rest = "fordela"
"""

# hem 400.00 | boende 45 000.00 | hvbp 10 000.01; ledger total 55 400.01
LEDGER_2 = """period;konto;ansvar;belopp
202401;5010;200;400,00
202401;5010;300;45 000,00
202401;4610;630;10 000,01
"""

# Line 2 is where the test of the 2023 hour row puts that row.
AKTIVITET_2 = """person;insats;from;tom;timmar;utforare
811218-9876;hemtjanst;2024-06-01;;2;
701063-2391;hemtjanst;2024-06-01;;;
640823-3234;boende;2024-02-01;2024-02-29;;X
640823-3234;boende;2024-02-15;2024-03-15;;Y
811218-9876;boende;2024-12-31;;;
811218-9876;boende;2025-01-01;2025-02-01;;
"""
HOUR_ROW_DATED_2023 = "640823-3234;hemtjanst;2023-12-31;;2;\n"

DIREKT_2 = """person;insats;period;belopp
811218-9876;hvb;202402;4 000,00
701063-2391;hvb;202402;4 000,00
"""


def scenario_2_files(aktivitet: str = AKTIVITET_2) -> dict[str, str]:
    return {
        "kpb.toml": 'kommun = "Testby"\n',
        "regler/2024.toml": RULES_2,
        "data/2024/ledger/hb.csv": LEDGER_2,
        "data/2024/aktivitet/a.csv": aktivitet,
        "data/2024/direkt/d.csv": DIREKT_2,
    }


@pytest.fixture(scope="module")
def scenario_2(tmp_path_factory) -> Path:
    return computed(tmp_path_factory.mktemp("scenario2"), scenario_2_files())


def test_an_hour_row_dated_before_the_year_is_left_out_with_a_warning(tmp_path, scenario_2):
    header, rows = AKTIVITET_2.split("\n", 1)
    project = write_project(tmp_path, scenario_2_files(f"{header}\n{HOUR_ROW_DATED_2023}{rows}"))
    result = compute(project)
    assert result.exit_code == 0, result.output
    assert "data/2024/aktivitet/a.csv:2: varning: from:" in result.output
    assert "utanför verksamhetsåret 2024" in result.output
    assert "640823" not in result.output  # the message names no personnummer
    # the row adds nothing: every figure equals the scenario without it
    assert insats_table(project) == insats_table(scenario_2)
    manifest = json.loads((project / "ut/2024/manifest.json").read_text(encoding="utf-8"))
    assert manifest["varningar"]["per_slag"]["rader utanför verksamhetsåret"] == 1


def test_an_hour_row_dated_before_the_year_is_an_error_when_kpb_toml_says_so(tmp_path):
    header, rows = AKTIVITET_2.split("\n", 1)
    files = scenario_2_files(f"{header}\n{HOUR_ROW_DATED_2023}{rows}")
    project = write_project(tmp_path, files)
    settings = project / "kpb.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + '\n[kontroll]\nutanfor_aret = "fel"\n',
                        encoding="utf-8")
    result = compute(project)
    assert result.exit_code == 1
    assert "data/2024/aktivitet/a.csv:2: from:" in result.stderr
    assert "steget kontroll misslyckades" in result.stderr
    assert not (project / "ut" / "2024").exists() and not (project / "kpb.duckdb").exists()


def test_days_merge_across_utforare_and_stop_at_the_year_end(scenario_2):
    # Adam's stays at X (02-01..02-29) and Y (02-15..03-15) are one pool: merged to
    #   02-01..03-15 = 29 (2024 is a leap year) + 15 = 44 dygn.
    # Bertil: open from 12-31 = 1 dygn; 2025-01-01..2025-02-01 lies after the year = 0.
    # boende 45 000 / 45 dygn = 1 000 per dygn: Adam 44 000, Bertil 1 000 (no öre left).
    # hem 400 by hours: Bertil 2 h, Carl's row has no hours (a warning) = 0 h
    #   → 400 / 2 = 200 per hour: Bertil 400, Carl 0.
    assert insats_table(scenario_2)["boende"] == (45, kr("45 000.00"), kr("1 000.0000"))
    assert insats_table(scenario_2)["hemtjanst"] == (2, kr("400.00"), kr("200.0000"))
    lines = person_lines(scenario_2)
    assert lines[("Adam", "boende", "fordelad")] == (44, kr("44 000.00"))
    assert lines[("Bertil", "boende", "fordelad")] == (1, kr("1 000.00"))
    assert lines[("Bertil", "hemtjanst", "fordelad")] == (2, kr("400.00"))
    assert lines[("Carl", "hemtjanst", "fordelad")] == (0, kr("0.00"))


def test_a_direct_rest_tie_gives_the_last_ore_to_the_smaller_pseudonym(scenario_2):
    # hvbp: rest 10 000.01 − (4 000 + 4 000) = 2 000.01, spread 4 000 : 4 000 → 1 000.005
    # each; the floors 1 000.00 + 1 000.00 leave one öre and the two half öre tie, so it
    # goes to the smaller pseudonym, which with this key is Bertil's:
    bertil, carl = pseudonym("198112189876"), pseudonym("197010632391")
    assert bertil < carl
    lines = person_lines(scenario_2)
    assert lines[("Bertil", "hvb", "direkt")] == (4000, kr("4 000.00"))
    assert lines[("Carl", "hvb", "direkt")] == (4000, kr("4 000.00"))
    assert lines[("Bertil", "hvb", "fordelad")] == (0, kr("1 000.01"))
    assert lines[("Carl", "hvb", "fordelad")] == (0, kr("1 000.00"))


def test_scenario_2_persons_and_reconciliation(scenario_2):
    # Adam   44 000                                  = 44 000.00
    # Bertil 1 000 + 400 + 4 000 + 1 000.01          =  6 400.01
    # Carl   0 + 4 000 + 1 000.00                    =  5 000.00
    #                                            Σ = 55 400.01 = the ledger total
    assert person_totals(scenario_2) == {
        "Adam": kr("44 000.00"), "Bertil": kr("6 400.01"), "Carl": kr("5 000.00")}
    assert len(person_lines(scenario_2)) == 8  # the lines checked above, nothing more
    assert reconciliation(scenario_2) == {
        ("Huvudbok totalt", None): kr("55 400.01"),
        ("Till brukare", None): kr("55 400.01"),
        ("Differens", None): 0,
    }
