"""Households and arbetsmarknad outcomes on Exempelkommun 2024, checked against readings of
the files with the standard library: långvarigt bistånd counted from the payment files,
membership re-done in SQL, avslut to arbete or studier counted from the utfall file."""

import csv
import io
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

from kpb.cli import main

from builders import TEST_KEY, copy_fixture

EXEMPEL = Path(__file__).parents[1] / "fixtures" / "exempelkommun"
KEY = TEST_KEY


@pytest.fixture(scope="module")
def exempel(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hushall") / "exempelkommun"
    copy_fixture(EXEMPEL, root)
    result = CliRunner().invoke(main, ["compute", "2024", "--project", str(root), "--tyst"],
                                env={"KPB_PSEUDONYM_NYCKEL": KEY})
    assert result.exit_code == 0, result.output
    return root


def read(root: Path, name: str) -> pl.DataFrame:
    return pl.read_parquet(root / "ut" / "2024" / f"{name}.parquet")


def payment_months_per_household() -> dict[str, set]:
    """Household id -> months whose payments sum above 0, read from the CSV files."""
    sums = defaultdict(Decimal)
    for path in (EXEMPEL / "data" / "2024" / "direkt").glob("*.csv"):
        for row in csv.DictReader(io.StringIO(path.read_text("utf-8")), delimiter=";"):
            if row["insats"] == "ekonomiskt_bistand":
                belopp = Decimal(row["belopp"].replace(" ", "").replace(",", "."))
                sums[(row["hushall"], row["period"])] += belopp
    months = defaultdict(set)
    for (hushall, period), total in sums.items():
        if total > 0:
            months[hushall].add(period)
    return months


def test_langvarigt_bistand_counted_from_the_files(exempel):
    households = read(exempel, "hushall")
    expected = sorted(len(m) for m in payment_months_per_household().values())
    assert sorted(households["manader_med_utbetalning"].to_list()) == expected
    assert households["langvarigt_bistand"].sum() == sum(n >= 10 for n in expected)


def test_households_reconcile_with_eb_and_person_costs(exempel):
    households = read(exempel, "hushall")
    eb = read(exempel, "brukare_insats").filter(pl.col("insats") == "ekonomiskt_bistand")
    assert households["bistand"].sum() == eb["kostnad"].sum()
    with duckdb.connect(str(exempel / "kpb.duckdb")) as con:
        members = con.sql("""
            with seen as (
                select person_id, hushall, "from" as datum from aktivitet where hushall <> ''
                union select person_id, hushall, make_date(period // 100, period % 100, 1)
                from direkt where hushall <> '')
            select person_id, hushall from seen
            qualify row_number() over (partition by person_id
                                       order by datum desc, hushall) = 1""").pl()
    persons = read(exempel, "brukare").join(members, on="person_id")
    assert households["kostnad"].sum() == persons["kostnad"].sum()
    assert households["antal_medlemmar"].sum() == members.height
    assert read(exempel, "hushall_insats")["kostnad"].sum() == households["kostnad"].sum()


def test_ranking_is_by_total_cost_and_shares_add_up(exempel):
    households = read(exempel, "hushall")
    assert households["rang"].to_list() == list(range(1, households.height + 1))
    costs = households["kostnad"].to_list()
    assert costs == sorted(costs, reverse=True)
    assert households["kumulativ_andel_av_bistand"][-1] == Decimal("1.0000")


def utfall_rows() -> list[dict]:
    path = EXEMPEL / "data" / "2024" / "utfall" / "arbetsmarknad_utfall_2024.csv"
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("cp1252")), delimiter=";"))


def test_avslut_to_work_or_studies_counted_from_the_file(exempel):
    positive = {"arbete", "anställning med stöd", "studier"}  # as kpb.toml groups them
    expected = defaultdict(lambda: [0, 0, 0])
    for row in utfall_rows():
        counts = expected[row["Utförare"]]
        counts[0] += 1
        counts[1] += row["Avslutsdatum"] != ""
        counts[2] += row["Avslutsorsak"].lower() in positive
    table = read(exempel, "utfall_insats")
    found = {u: [d, a, p] for u, d, a, p in table.select(
        "utforare", "deltagare", "avslut", "avslut_arbete_eller_studier").rows()}
    assert found == dict(expected)


def test_cost_per_avslut_to_work_or_studies_is_the_participants_cost(exempel):
    people = read(exempel, "utfall_deltagare")
    ami = read(exempel, "brukare_insats").filter(pl.col("insats") == "arbetsmarknad")
    assert people["kostnad"].sum() == ami["kostnad"].sum()  # every participant is in utfall
    for row in read(exempel, "utfall_insats").iter_rows(named=True):
        cost = people.filter(pl.col("utforare") == row["utforare"])["kostnad"].sum()
        assert row["kostnad"] == cost
        exact = cost / row["avslut_arbete_eller_studier"]
        assert abs(row["kostnad_per_avslut_arbete_eller_studier"] - exact) <= Decimal("0.005")


def test_no_personnummer_in_the_effect_outputs(exempel):
    """The utfall file's numbers (and every other) appear in no output nor in kpb.duckdb."""
    numbers = {row["Personnummer"] for row in utfall_rows()}
    for path in (EXEMPEL / "data" / "2024" / "direkt").glob("*.csv"):
        numbers |= {r["person"] for r in csv.DictReader(
            io.StringIO(path.read_text("utf-8")), delimiter=";")}
    forms = {f for n in numbers for f in (n, n.replace("-", ""), n.replace("-", "")[-10:])}
    written = [*(exempel / "ut" / "2024").glob("*.parquet"), exempel / "kpb.duckdb"]
    assert any(p.name == "utfall_deltagare.parquet" for p in written)
    for path in written:
        content = path.read_bytes()
        assert not [f for f in forms if f.encode() in content], path.name
