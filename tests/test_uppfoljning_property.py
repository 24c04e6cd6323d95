"""Month costs of `kpb uppfoljning` (kpb.analyse.uppfoljning.costs) as properties: for any
ledger spread over the months, with either overhead method, the months of every pool × insats
sum to the year's amount to the öre, and the months of a ledger cut after month k (a delår)
are the full year's first k months."""

import polars as pl
from hypothesis import given, settings, strategies as st

from kpb.allocate.inputs import input_tables
from kpb.analyse.uppfoljning.costs import month_costs
from kpb.flow.facts import Facts
from kpb.rules import parse_rules

RULES = """
ar = 2024
[insatser]
hemtjanst = {{ enhet = "timmar", omrade = "ÄO" }}
larm = {{ enhet = "manader", omrade = "ÄO" }}
hvb = {{ enhet = "kronor", omrade = "BUF" }}

[[pool]]
namn = "ledning"
typ = "gemensam"
ansvar = ["100"]
nyckel = {{ andelar = {{ it = {a}, norr = {b}, larm = {c}, hvb = {rest1} }} }}

[[pool]]
namn = "it"
typ = "gemensam"
ansvar = ["110"]
nyckel = {{ andelar = {{ {it_back}norr = {d}, larm = {e}, hvb = {rest2} }} }}

[[pool]]
namn = "norr"
ansvar = ["200"]
fordelning = [ {{ insats = "hemtjanst", andel = 0.7 }}, {{ insats = "larm", andel = 0.3 }} ]

[[pool]]
namn = "larm"
ansvar = ["400"]
insats = "larm"

[[pool]]
namn = "hvb"
typ = "direkt"
ansvar = ["500"]
insats = "hvb"

[gemensamma]
metod = "{metod}"
"""

ANSVAR = ("100", "110", "200", "400", "500")
rows = st.lists(st.tuples(st.sampled_from(ANSVAR), st.integers(1, 12),
                          st.integers(-5_000_00, 90_000_000_00)), min_size=1, max_size=30)
weights = st.integers(1, 30)  # percent; the last receiver of a key gets the rest of 100


def facts(ledger_rows, metod, a, b, c, d, e):
    it_back = "ledning = 0.05, " if metod == "reciprok" else ""
    share = lambda p: f"{p / 100}"  # noqa: E731
    rules = parse_rules(RULES.format(
        a=share(a), b=share(b), c=share(c), rest1=share(100 - a - b - c), d=share(d),
        e=share(e), rest2=share(100 - d - e - (5 if it_back else 0)), metod=metod,
        it_back=it_back), 2024, "regler/2024.toml")
    ledger = [{"konto": "5010", "ansvar": ansvar, "period": 202400 + month, "belopp_ore": ore}
              for ansvar, month, ore in ledger_rows]
    return Facts(input_tables(ledger=ledger), rules, 2024)


def year_amounts(found) -> dict:
    return {(p, i): k for p, i, k in found.amounts.iter_rows()}


@settings(max_examples=60, deadline=None)
@given(rows, st.sampled_from(["stegvis", "reciprok"]), weights, weights, weights, weights, weights)
def test_the_months_sum_to_the_years_amount_to_the_ore(ledger_rows, metod, a, b, c, d, e):
    found = facts(ledger_rows, metod, a, b, c, d, e)
    last = max(month for _, month, _ in ledger_rows)
    months = month_costs(found, last)
    summed = months.group_by("pool", "insats").agg(pl.col("kostnad_ore").sum())
    assert {(p, i): k for p, i, k in summed.iter_rows()} == year_amounts(found)
    assert months.filter(pl.col("manad") == last).select(
        "pool", "insats", "kostnad_hittills_ore").sort("pool", "insats").rows() == \
        sorted((p, i, k) for (p, i), k in year_amounts(found).items())


@settings(max_examples=40, deadline=None)
@given(rows, st.sampled_from(["stegvis", "reciprok"]), weights, weights, weights, weights,
       weights, st.integers(1, 11))
def test_a_delar_has_the_full_years_first_months(ledger_rows, metod, a, b, c, d, e, cut):
    full = facts(ledger_rows, metod, a, b, c, d, e)
    part_rows = [r for r in ledger_rows if r[1] <= cut]
    if not part_rows:
        return
    part = facts(part_rows, metod, a, b, c, d, e)
    last = max(month for _, month, _ in part_rows)
    whole_months = month_costs(full, max(month for _, month, _ in ledger_rows))
    assert month_costs(part, last).equals(whole_months.filter(pl.col("manad") <= last))
