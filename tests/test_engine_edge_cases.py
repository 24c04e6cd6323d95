"""The engine at its edges, each pinned down: direct rows counted once, hour and count
rows inside the year, hour rows without hours told, empty pattern lists refused, direct
rests that cannot be spread in proportion reported."""

import dataclasses
import datetime as dt

import pytest

from kpb.allocate import allocate
from kpb.allocate.inputs import input_tables
from kpb.errors import InternalError, KpbError
from kpb.project import KontrollSettings
from kpb.rules import parse_rules

D = dt.date
HEAD = """
ar = 2024
[insatser]
hemtjanst = { enhet = "timmar" }
utredning = { enhet = "antal" }
sabo = { enhet = "dygn" }
hvb = { enhet = "kronor" }
"""


def rules_of(text):
    return parse_rules(HEAD + text, 2024, "regler/2024.toml")


def rule_problems(text):
    with pytest.raises(KpbError) as raised:
        rules_of(text)
    return [(p.column, p.message) for p in raised.value.errors]


def direct_pool(namn, ansvar, utforare=None, rest="redovisa"):
    chosen = f"utforare = {utforare}\n" if utforare is not None else ""
    return (f'[[pool]]\nnamn = "{namn}"\ntyp = "direkt"\nansvar = ["{ansvar}"]\n'
            f'insats = "hvb"\nrest = "{rest}"\n{chosen}')


def cost(ansvar, ore):
    return {"konto": "5010", "ansvar": ansvar, "belopp_ore": ore}


def placement(person, ore, utforare=""):
    return {"person_id": person, "insats": "hvb", "period": 202403, "belopp_ore": ore, "utforare": utforare}


# 1. A direkt row feeds one direct pool at most.

@pytest.mark.parametrize("first, second", [(None, None), ('["A", "B"]', '["B"]'), ('["A"]', None)])
def test_two_direct_pools_that_could_take_the_same_rows_are_a_rules_error(first, second):
    found = rule_problems(direct_pool("hvb_a", "630", first) + direct_pool("hvb_b", "640", second))
    assert [c for c, _ in found] == ["pool[2] (hvb_b).utforare"]
    assert "pool[1] (hvb_a)" in found[0][1] and "'hvb'" in found[0][1]


def test_direct_pools_with_disjoint_providers_share_an_insats():
    rules = rules_of(direct_pool("hvb_a", "630", '["A"]') + direct_pool("hvb_b", "640", '["B"]'))
    tables = input_tables(ledger=[cost("630", 1000), cost("640", 500)],
                          direkt=[placement("P", 1000, "A"), placement("Q", 400, "B")])
    persons = allocate(tables, rules, 2024).brukare_insats.filter(kalla="direkt")
    assert persons.select("person_id", "pool", "kostnad_ore").rows() == [("P", "hvb_a", 1000), ("Q", "hvb_b", 400)]


def test_engine_refuses_to_place_one_direkt_row_twice():
    """Rules that slipped past validation (built in code) must not double a direct amount."""
    valid = rules_of(direct_pool("hvb_a", "630", '["A"]') + direct_pool("hvb_b", "640", '["B"]'))
    overlapping = dataclasses.replace(valid, pools=tuple(dataclasses.replace(p, utforare=()) for p in valid.pools))
    tables = input_tables(ledger=[cost("630", 100_000), cost("640", 50_000)], direkt=[placement("P", 100_000)])
    with pytest.raises(InternalError) as raised:
        allocate(tables, overlapping, 2024)
    assert raised.value.step == "fördelning"
    assert "direktbeloppen går inte ihop" in str(raised.value)


# 2. Hours and counts are counted on the activity's date, which must be inside the year.

def activity(insats, day, fil="data/2024/aktivitet/a.csv", rad=2, timmar_milli=1000, person="P"):
    return {"person_id": person, "insats": insats, "from": day, "timmar_milli": timmar_milli,
            "kalla_fil": fil, "kalla_rad": rad}


VOLUME_POOLS = """
[[pool]]
namn = "hemtjanst"
ansvar = ["200"]
insats = "hemtjanst"
[[pool]]
namn = "bou"
ansvar = ["610"]
insats = "utredning"
[[pool]]
namn = "sabo"
ansvar = ["300"]
insats = "sabo"
"""


def run_volumes(aktivitet, settings=None):
    tables = input_tables(ledger=[cost("200", 1000), cost("610", 1000), cost("300", 1000)], aktivitet=aktivitet)
    return allocate(tables, rules_of(VOLUME_POOLS), 2024, settings=settings)


OUTSIDE_THE_YEAR = [activity("hemtjanst", D(2024, 6, 1), rad=2),
                    activity("hemtjanst", D(2023, 12, 31), rad=3, timmar_milli=1500),
                    activity("hemtjanst", D(2025, 1, 1), rad=5),
                    activity("hemtjanst", D(2023, 1, 1), fil="data/2024/aktivitet/b.csv", rad=7),
                    activity("utredning", D(2025, 2, 1), rad=4),
                    {"person_id": "P", "insats": "sabo", "from": D(2024, 1, 1)}]


def test_hour_and_count_rows_outside_the_year_are_left_out_with_one_warning_per_file():
    result = run_volumes(OUTSIDE_THE_YEAR)
    told = [(w.file, w.line, w.column, w.message, w.is_error) for w in result.warnings]
    assert told == [
        ("data/2024/aktivitet/a.csv", 3, "from", "2 rader (2,5 timmar) med datum utanför "
         "verksamhetsåret 2024 för insats 'hemtjanst': timmar räknas på aktivitetens datum, de "
         "räknas inte i årets volymer", False),
        ("data/2024/aktivitet/a.csv", 4, "from", "1 rader (1 st) med datum utanför verksamhetsåret "
         "2024 för insats 'utredning': antal räknas på aktivitetens datum, de räknas inte i årets "
         "volymer", False),
        ("data/2024/aktivitet/b.csv", 7, "from", "1 rader (1 timmar) med datum utanför "
         "verksamhetsåret 2024 för insats 'hemtjanst': timmar räknas på aktivitetens datum, de "
         "räknas inte i årets volymer", False),
        ("regler/2024.toml", None, "pool bou", "insats 'utredning' har kostnad 10,00 kr men ingen "
         "volym i aktivitetsdata: beloppet redovisas som ofördelat", False)]
    volumes = dict(result.brukare_insats.select("insats", "volym_milli").iter_rows())
    assert volumes == {"hemtjanst": 1000, "sabo": 366_000}  # hours: only the row of 2024-06-01


def test_rows_outside_the_year_are_errors_when_the_project_says_so():
    with pytest.raises(KpbError) as raised:
        run_volumes(OUTSIDE_THE_YEAR, KontrollSettings(utanfor_aret="fel"))
    assert raised.value.stage == "kontroll"
    assert [(p.file, p.line) for p in raised.value.errors] == [
        ("data/2024/aktivitet/a.csv", 3), ("data/2024/aktivitet/a.csv", 4),
        ("data/2024/aktivitet/b.csv", 7)]
    assert "väntade datum inom året" in raised.value.errors[0].message


def test_ranges_still_clip_to_the_year():
    result = run_volumes([activity("hemtjanst", D(2024, 1, 1)), activity("utredning", D(2024, 12, 31)),
                          {"person_id": "P", "insats": "sabo", "from": D(2023, 12, 1), "tom": D(2024, 1, 3)}])
    volumes = dict(result.brukare_insats.select("insats", "volym_milli").iter_rows())
    assert volumes == {"hemtjanst": 1000, "utredning": 1000, "sabo": 3000}


# 3. An hour row without hours counts as 0 hours, and the user is told.

def test_hour_rows_without_hours_are_a_warning_per_file():
    result = run_volumes([activity("hemtjanst", D(2024, 3, 1), rad=2, timmar_milli=2000),
                          activity("hemtjanst", D(2024, 3, 2), rad=4, timmar_milli=None),
                          activity("hemtjanst", D(2024, 3, 3), rad=6, timmar_milli=None, person="Q"),
                          activity("utredning", D(2024, 3, 3), rad=8, timmar_milli=None)])
    told = [(w.file, w.line, w.column, w.message, w.is_error) for w in result.warnings]
    assert told == [("data/2024/aktivitet/a.csv", 4, "timmar",
                     "2 rader för insats 'hemtjanst' (enhet timmar) saknar timmar och räknas som 0 timmar",
                     False),
                    ("regler/2024.toml", None, "pool sabo", "insats 'sabo' har kostnad 10,00 kr men "
                     "ingen volym i aktivitetsdata: beloppet redovisas som ofördelat", False)]
    assert dict(result.brukare.select("person_id", "kostnad_ore").iter_rows()) == {"P": 2000, "Q": 0}


# 4. An empty pattern list selects nothing and is refused with its TOML path.

@pytest.mark.parametrize("field, where", [
    ('konto = []\nansvar = ["200"]', "pool[1] (norr).konto"),
    ('ansvar = []', "pool[1] (norr).ansvar"),
])
def test_an_empty_pattern_list_is_a_rules_error(field, where):
    found = rule_problems(f'[[pool]]\nnamn = "norr"\ninsats = "hemtjanst"\n{field}\n')
    assert [c for c, _ in found] == [where]
    assert "tom lista" in found[0][1]


def test_an_empty_account_list_in_a_cost_key_is_one_error():
    found = rule_problems('[[pool]]\nnamn = "norr"\ninsats = "hemtjanst"\nansvar = ["200"]\n'
                          '[[pool]]\nnamn = "adm"\ntyp = "gemensam"\nansvar = ["100"]\n'
                          'nyckel = { personalkostnad = [] }\n')
    assert [c for c, _ in found] == ["pool[2] (adm).nyckel.personalkostnad"]


# 5. A direct rest is spread in proportion to the direct amounts only when they sum above 0.

def run_rest(amounts):
    rules = rules_of(direct_pool("hvb", "630", rest="fordela"))
    tables = input_tables(ledger=[cost("630", 10_000)],
                          direkt=[placement(p, a) for p, a in zip("PQR", amounts)])
    return allocate(tables, rules, 2024)


@pytest.mark.parametrize("amounts", [[3000, -5000], [4000, -4000]])
def test_a_rest_over_direct_amounts_summing_to_zero_or_less_is_unallocated(amounts):
    result = run_rest(amounts)
    assert result.brukare_insats.filter(kalla="fordelad").is_empty()
    lines = {(post, orsak): b for post, _, orsak, b in result.avstamning.iter_rows()}
    rest = 10_000 - sum(amounts)
    assert lines[("Ofördelat", "rest i direktpool, direkta belopp för insats hvb summerar till 0 "
                  "eller mindre och kan inte fördelas i proportion")] == rest


def test_a_rest_over_mixed_sign_direct_amounts_summing_above_zero_is_spread_exactly():
    result = run_rest([3000, -1000, 2000])  # rest 6000 in proportion 3 : -1 : 2
    spread = dict(result.brukare_insats.filter(kalla="fordelad").select("person_id", "kostnad_ore").iter_rows())
    assert spread == {"P": 4500, "Q": -1500, "R": 3000}
