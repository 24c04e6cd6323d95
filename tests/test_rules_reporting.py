"""Rules keys that move no krona: rapportvolym on a pool with a volume, [ytterfall] per område."""

from decimal import Decimal

import pytest

from kpb.errors import KpbError
from kpb.rules import parse_rules

BASE = """
ar = 2024
[insatser]
hvb = { enhet = "kronor", omrade = "BUF" }
[[pool]]
namn = "hvb"
typ = "direkt"
ansvar = ["630"]
insats = "hvb"
"""


def problems(text: str) -> list[str]:
    with pytest.raises(KpbError) as failure:
        parse_rules(text, 2024, "regler/2024.toml")
    return [str(p) for p in failure.value.problems]


def test_reporting_volume_is_read():
    rules = parse_rules(BASE + 'rapportvolym = { aktivitet = "hvb_placering", namn = "vårddygn" }',
                        2024, "regler/2024.toml")
    volume = rules.pool("hvb").rapportvolym
    assert (volume.aktivitet, volume.enhet, volume.namn) == ("hvb_placering", "dygn", "vårddygn")


def test_reporting_volume_errors_name_the_key():
    found = problems(BASE + 'rapportvolym = { aktivitet = "", enhet = "veckor", farg = 1 }')
    assert any("pool[1] (hvb).rapportvolym.aktivitet: saknas" in p for p in found)
    assert any("pool[1] (hvb).rapportvolym.farg: okänd nyckel" in p for p in found)


def test_reporting_volume_on_every_pool_with_a_volume():
    """An operating pool of one insats may name a report volume (hemtjänst per beviljad
    timme beside utförd); a pool without a volume of its own may not."""
    text = BASE.replace('typ = "direkt"', 'typ = "verksamhet"')
    rules = parse_rules(text + 'rapportvolym = { aktivitet = "x", enhet = "timmar" }', 2024,
                        "regler/2024.toml")
    assert rules.pool("hvb").rapportvolym.enhet == "timmar"
    for typ in ("gemensam", "ej_brukar", "exkludera"):
        found = problems(BASE.replace('typ = "direkt"', f'typ = "{typ}"').replace(
            'insats = "hvb"\n', "") + 'rapportvolym = { aktivitet = "x" }')
        assert any(f"rapportvolym: okänd nyckel för en pool av typ {typ}" in p for p in found)


def test_ytterfall_rules_are_read():
    text = BASE.replace('[[pool]]', 'eb = { enhet = "kronor", omrade = "EB" }\n[[pool]]', 1)
    rules = parse_rules(text + '[ytterfall]\nstandard = { multipel_median = 5 }\n'
                        'BUF = { belopp = 1_000_000, index = 1.04 }\nEB = { percentil = 97.5 }\n',
                        2024, "regler/2024.toml")
    by_area = {r.omrade: r for r in rules.ytterfall}
    assert by_area["BUF"].value * by_area["BUF"].index == Decimal("1040000.00")
    assert by_area["EB"].definition == "årskostnad minst områdets 97,5:e percentil"
    assert by_area["standard"].kind == "multipel_median"


@pytest.mark.parametrize("rule, message", [
    ("BUF = { belopp = 1, percentil = 90 }", "ytterfall.BUF: fann 2 regler"),
    ("BUF = { percentil = 100 }", "ytterfall.BUF.percentil: fann 100, väntade ett tal mellan"),
    ("BUF = { percentil = 90, index = 1.1 }", "ytterfall.BUF.index: index räknar bara upp"),
    ("BUF = { belopp = -5 }", "ytterfall.BUF.belopp: fann -5, väntade ett positivt tal"),
    ("BUF = 5", "ytterfall.BUF: väntade en av"),
])
def test_bad_ytterfall_rules_are_errors(rule, message):
    assert any(message in p for p in problems(BASE + "[ytterfall]\n" + rule + "\n"))


def test_ytterfall_area_must_be_known():
    found = problems(BASE + "[ytterfall]\nBUFF = { percentil = 90 }\n")
    assert any("ytterfall.BUFF: okänt område 'BUFF': väntade standard eller ett område från "
               "[insatser] (BUF)" in p for p in found)


def test_regi_is_egen_or_extern():
    rules = parse_rules(BASE + 'regi = "extern"\n', 2024, "regler/2024.toml")
    assert rules.pool("hvb").regi == "extern"
    found = problems(BASE + 'regi = "privat"\n')
    assert any("pool[1] (hvb).regi: fann 'privat', väntade \"egen\" eller \"extern\"" in p
               for p in found)
