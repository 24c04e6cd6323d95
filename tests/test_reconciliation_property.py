"""Random small municipalities always reconcile to the öre through allocate()."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from kpb.allocate import allocate
from kpb.allocate.inputs import input_tables
from kpb.rules import parse_rules

UNITS = ["timmar", "antal", "dygn", "manader"]
PERSONS = ["P1", "P2", "P3", "P4"]
amounts = st.integers(min_value=-10**9, max_value=10**10)


@st.composite
def municipalities(draw):
    units = draw(st.lists(st.sampled_from(UNITS), min_size=1, max_size=3))
    overhead = draw(st.integers(min_value=0, max_value=2))
    rest = draw(st.sampled_from(["fordela", "redovisa"]))
    metod = draw(st.sampled_from(["stegvis", "reciprok"]))
    rules = rules_text(units, overhead, rest, metod)
    ledger = [{"konto": "5010", "ansvar": a, "belopp_ore": draw(amounts)}
              for a in [f"2{i}" for i in range(len(units))] + [f"1{i}" for i in range(overhead)]
              + ["630", "900", "999"] for _ in range(draw(st.integers(1, 2)))]
    receivers = [f"op{i}" for i in range(len(units))] + [f"gem{i}" for i in range(overhead)] + ["hvb"]
    nycklar = [{"nyckel": f"k{g}", "mottagare": r, "varde": str(draw(st.integers(1, 500)))}
               for g in range(overhead) for r in receivers if r != f"gem{g}"]
    aktivitet = draw(st.lists(activity(len(units), units), max_size=12))
    direkt = draw(st.lists(st.fixed_dictionaries({
        "person_id": st.sampled_from(PERSONS), "insats": st.just("hvb"),
        "period": st.just(202405), "belopp_ore": st.integers(0, 10**7)}), max_size=4))
    return rules, input_tables(ledger=ledger, nycklar=nycklar, aktivitet=aktivitet, direkt=direkt)


def rules_text(units, overhead, rest, metod):
    text = "ar = 2024\n[insatser]\nhvb = { enhet = \"kronor\" }\n"
    text += "".join(f'i{i} = {{ enhet = "{u}" }}\n' for i, u in enumerate(units))
    text += "".join(f'[[pool]]\nnamn = "op{i}"\nansvar = ["2{i}"]\ninsats = "i{i}"\n' for i in range(len(units)))
    text += "".join(f'[[pool]]\nnamn = "gem{g}"\ntyp = "gemensam"\nansvar = ["1{g}"]\nnyckel = {{ fil = "k{g}" }}\n'
                    for g in range(overhead))
    text += f'[[pool]]\nnamn = "hvb"\ntyp = "direkt"\nansvar = ["630"]\ninsats = "hvb"\nrest = "{rest}"\n'
    text += '[[pool]]\nnamn = "rad"\ntyp = "ej_brukar"\nansvar = ["900"]\n'
    text += '[[pool]]\nnamn = "avg"\ntyp = "exkludera"\norsak = "avgifter"\nansvar = ["999"]\n'
    return text + f'[gemensamma]\nmetod = "{metod}"\n'


def activity(pool_count, units):
    day = st.dates(min_value=dt.date(2023, 6, 1), max_value=dt.date(2025, 3, 1))
    return st.integers(0, pool_count - 1).flatmap(lambda i: st.fixed_dictionaries({
        "person_id": st.sampled_from(PERSONS), "insats": st.just(f"i{i}"), "from": day,
        "tom": st.one_of(st.none(), day), "timmar_milli": st.integers(0, 10**6),
        "antal_milli": st.integers(0, 5000)}))


@settings(max_examples=40, deadline=None)
@given(municipalities())
def test_every_krona_ends_in_exactly_one_place(municipality):
    rules_toml, tables = municipality
    result = allocate(tables, parse_rules(rules_toml, 2024, "regler/2024.toml"), 2024)
    lines = {post: b for post, _, _, b in result.avstamning.iter_rows() if post in ("Huvudbok totalt", "Differens")}
    assert lines["Differens"] == 0
    assert lines["Huvudbok totalt"] == tables["ledger"]["belopp_ore"].sum()
    pools = result.pool
    assert pools["bokfort_ore"].sum() == lines["Huvudbok totalt"]
    assert (pools["att_fordela_ore"] == pools["till_brukare_ore"] + pools["ofordelat_ore"]).filter(
        pools["typ"].is_in(["verksamhet", "direkt"])).all()
    assert pools.filter(typ="gemensam")["att_fordela_ore"].to_list() == [0] * (pools["typ"] == "gemensam").sum()
    assert result.brukare["kostnad_ore"].sum() == result.brukare_insats["kostnad_ore"].sum()
