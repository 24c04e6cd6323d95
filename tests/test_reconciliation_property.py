"""Random small municipalities: every krona of the input ends in exactly one place.

The facts are computed from the INPUT frames, not from the engine's own reconciliation
(which raises on a difference before a test could see it): the ledger total equals what
reached persons + ej_brukar + ofördelat + exkluderat, and each direkt row reaches persons
once, in the one direct pool that takes it.
"""

import datetime as dt

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from kpb.allocate import allocate
from kpb.allocate.inputs import input_tables
from kpb.rules import parse_rules

UNITS = ["timmar", "antal", "dygn", "manader"]
PERSONS = ["P1", "P2", "P3", "P4"]
# Direct pools: name -> (insats, utförare taken; () = all). fh_a and fh_b share an insats.
DIRECT_POOLS = {"hvb": ("hvb", ()), "fh_a": ("fh", ("A",)), "fh_b": ("fh", ("B",))}
DIRECT_ANSVAR = {"hvb": "630", "fh_a": "640", "fh_b": "650"}
EJ_BRUKAR, EXKLUDERA = "900", "999"
amounts = st.integers(min_value=-10**9, max_value=10**10)
YEAR = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


@st.composite
def municipalities(draw):
    units = draw(st.lists(st.sampled_from(UNITS), min_size=1, max_size=3))
    overhead = draw(st.integers(min_value=0, max_value=2))
    rest = draw(st.sampled_from(["fordela", "redovisa"]))
    metod = draw(st.sampled_from(["stegvis", "reciprok"]))
    rules = rules_text(units, overhead, rest, metod)
    ansvar = ([f"2{i}" for i in range(len(units))] + [f"1{i}" for i in range(overhead)]
              + list(DIRECT_ANSVAR.values()) + [EJ_BRUKAR, EXKLUDERA])
    ledger = [{"konto": "5010", "ansvar": a, "belopp_ore": draw(amounts)}
              for a in ansvar for _ in range(draw(st.integers(1, 2)))]
    receivers = [f"op{i}" for i in range(len(units))] + [f"gem{i}" for i in range(overhead)] + list(DIRECT_POOLS)
    nycklar = [{"nyckel": f"k{g}", "mottagare": r, "varde": str(draw(st.integers(1, 500)))}
               for g in range(overhead) for r in receivers if r != f"gem{g}"]
    aktivitet = draw(st.lists(activity(units), max_size=12))
    direkt = draw(st.lists(st.fixed_dictionaries({
        "person_id": st.sampled_from(PERSONS), "insats": st.sampled_from(["hvb", "fh"]),
        "utforare": st.sampled_from(["", "A", "B"]), "period": st.just(202405),
        "belopp_ore": st.integers(-10**6, 10**7)}), max_size=6))
    return rules, input_tables(ledger=ledger, nycklar=nycklar, aktivitet=aktivitet, direkt=direkt)


def rules_text(units, overhead, rest, metod):
    text = 'ar = 2024\n[insatser]\nhvb = { enhet = "kronor" }\nfh = { enhet = "kronor" }\n'
    text += "".join(f'i{i} = {{ enhet = "{u}" }}\n' for i, u in enumerate(units))
    text += "".join(f'[[pool]]\nnamn = "op{i}"\nansvar = ["2{i}"]\ninsats = "i{i}"\n' for i in range(len(units)))
    text += "".join(f'[[pool]]\nnamn = "gem{g}"\ntyp = "gemensam"\nansvar = ["1{g}"]\nnyckel = {{ fil = "k{g}" }}\n'
                    for g in range(overhead))
    text += "".join(f'[[pool]]\nnamn = "{n}"\ntyp = "direkt"\nansvar = ["{DIRECT_ANSVAR[n]}"]\ninsats = "{i}"\n'
                    f'rest = "{rest}"\n' + (f"utforare = {list(u)}\n".replace("'", '"') if u else "")
                    for n, (i, u) in DIRECT_POOLS.items())
    text += f'[[pool]]\nnamn = "rad"\ntyp = "ej_brukar"\nansvar = ["{EJ_BRUKAR}"]\n'
    text += f'[[pool]]\nnamn = "avg"\ntyp = "exkludera"\norsak = "avgifter"\nansvar = ["{EXKLUDERA}"]\n'
    return text + f'[gemensamma]\nmetod = "{metod}"\n'


def activity(units):
    """Hour and count rows are dated inside the year (they count on their date); ranges may
    start before and end after it (they are clipped)."""
    return st.integers(0, len(units) - 1).flatmap(lambda i: st.fixed_dictionaries({
        "person_id": st.sampled_from(PERSONS), "insats": st.just(f"i{i}"),
        "from": st.dates(*YEAR) if units[i] in ("timmar", "antal")
        else st.dates(dt.date(2023, 6, 1), dt.date(2025, 3, 1)),
        "tom": st.one_of(st.none(), st.dates(dt.date(2023, 6, 1), dt.date(2025, 3, 1))),
        "timmar_milli": st.integers(0, 10**6), "antal_milli": st.integers(0, 5000)}))


def input_sum(frame: pl.DataFrame, condition: pl.Expr = pl.lit(True)) -> int:
    return int(frame.filter(condition)["belopp_ore"].sum())


def taken_by(pool: str) -> pl.Expr:
    insats, utforare = DIRECT_POOLS[pool]
    return (pl.col("insats") == insats) & (pl.col("utforare").is_in(utforare) if utforare else pl.lit(True))


def assert_every_krona_in_one_place(tables, result):
    ledger, direkt, persons = tables["ledger"], tables["direkt"], result.brukare_insats
    ej_brukar = input_sum(ledger, pl.col("ansvar") == EJ_BRUKAR)
    exkluderat = input_sum(ledger, pl.col("ansvar") == EXKLUDERA)
    ofordelat = int(result.pool["ofordelat_ore"].sum())
    assert int(persons["kostnad_ore"].sum()) + ej_brukar + ofordelat + exkluderat == input_sum(ledger)
    placed = persons.filter(kalla="direkt")
    for pool in DIRECT_POOLS:
        assert int(placed.filter(pool=pool)["kostnad_ore"].sum()) == input_sum(direkt, taken_by(pool))
    taken_by_any = pl.any_horizontal([taken_by(p) for p in DIRECT_POOLS])
    assert int(placed["kostnad_ore"].sum()) == input_sum(direkt, taken_by_any)


@settings(max_examples=40, deadline=None)
@given(municipalities())
def test_every_krona_ends_in_exactly_one_place(municipality):
    rules_toml, tables = municipality
    result = allocate(tables, parse_rules(rules_toml, 2024, "regler/2024.toml"), 2024)
    assert_every_krona_in_one_place(tables, result)
    pools = result.pool
    assert pools["bokfort_ore"].sum() == tables["ledger"]["belopp_ore"].sum()
    assert (pools["att_fordela_ore"] == pools["till_brukare_ore"] + pools["ofordelat_ore"]).filter(
        pools["typ"].is_in(["verksamhet", "direkt"])).all()
    assert pools.filter(typ="gemensam")["att_fordela_ore"].to_list() == [0] * (pools["typ"] == "gemensam").sum()
    assert result.brukare["kostnad_ore"].sum() == result.brukare_insats["kostnad_ore"].sum()
