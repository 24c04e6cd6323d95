"""Everyday output in Swedish conventions: `kpb sql` CSV/XLSX/table, the compute summary's
reconciliation lines and largest insatser, `kpb explain` in plain words, `kpb vem`."""

import csv
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from builders import computed_example, copy_project, outputs, run

QUERY = "select ar, insats, pool, volym, kostnad, styckkostnad from insats order by insats, pool"


@pytest.fixture(scope="module")
def exempel(tmp_path_factory) -> Path:
    return computed_example(tmp_path_factory.mktemp("everyday"), "--utan-rapport")


def swedish(value: Decimal) -> str:
    return str(value).replace(".", ",")


def test_sql_csv_is_what_swedish_excel_opens(exempel):
    result = run("sql", QUERY, "--project", str(exempel), "--csv")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    rows = list(csv.DictReader(io.StringIO(result.output.lstrip("\ufeff")), delimiter=";"))
    expected = outputs(exempel, "insats").sort("insats", "pool")
    assert [r["kostnad"] for r in rows] == [swedish(v) for v in expected["kostnad"]]
    assert [r["styckkostnad"] for r in rows] == [swedish(v) for v in expected["styckkostnad"]]
    assert rows[0]["ar"] == "2024"


def test_sql_csv_format_standard_is_plain(exempel):
    result = run("sql", QUERY, "--project", str(exempel), "--csv", "--csv-format", "standard")
    assert not result.stdout_bytes.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    expected = outputs(exempel, "insats").sort("insats", "pool")
    assert [Decimal(r["kostnad"]) for r in rows] == expected["kostnad"].to_list()


def test_sql_xlsx_writes_one_sheet_with_exact_values(exempel, tmp_path):
    target = tmp_path / "insats.xlsx"
    result = run("sql", QUERY, "--project", str(exempel), "--xlsx", str(target))
    assert result.exit_code == 0 and "14 rader skrivna" in result.output
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Resultat"]
    rows = list(book["Resultat"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "ar")
    values = [Decimal(str(r[4])).quantize(Decimal("0.01")) for r in rows[start + 1:]]
    assert values == outputs(exempel, "insats").sort("insats", "pool")["kostnad"].to_list()
    cell = book["Resultat"].cell(start + 2, 5)
    assert cell.number_format == "#,##0.00"
    assert book["Resultat"].cell(start + 2, 1).value == 2024


def test_sql_table_has_swedish_numbers_and_no_type_rows(exempel):
    result = run("sql", QUERY, "--project", str(exempel))
    text = result.output
    assert "shape:" not in text and "decimal[" not in text and "str" not in text.split("\n")[2]
    sabo = outputs(exempel, "insats").filter(pl.col("insats") == "sabo")["kostnad"].item()
    kronor, ore = f"{sabo:.2f}".split(".")
    assert f"{int(kronor):,}".replace(",", " ") + "," + ore in text
    assert "│ 2024 " in text  # a year stays a year


def test_compute_summary_lists_reconciliation_lines_and_largest_insatser(tmp_path):
    project = copy_project("exempelkommun", tmp_path)
    result = run("compute", "2024", "--project", str(project), "--tyst", "--utan-rapport")
    lines = result.output.splitlines()
    posts = outputs(project, "avstamning")
    unspent = posts.filter(pl.col("post") == "Ofördelat").row(0, named=True)
    amount = swedish(unspent["belopp"]).replace("41814", "41 814")
    assert any(l.strip().startswith(f"ofördelat ({unspent['pool']})") and amount in l
               for l in lines)
    assert sum("exkluderat (" in l for l in lines) == posts.filter(
        pl.col("post") == "Exkluderat").height
    top = lines.index("De 5 största insatserna")
    per_insats = (outputs(project, "insats").group_by("namn").agg(pl.col("kostnad").sum())
                  .sort("kostnad", descending=True))
    shown = [l.strip() for l in lines[top + 1:top + 6]]
    assert [line.startswith(name) for line, name in zip(shown, per_insats["namn"].head(5))] == [True] * 5


def test_explain_takes_positional_year_and_speaks_plainly_for_direct_pools(exempel):
    child = (outputs(exempel, "brukare_insats").filter(pl.col("insats") == "hvb_barn")
             .sort("person_id").row(0, named=True))["person_id"]
    positional = run("explain", child, "2024", "--project", str(exempel))
    assert positional.exit_code == 0, positional.output
    assert positional.output == run("explain", child, "--year", "2024",
                                    "--project", str(exempel)).output
    text = positional.output
    assert "kr per krona" not in text and "styckkostnad 1,0" not in text
    assert "direktpool hvb_barn" in text and "brukarens egna fakturor/utbetalningar" in text
    rows = outputs(exempel, "brukare_insats").filter(
        (pl.col("person_id") == child) & (pl.col("insats") == "hvb_barn"))
    total = rows["kostnad"].sum()
    kronor, ore = f"{total:.2f}".split(".")
    assert f"kostnad för brukaren: {int(kronor):,}".replace(",", " ") + f",{ore} kr" in text
    assert " månader = styckkostnad" in text or " st = styckkostnad" in text


def test_explain_needs_a_year(exempel):
    result = run("explain", "abc", "--project", str(exempel))
    assert result.exit_code == 1 and "ange verksamhetsåret" in result.output


def test_vem_prints_only_the_person_id(exempel):
    with open(exempel / "data/2024/direkt/hvb_fakturor_2024.csv", encoding="utf-8") as f:
        number = next(csv.DictReader(f, delimiter=";"))["person"]
    result = run("vem", number, "2024", "--project", str(exempel))
    assert result.exit_code == 0, result.output
    person_id = result.stdout.strip()
    assert result.stdout == person_id + "\n" and number not in result.output
    ids = outputs(exempel, "brukare_insats").filter(pl.col("insats") == "hvb_barn")["person_id"]
    assert person_id in ids.to_list()
    # the 12-digit form without dash is the same person
    twelve = "20" + number.replace("-", "") if number[:2] < "25" else "19" + number.replace("-", "")
    assert run("vem", twelve, "2024", "--project", str(exempel)).stdout.strip() == person_id


def test_vem_never_echoes_a_bad_number_and_never_makes_a_key(exempel, tmp_path):
    result = run("vem", "19640823-3235", "2024", "--project", str(exempel))
    assert result.exit_code == 1 and "3235" not in result.output
    assert "19640823-****" in result.output
    from click.testing import CliRunner
    from kpb.cli import main
    project = copy_project("exempelkommun", tmp_path)
    keyless = CliRunner().invoke(main, ["vem", "19640823-3234", "2024", "-p", str(project)],
                                 env={"KPB_PSEUDONYM_NYCKEL": ""})
    assert keyless.exit_code == 1 and "nyckeln saknas" in keyless.output
    assert not (project / "kpb.key").exists()
