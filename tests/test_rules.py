"""Reading regler/<year>.toml: a valid file becomes a model; every problem is reported at once."""

from fractions import Fraction

import polars as pl
import pytest

from kpb.allocate.inputs import input_table
from kpb.errors import KpbError
from kpb.rules import parse_rules, read_rules, validate_against_data
from kpb.rules.patterns import parse_pattern, pattern_expr

HEAD = """
ar = 2024
[insatser]
hemtjanst = { enhet = "timmar", omrade = "ÄO" }
hvb = { enhet = "kronor", omrade = "BUF" }
utredning = { enhet = "antal" }
uppfoljning = { enhet = "manader" }
"""
NORR = """
[[pool]]
namn = "norr"
ansvar = ["200-249"]
insats = "hemtjanst"
"""


def problems(text, year=2024):
    with pytest.raises(KpbError) as raised:
        parse_rules(text, year, "regler/2024.toml")
    assert raised.value.stage == "regler"
    return [(p.column, p.message) for p in raised.value.errors]


def columns(text):
    return sorted(c for c, _ in problems(text))


def test_valid_rules_become_a_frozen_model_with_exact_shares():
    rules = parse_rules(HEAD + NORR + """
[[pool]]
namn = "ledning"
typ = "gemensam"
ansvar = ["100"]
nyckel = { andelar = { norr = 0.7, bou = 0.3 } }
[[pool]]
namn = "bou"
konto = ["61*"]
fordelning = [ { insats = "utredning", andel = 0.6 }, { insats = "uppfoljning", andel = 0.4 } ]
""", 2024, "regler/2024.toml")
    assert [p.namn for p in rules.pools] == ["norr", "ledning", "bou"]
    assert rules.metod == "stegvis"
    assert [s.varde for s in rules.pool("ledning").nyckel.andelar] == [Fraction(7, 10), Fraction(3, 10)]
    assert rules.pool("bou").fordelning == (("utredning", Fraction(3, 5)), ("uppfoljning", Fraction(2, 5)))
    assert rules.pool("norr").regel == "pool[1] norr: ansvar 200-249"
    with pytest.raises(AttributeError):
        rules.metod = "reciprok"


def test_all_problems_are_reported_together_with_their_toml_path():
    found = problems("""
ar = 2023
okand = 1
[insatser]
x = { enhet = "veckor" }
[[pool]]
namn = "avg"
typ = "exkludera"
konto = ["31*"]
[[pool]]
namn = "norr"
ansvar = ["200"]
insats = "saknas"
""")
    assert [c for c, _ in found] == ["ar", "insatser.x.enhet", "okand", "pool[1] (avg).orsak",
                                     "pool[2] (norr).insats"]
    assert "väntade 2024" in found[0][1] and "timmar" in found[1][1]


def test_unknown_pool_keys_and_types():
    assert columns(HEAD + NORR.replace('insats = "hemtjanst"', 'insats = "hemtjanst"\nnyckel = { fil = "x" }')) \
        == ["pool[1] (norr).nyckel"]
    assert columns(HEAD + NORR.replace('namn = "norr"', 'namn = "norr"\ntyp = "overhead"')) == ["pool[1] (norr).typ"]


def test_shares_must_sum_to_exactly_one():
    text = HEAD + NORR + """
[[pool]]
namn = "ledning"
typ = "gemensam"
ansvar = ["100"]
nyckel = { andelar = { norr = 0.7, bou = 0.2 } }
[[pool]]
namn = "bou"
konto = ["61*"]
fordelning = [ { insats = "utredning", andel = 0.6 }, { insats = "uppfoljning", andel = 0.41 } ]
"""
    found = dict(problems(text))
    assert "summerar till 0.9" in found["pool[2] (ledning).nyckel.andelar"]
    assert "väntade exakt 1" in found["pool[3] (bou).fordelning"]


@pytest.mark.parametrize("receivers, message", [
    ("{ norr = 0.5, ledning = 0.5 }", "sig själv"),
    ("{ norr = 0.5, finns_inte = 0.5 }", "okänd mottagare"),
    ("{ norr = 0.5, avg = 0.5 }", "exkludera"),
    ("{ norr = 0.5, rad = 0.5 }", "ej_brukar"),
])
def test_receivers_must_be_operating_or_overhead_pools(receivers, message):
    text = HEAD + NORR + f"""
[[pool]]
namn = "ledning"
typ = "gemensam"
ansvar = ["100"]
nyckel = {{ andelar = {receivers} }}
[[pool]]
namn = "avg"
typ = "exkludera"
orsak = "avgifter"
konto = ["31*"]
[[pool]]
namn = "rad"
typ = "ej_brukar"
ansvar = ["900"]
"""
    assert any(message in m for c, m in problems(text) if c == "pool[2] (ledning).nyckel.andelar")


STEPDOWN_BACK = HEAD + NORR + """
[[pool]]
namn = "ledning"
typ = "gemensam"
ansvar = ["100"]
nyckel = { andelar = { norr = 1 } }
[[pool]]
namn = "it"
typ = "gemensam"
ansvar = ["110"]
nyckel = { andelar = { ledning = 1 } }
"""


def test_stepdown_pool_sending_only_to_earlier_overhead_is_an_error():
    assert any("redan har fördelat" in m for _, m in problems(STEPDOWN_BACK))


def test_stepdown_share_back_to_an_already_distributed_pool_is_an_error():
    partly_back = STEPDOWN_BACK.replace("{ ledning = 1 }", "{ ledning = 0.25, norr = 0.75 }")
    assert problems(partly_back) == [(
        "pool[3] (it).nyckel.andelar",
        "mottagaren 'ledning' är en gemensam pool som redan har fördelat (stegvis fördelar i "
        "filens ordning), så dess andel skulle tyst gå till de andra: väntade att 'ledning' "
        "står efter 'it' i filen, att mottagaren tas bort, eller metod = \"reciprok\"")]
    parse_rules(partly_back + '[gemensamma]\nmetod = "reciprok"', 2024, "r")


def test_reciprocal_accepts_sending_back_but_not_a_closed_ring():
    parse_rules(STEPDOWN_BACK + '[gemensamma]\nmetod = "reciprok"', 2024, "r")
    ring = STEPDOWN_BACK.replace("{ norr = 1 }", "{ it = 1 }") + '[gemensamma]\nmetod = "reciprok"'
    assert any("når aldrig" in m for _, m in problems(ring))


def test_direct_pool_needs_a_kronor_insats_and_operating_pool_an_insats():
    text = HEAD + """
[[pool]]
namn = "hvb"
typ = "direkt"
ansvar = ["630"]
insats = "hemtjanst"
rest = "sprid"
[[pool]]
namn = "norr"
ansvar = ["200"]
"""
    assert columns(text) == ["pool[1] (hvb).insats", "pool[1] (hvb).rest", "pool[2] (norr)"]


def test_bad_patterns_are_reported():
    found = problems(HEAD + NORR.replace('["200-249"]', '["249-200", "2*0", "20-249", "200"]'))
    assert [c for c, _ in found] == ["pool[1] (norr).ansvar"] * 3
    assert sorted(m.split(",")[0] for _, m in found) == [
        "fann '2*0'", "fann intervallet '20-249'", "fann intervallet '249-200'"]


def test_a_pool_that_can_never_match_is_a_warning():
    rules = parse_rules(HEAD + NORR + NORR.replace('"norr"', '"norr2"').replace('"200-249"', '"210"'),
                        2024, "regler/2024.toml")
    assert [(w.column, w.is_error) for w in rules.warnings] == [("pool[2] (norr2)", False)]


@pytest.mark.parametrize("pattern, value, matches", [
    ("610", "610", True), ("610", "6100", False), ("61*", "6123", True), ("61*", "62", False),
    ("4000-4999", "45701", True), ("4000-4999", "45", False), ("4000-4999", "5000", False),
    ("200-249", "249", True), ("200-249", "250", False), ("*", "", True),
])
def test_patterns_match_exact_prefix_and_leading_digit_ranges(pattern, value, matches):
    frame = pl.DataFrame({"ansvar": [value]})
    assert frame.select(pattern_expr("ansvar", parse_pattern(pattern)))[0, 0] is matches


def test_read_rules_names_the_file_as_the_user_knows_it(tmp_path):
    path = tmp_path / "2024.toml"
    path.write_text(HEAD.replace("2024", "2022") + NORR, encoding="utf-8")
    with pytest.raises(KpbError) as raised:
        read_rules(path, 2024)
    assert str(raised.value.errors[0]).startswith("regler/2024.toml: ar: fann 2022")


KEYED = HEAD + NORR + """
[[pool]]
namn = "soder"
ansvar = ["300"]
insats = "hemtjanst"
[[pool]]
namn = "lokal"
typ = "gemensam"
ansvar = ["110"]
nyckel = { fil = "yta" }
[[pool]]
namn = "personal"
typ = "gemensam"
ansvar = ["120"]
nyckel = { personalkostnad = ["5*"] }
"""


def test_data_checks_find_missing_keys_unknown_receivers_and_zero_weights():
    rules = parse_rules(KEYED, 2024, "regler/2024.toml")
    nycklar = input_table("nycklar", [{"nyckel": "yta", "mottagare": "norr", "varde": "0"},
                                      {"nyckel": "yta", "mottagare": "vast", "varde": "10"}])
    ledger = input_table("ledger", [{"konto": "6110", "ansvar": "200", "belopp_ore": 500}])
    found = {(p.column, p.message.split(":")[0]) for p in validate_against_data(rules, nycklar, ledger)}
    assert ("pool[3] (lokal).nyckel.fil", "okänd mottagare 'vast'") in found
    assert ("pool[4] (personal).nyckel", "nyckelns vikter summerar till 0 över mottagarna") in found


def test_data_checks_pass_on_good_data():
    rules = parse_rules(KEYED, 2024, "regler/2024.toml")
    nycklar = input_table("nycklar", [{"nyckel": "yta", "mottagare": "norr", "varde": "12.5"},
                                      {"nyckel": "yta", "mottagare": "soder", "varde": "10"}])
    ledger = input_table("ledger", [{"konto": "5010", "ansvar": "200", "belopp_ore": 500}])
    assert validate_against_data(rules, nycklar, ledger) == []
