"""allocate() on small municipalities built inline: each rule of formats.md §3-4 pinned down."""

import datetime as dt

import pytest

from kpb.allocate import allocate
from kpb.allocate.inputs import input_tables
from kpb.errors import KpbError
from kpb.rules import parse_rules

D = dt.date
HEAD = """
ar = 2024
[insatser]
hemtjanst = { enhet = "timmar", omrade = "ÄO" }
sabo = { enhet = "dygn", omrade = "ÄO" }
larm = { enhet = "manader", omrade = "ÄO" }
hvb = { enhet = "kronor", omrade = "BUF" }
utredning = { enhet = "antal", omrade = "BUF" }
"""


def run(rules_text, **rows):
    rules = parse_rules(HEAD + rules_text, 2024, "regler/2024.toml")
    return allocate(input_tables(**rows), rules, 2024)


def cost(ansvar, ore, konto="5010"):
    return {"konto": konto, "ansvar": ansvar, "belopp_ore": ore}


def pool(namn, ansvar, extra=""):
    return f'\n[[pool]]\nnamn = "{namn}"\nansvar = ["{ansvar}"]\n{extra}\n'


def per_person(result):
    return dict(result.brukare.select("person_id", "kostnad_ore").iter_rows())


def reconciliation(result):
    return {(post, p, o): b for post, p, o, b in result.avstamning.iter_rows()}


def test_unmatched_ledger_rows_are_one_error_per_dimension_combination():
    with pytest.raises(KpbError) as raised:
        run(pool("norr", "200", 'insats = "hemtjanst"'),
            ledger=[cost("200", 100), cost("999", 150), cost("999", 250), cost("998", 1, konto="4610")])
    errors = raised.value.errors
    assert [(e.line, e.message.split(" (")[0]) for e in errors] == [
        (3, "ingen pool matchar konto '5010', ansvar '999', verksamhet ''"),
        (5, "ingen pool matchar konto '4610', ansvar '998', verksamhet ''")]
    assert "2 rader, summa 4,00 kr" in errors[0].message


def test_ledger_rows_go_to_the_first_matching_pool_with_its_rule():
    result = run(pool("avg", "200", 'typ = "exkludera"\norsak = "avgifter"\nkonto = ["31*"]')
                 + pool("norr", "200-249", 'insats = "hemtjanst"'),
                 ledger=[cost("200", -700, konto="3110"), cost("201", 1000)],
                 aktivitet=[{"person_id": "A", "insats": "hemtjanst", "from": D(2024, 1, 2), "timmar_milli": 1}])
    assert result.ledger_pool.select("kalla_rad", "pool", "regel").rows() == [
        (2, "avg", "pool[1] avg: konto 31*; ansvar 200"), (3, "norr", "pool[2] norr: ansvar 200-249")]
    assert reconciliation(result)[("Exkluderat", "avg", "avgifter")] == -700


def test_days_are_clipped_to_the_year_and_overlaps_counted_once():
    result = run(pool("sabo", "300", 'insats = "sabo"'), ledger=[cost("300", 1_000_000)], aktivitet=[
        {"person_id": "A", "insats": "sabo", "from": D(2024, 1, 1), "tom": D(2024, 1, 10)},
        {"person_id": "A", "insats": "sabo", "from": D(2024, 1, 5), "tom": D(2024, 1, 20)},   # overlap
        {"person_id": "A", "insats": "sabo", "from": D(2024, 1, 21), "tom": D(2024, 1, 31)},  # adjacent
        {"person_id": "A", "insats": "sabo", "from": D(2024, 1, 2), "tom": D(2024, 1, 3)},    # inside
        {"person_id": "B", "insats": "sabo", "from": D(2024, 12, 30)},                        # open: 2 days
        {"person_id": "C", "insats": "sabo", "from": D(2023, 1, 1), "tom": D(2023, 12, 31)}])  # last year
    volumes = dict(result.brukare_insats.select("person_id", "volym_milli").iter_rows())
    assert volumes == {"A": 31_000, "B": 2_000}
    assert per_person(result) == {"A": 939_394, "B": 60_606}  # 1 000 000 × 31/33, × 2/33


def test_months_count_distinct_calendar_months_touched():
    result = run(pool("larm", "400", 'insats = "larm"'), ledger=[cost("400", 1300)], aktivitet=[
        {"person_id": "A", "insats": "larm", "from": D(2024, 1, 31), "tom": D(2024, 2, 1)},
        {"person_id": "A", "insats": "larm", "from": D(2024, 2, 10), "tom": D(2024, 3, 1)},
        {"person_id": "B", "insats": "larm", "from": D(2023, 5, 1), "tom": D(2024, 8, 31)}])
    volumes = dict(result.brukare_insats.select("person_id", "volym_milli").iter_rows())
    assert volumes == {"A": 3_000, "B": 8_000}
    assert per_person(result) == {"A": 355, "B": 945}  # 1300 × 3/11 = 354.5 -> tie broken by name


def test_cost_without_volume_is_an_unallocated_line_not_an_error():
    result = run(pool("norr", "200", 'insats = "hemtjanst"') + pool("bou", "610", 'insats = "utredning"'),
                 ledger=[cost("200", 5000), cost("610", 777)],
                 aktivitet=[{"person_id": "A", "insats": "hemtjanst", "from": D(2024, 2, 1), "timmar_milli": 2500},
                            {"person_id": "A", "insats": "sabo", "from": D(2024, 2, 1)}])
    lines = reconciliation(result)
    assert lines[("Ofördelat", "bou", "ingen volym för insats utredning")] == 777
    assert lines[("Till brukare", None, None)] == 5000 and lines[("Differens", None, None)] == 0
    assert column_of(result.pool, "ofordelat_ore") == {"norr": 0, "bou": 777}
    assert sorted((w.kind, w.message.split(" hör")[0]) for w in result.warnings) == [
        ("kostnad utan volym", "insats 'utredning' har kostnad 7,77 kr men ingen volym i "
                               "aktivitetsdata: beloppet redovisas som ofördelat"),
        ("rader som ingen pool använder", "1 aktivitetsrader med insats 'sabo'")]


def column_of(frame, name):
    return dict(frame.select("pool", name).iter_rows())


DIRECT = pool("hvb", "630", 'typ = "direkt"\ninsats = "hvb"\nrest = "{rest}"')
PLACEMENTS = [{"person_id": "A", "insats": "hvb", "period": 202403, "belopp_ore": 30_000},
              {"person_id": "A", "insats": "hvb", "period": 202404, "belopp_ore": 30_000},
              {"person_id": "B", "insats": "hvb", "period": 202403, "belopp_ore": 20_000}]


def test_direct_pool_reports_its_rest():
    result = run(DIRECT.replace("{rest}", "redovisa"), ledger=[cost("630", 100_001)], direkt=PLACEMENTS)
    assert per_person(result) == {"A": 60_000, "B": 20_000}
    assert reconciliation(result)[("Ofördelat", "hvb", "rest i direktpool, insats hvb (redovisas)")] == 20_001
    assert result.direkt_avstamning.select("pool", "att_fordela_ore", "direkt_ore", "rest_ore").rows() == [
        ("hvb", 100_001, 80_000, 20_001)]


def test_direct_pool_spreads_its_rest_in_proportion_to_direct_amounts():
    result = run(DIRECT.replace("{rest}", "fordela"), ledger=[cost("630", 100_001)], direkt=PLACEMENTS)
    rows = result.brukare_insats.select("person_id", "kalla", "kostnad_ore").rows()
    assert rows == [("A", "direkt", 60_000), ("A", "fordelad", 15_001), ("B", "direkt", 20_000),
                    ("B", "fordelad", 5_000)]
    assert reconciliation(result)[("Differens", None, None)] == 0
    assert not any(post == "Ofördelat" for post, *_ in result.avstamning.iter_rows())


def test_overhead_by_personnel_cost_and_key_file_restricted_to_named_receivers():
    rules = (pool("norr", "200", 'insats = "hemtjanst"\nutforare = ["N"]')
             + pool("soder", "210", 'insats = "hemtjanst"\nutforare = ["S"]')
             + pool("ledning", "100", 'typ = "gemensam"\nnyckel = { personalkostnad = ["5*"] }')
             + pool("lokal", "110", 'typ = "gemensam"\nnyckel = { fil = "yta" }\nmottagare = ["soder"]'))
    result = run(rules, ledger=[cost("200", 3000), cost("200", 999, konto="6110"), cost("210", 1000),
                                cost("100", 400), cost("110", 50)],
                 nycklar=[{"nyckel": "yta", "mottagare": "norr", "varde": "5"},
                          {"nyckel": "yta", "mottagare": "soder", "varde": "1.5"}],
                 aktivitet=[{"person_id": "A", "insats": "hemtjanst", "from": D(2024, 2, 1), "timmar_milli": 1000, "utforare": "N"},
                            {"person_id": "B", "insats": "hemtjanst", "from": D(2024, 2, 1), "timmar_milli": 1000, "utforare": "S"}])
    assert result.fordelning.rows() == [("ledning", "norr", "30.00", 300), ("ledning", "soder", "10.00", 100),
                                        ("lokal", "soder", "1.5", 50)]
    assert per_person(result) == {"A": 4299, "B": 1150}


def test_brukare_main_area_and_insats_combination():
    rules = pool("norr", "200", 'insats = "hemtjanst"') + pool("bou", "610", 'insats = "utredning"')
    result = run(rules, ledger=[cost("200", 500), cost("610", 1000)],
                 aktivitet=[{"person_id": "A", "insats": "hemtjanst", "from": D(2024, 2, 1), "timmar_milli": 1000},
                            {"person_id": "A", "insats": "utredning", "from": D(2024, 3, 1)},
                            {"person_id": "B", "insats": "hemtjanst", "from": D(2024, 2, 1), "timmar_milli": 1000}],
                 person=[{"person_id": "A", "kon": "K", "alder": 15, "aldersgrupp": "0-19"}])
    assert result.brukare.rows() == [("A", "K", 15, "0-19", "BUF", 1250, 2, "hemtjanst+utredning"),
                                     ("B", "", None, "okänd", "ÄO", 250, 1, "hemtjanst")]
    assert result.insats.select("insats", "antal_brukare", "styckkostnad").rows() == [
        ("hemtjanst", 2, "2.5000"), ("utredning", 1, "10.0000")]


def test_key_weights_summing_to_zero_stop_the_allocation():
    rules = pool("norr", "200", 'insats = "hemtjanst"') + pool("lokal", "110", 'typ = "gemensam"\nnyckel = { fil = "yta" }')
    with pytest.raises(KpbError) as raised:
        run(rules, ledger=[cost("200", 10), cost("110", 10)],
            nycklar=[{"nyckel": "yta", "mottagare": "norr", "varde": "0"}])
    assert raised.value.stage == "kontroll"
    assert "summerar till 0" in raised.value.errors[0].message


def test_volume_in_a_pool_without_cost_is_a_warning_and_progress_is_told():
    told = []
    rules = parse_rules(HEAD + pool("norr", "200", 'insats = "hemtjanst"') + pool("bou", "610", 'insats = "utredning"'),
                        2024, "regler/2024.toml")
    tables = input_tables(ledger=[cost("200", 100), cost("610", 50), cost("610", -50)],
                          aktivitet=[{"person_id": "A", "insats": "utredning", "from": D(2024, 3, 1)},
                                     {"person_id": "A", "insats": "hemtjanst", "from": D(2024, 3, 1), "timmar_milli": 5}])
    result = allocate(tables, rules, 2024, progress=told.append)
    assert [(w.column, w.kind, w.is_error) for w in result.warnings] == [
        ("pool bou", "volym utan kostnad", False)]
    assert "Kostnad per brukare ..." in told
    assert set(result.timings) >= {"overhead", "person_rows", "insats", "avstamning"}
