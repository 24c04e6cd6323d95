"""Small facts of the activity rows are found once, at load, and kept with the cached rows
(kpb/load/summaries.py): the person-days above 24 hours and the (insats, utförare)
combinations. The check's warnings from them must be exactly those of reading every row,
whatever the rules map together."""

import datetime as dt

import polars as pl

from hypothesis import given, settings
from hypothesis import strategies as st

from kpb.allocate.inputs import input_tables
from kpb.check import check_inputs
from kpb.flow.facts import Facts
from kpb.load.summaries import (
    COMBINATIONS,
    LONG_DAYS,
    PERSON_SUMS,
    combinations,
    long_days,
    person_sums,
)
from kpb.rules import parse_rules

from builders import copy_example, run

RULES = """
ar = 2024
[insatser]
hemtjanst = { enhet = "timmar", omrade = "ÄO", koder = ["HT", "HT natt"] }
ledsagning = { enhet = "timmar", omrade = "LSS" }
sabo = { enhet = "dygn", omrade = "ÄO" }
besok = { enhet = "antal", omrade = "IFO", koder = ["besök", "hembesök"] }
[[pool]]
namn = "hemtjanst"
ansvar = ["200"]
insats = "hemtjanst"
utforare = ["Norr"]
[[pool]]
namn = "ledsagning"
ansvar = ["210"]
insats = "ledsagning"
utforare = ["Norr"]
[[pool]]
namn = "besok"
ansvar = ["400"]
insats = "besok"
[[pool]]
namn = "sabo"
ansvar = ["300"]
insats = "sabo"
"""

row = st.fixed_dictionaries({
    "person_id": st.sampled_from(["A", "B", "C"]),
    "insats": st.sampled_from(["HT", "HT natt", "hemtjanst", "ledsagning", "sabo", "okand",
                               "besök", "hembesök"]),
    "from": st.sampled_from([dt.date(2024, 3, 1), dt.date(2024, 3, 2), dt.date(2023, 12, 31)]),
    "timmar_milli": st.one_of(st.none(), st.integers(-30_000, 30_000)),
    "antal_milli": st.integers(0, 3_000),
    "utforare": st.sampled_from(["", "Norr", "Söder"]),
    "kalla_fil": st.sampled_from(["data/2024/aktivitet/a.csv", "data/2024/aktivitet/b.csv"]),
    "kalla_rad": st.integers(2, 9),
})


def tables_of(rows):
    """The rows with a ledger row for every pool's ansvar."""
    ledger = [{"konto": "5010", "ansvar": a, "belopp_ore": 100}
              for a in ("200", "210", "300", "400")]
    return input_tables(ledger=ledger, aktivitet=rows)


def hour_warnings(tables):
    return [w for w in summary_warnings(tables) if "timmar insats" in w]


def summary_warnings(tables):
    """The warnings of the checks that read the summaries, in the order they are given."""
    rules = parse_rules(RULES, 2024, "regler/2024.toml")
    return [str(p) for p in check_inputs(tables, rules, 2024).warnings
            if p.kind in ("orimliga värden", "rader som ingen pool använder")]


@settings(max_examples=60, deadline=None)
@given(st.lists(row, max_size=25))
def test_the_summaries_give_the_warnings_of_reading_every_row(rows):
    tables = tables_of(rows)
    raw = tables["aktivitet"]  # the codes as loaded, before the rules map them
    summarised = {**tables, LONG_DAYS: long_days(raw), COMBINATIONS: combinations(raw)}
    assert summary_warnings(summarised) == summary_warnings(tables)


@settings(max_examples=60, deadline=None)
@given(st.lists(row, max_size=25))
def test_the_person_sums_give_the_volumes_of_reading_every_row(rows):
    tables = tables_of(rows)
    rules = parse_rules(RULES, 2024, "regler/2024.toml")

    def volumes(tables):
        return Facts(tables, rules, 2024).volume_rows.sort(pl.all()).rows()
    summed = {**tables, PERSON_SUMS: person_sums(tables["aktivitet"], 2024)}
    assert volumes(summed) == volumes(tables)
    # the sums of another year are never taken for this one
    other = {**tables, PERSON_SUMS: person_sums(tables["aktivitet"], 2023)}
    assert volumes(other) == volumes(tables)


def test_two_codes_of_one_insats_add_up_to_a_long_day():
    """15 + 15 hours under two export codes of hemtjänst: no code alone is above 24, the
    insats is, and a negative row of a third insats does not hide the day."""
    day = dt.date(2024, 3, 1)
    rows = [{"person_id": "A", "insats": "HT", "from": day, "timmar_milli": 15_000},
            {"person_id": "A", "insats": "HT natt", "from": day, "timmar_milli": 15_000},
            {"person_id": "A", "insats": "ledsagning", "from": day, "timmar_milli": -20_000}]
    tables = input_tables(ledger=[{"konto": "5010", "ansvar": "200", "belopp_ore": 100}],
                          aktivitet=rows)
    warned = hour_warnings({**tables, LONG_DAYS: long_days(tables["aktivitet"])})
    assert len(warned) == 1 and "(högst 30 timmar)" in warned[0]


def test_a_reused_load_warns_of_the_same_long_days(tmp_path):
    project = copy_example(tmp_path)
    export = project / "data" / "2024" / "aktivitet" / "hemtjanst_besok_2024.csv"
    raw = export.read_bytes()
    end = b"\r\n" if b"\r\n" in raw else b"\n"
    first = raw.splitlines()[1]  # half an hour of hemtjänst: 60 more make a 30-hour day
    export.write_bytes(raw + end.join([first] * 60) + end)
    first_run = run("compute", "2024", "--project", str(project))
    assert first_run.exit_code == 0, first_run.output
    again = run("compute", "2024", "--project", str(project))
    assert again.exit_code == 0 and "återanvände aktivitet" in again.output

    def told(output):
        return sorted(line for line in output.splitlines() if "timmar insats" in line)
    assert told(first_run.output) and told(again.output) == told(first_run.output)
