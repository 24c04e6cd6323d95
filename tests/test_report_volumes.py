"""Report volumes (rapportvolym) in insats.parquet and in `kpb jamfor`: every insats compared
in the unit people compare it in, never a cost per invoiced krona.

Exempelkommun's HVB barn is bought per invoice (a direkt pool, unit kronor) and reported per
vårddygn from the placement rows `hvb_barn_placering`. The vårddygn by hand (days of each
placement inside the year, ends inclusive):

2022: 2022-01-01–08-31 243, 02-14–12-31 321, 09-12–12-31 111, 01-01–05-31 151,
      04-04–10-14 194: 1 020 vårddygn
2024 (366 days): 01-01–06-30 182, 02-05–12-31 331, 05-13–09-30 141, whole year 366,
      08-19–11-15 89, whole year 366: 1 475 vårddygn
"""

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import polars as pl
import pytest
from builders import TEST_KEY, copy_fixture
from click.testing import CliRunner

from kpb.analyse.compare import compare, read_year
from kpb.text.comparison import unit_cost_line
from kpb.cli import main

EXEMPEL = Path(__file__).parents[1] / "fixtures" / "exempelkommun"
VARDDYGN = {2022: 1020, 2024: 1475}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], env={"KPB_PSEUDONYM_NYCKEL": TEST_KEY})


def copy_example(root: Path) -> Path:
    copy_fixture(EXEMPEL, root)
    return root


@pytest.fixture(scope="module")
def exempel(tmp_path_factory) -> Path:
    root = copy_example(tmp_path_factory.mktemp("rapportvolym") / "exempelkommun")
    for ar in (2022, 2024):
        result = run("compute", ar, "--project", root, "--tyst", "--utan-rapport")
        assert result.exit_code == 0, result.output
    result = run("jamfor", 2022, 2024, "--project", root)
    assert result.exit_code == 0, result.output
    root.joinpath("jamfor.txt").write_text(result.output, encoding="utf-8")
    return root


def hvb(root: Path, ar: int) -> dict:
    table = pl.read_parquet(root / "ut" / str(ar) / "insats.parquet")
    return table.filter(pl.col("insats") == "hvb_barn").row(0, named=True)


def test_insats_carries_the_report_volume_unit_and_cost_per_report_unit(exempel):
    for ar, days in VARDDYGN.items():
        row = hvb(exempel, ar)
        assert (row["rapportenhet"], row["rapportvolym"]) == ("vårddygn", Decimal(days))
        exact = Fraction(int(row["kostnad"] * 100), 100 * days)
        assert abs(row["kostnad_per_rapportenhet"] - Decimal(exact.numerator) / exact.denominator
                   ) <= Decimal("0.00005")
        assert row["enhet"] == "kronor"  # the pool's own volume stays the invoiced kronor


def test_jamfor_compares_hvb_barn_per_varddygn_with_volume_and_cost(exempel):
    table = pl.read_parquet(exempel / "ut/jamfor_2022_2024/jamfor_styckkostnad.parquet")
    row = table.filter(pl.col("insats") == "hvb_barn").row(0, named=True)
    then, now = hvb(exempel, 2022), hvb(exempel, 2024)
    assert (row["enhet_fran"], row["enhet_till"]) == ("vårddygn", "vårddygn")
    assert (row["volym_fran"], row["volym_till"]) == (Decimal(1020), Decimal(1475))
    assert (row["kostnad_fran"], row["kostnad_till"]) == (then["kostnad"], now["kostnad"])
    assert (row["styckkostnad_fran"], row["styckkostnad_till"]) == (
        then["kostnad_per_rapportenhet"], now["kostnad_per_rapportenhet"])
    # (k₁/1 475) / (k₀/1 020) − 1, from the exact costs
    change = Fraction(int(now["kostnad"] * 100) * 1020, int(then["kostnad"] * 100) * 1475) - 1
    assert row["forandring_nominell"] == Decimal(round(change * 10_000)) / 10_000
    assert row["forandring_nominell"] == Decimal("0.0096")  # +1,0 %, as the report's figures
    ut = exempel / "ut"
    engine_row = compare(read_year(ut, 2022), read_year(ut, 2024), {}, "").tables[
        "jamfor_styckkostnad"].filter(pl.col("insats") == "hvb_barn").row(0, named=True)
    line = unit_cost_line(engine_row)
    assert "kr/vårddygn" in line and "+1,0 % nominellt" in line and "1 020 → 1 475 vårddygn" in line
    bistand = compare(read_year(ut, 2022), read_year(ut, 2024), {}, "").tables[
        "jamfor_styckkostnad"].filter(pl.col("insats") == "ekonomiskt_bistand").row(0, named=True)
    assert unit_cost_line(bistand).startswith("kostnad ") and "ingen styckkostnad" in (
        unit_cost_line(bistand))


def test_kpb_jamfor_prints_hvb_barn_per_varddygn(exempel):
    line = next(x for x in exempel.joinpath("jamfor.txt").read_text("utf-8").splitlines()
                if x.strip().startswith("HVB barn och unga, köpt plats"))
    assert "kr/vårddygn" in line and "+1,0 % nominellt" in line and "1 020 → 1 475 vårddygn" in line


def test_no_kr_per_krona_ratio_is_compared_or_deflated(exempel):
    table = pl.read_parquet(exempel / "ut/jamfor_2022_2024/jamfor_styckkostnad.parquet")
    row = table.filter(pl.col("insats") == "ekonomiskt_bistand").row(0, named=True)
    assert row["enhet_fran"] is None and row["enhet_till"] is None
    assert [row[c] for c in ("styckkostnad_fran", "styckkostnad_fran_fast", "styckkostnad_till",
                             "forandring_nominell", "forandring_fast")] == [None] * 5
    assert row["kostnad_fran"] > 0 and row["kostnad_fran_fast"] > row["kostnad_fran"]
    unpriced = table.filter(pl.col("enhet_till").is_null())
    assert unpriced["styckkostnad_fran_fast"].null_count() == unpriced.height
    assert set(table["prisindex"]) == {"Prisindex för kommunal verksamhet (PKV), SKR, "
                                       "exempelvärden"}  # named on every row


@pytest.mark.parametrize("report_code", ["hvb_barn", "HVB-PLAC"])
def test_the_report_volume_survives_a_koder_mapping(tmp_path, report_code):
    """The case system writes HVB-PLAC; the catalogue lists it among hvb_barn's koder. Whether
    rapportvolym names the catalogue insats or the raw code, the 1 475 vårddygn are found."""
    root = copy_example(tmp_path / "exempelkommun")
    for csv in (root / "data/2024/aktivitet").glob("*.csv"):  # ASCII: any encoding
        csv.write_bytes(csv.read_bytes().replace(b";hvb_barn_placering;", b";HVB-PLAC;"))
    rules = root / "regler/2024.toml"
    text = rules.read_text("utf-8")
    text = text.replace('namn = "HVB barn och unga, köpt plats" }',
                        'namn = "HVB barn och unga, köpt plats", koder = ["HVB-PLAC"] }')
    text = text.replace('aktivitet = "hvb_barn_placering"', f'aktivitet = "{report_code}"')
    rules.write_text(text, encoding="utf-8")
    result = run("compute", 2024, "--project", root, "--tyst", "--utan-rapport")
    assert result.exit_code == 0, result.output
    row = hvb(root, 2024)
    assert (row["rapportenhet"], row["rapportvolym"]) == ("vårddygn", Decimal(1475))


RULES = """
ar = 2024
[insatser]
hemtjanst = { enhet = "timmar", omrade = "ÄO", namn = "Hemtjänst, utförd tid" }

[[pool]]
namn = "hemtjanst_norr"
ansvar = ["210"]
insats = "hemtjanst"
utforare = ["Norr"]
rapportvolym = { aktivitet = "beviljad", enhet = "timmar", namn = "beviljad timme" }

[[pool]]
namn = "hemtjanst_soder"
ansvar = ["220"]
insats = "hemtjanst"
utforare = ["Söder"]
"""


def test_an_operating_pool_is_priced_per_beviljad_timme_beside_utford(tmp_path):
    """Norr: 120 000 kr, 300 utförda timmar (A 200, B 100), 400 beviljade (A 250, B 150; the
    50 beviljade at Söder are Söder's): 400 kr/utförd timme, 300 kr/beviljad timme. Söder has
    no report volume."""
    files = {
        "kpb.toml": 'kommun = "Testby"\n',
        "regler/2024.toml": RULES,
        "data/2024/ledger/hb.csv": "period;konto;ansvar;belopp\n202401;5011;210;120000\n"
                                   "202401;5011;220;10000\n",
        "data/2024/aktivitet/a.csv": (
            "person;insats;from;timmar;utforare\n"
            "640823-3234;hemtjanst;2024-03-01;200;Norr\n811218-9876;hemtjanst;2024-03-01;100;Norr\n"
            "701063-2391;hemtjanst;2024-03-01;20;Söder\n"
            "640823-3234;beviljad;2024-01-10;250;Norr\n811218-9876;beviljad;2024-02-10;150;Norr\n"
            "701063-2391;beviljad;2024-02-10;50;Söder\n"
            "701063-2391;beviljad;2023-12-10;80;Norr\n"),  # outside the year: not counted
    }
    for relative, text in files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text, encoding="utf-8")
    result = run("compute", 2024, "--project", tmp_path, "--tyst", "--utan-rapport")
    assert result.exit_code == 0, result.output
    rows = {r["pool"]: r for r in pl.read_parquet(tmp_path / "ut/2024/insats.parquet")
            .iter_rows(named=True)}
    norr, soder = rows["hemtjanst_norr"], rows["hemtjanst_soder"]
    assert (norr["volym"], norr["styckkostnad"]) == (Decimal(300), Decimal("400.0000"))
    assert (norr["rapportenhet"], norr["rapportvolym"], norr["kostnad_per_rapportenhet"]) == (
        "beviljad timme", Decimal(400), Decimal("300.0000"))
    assert (soder["rapportenhet"], soder["rapportvolym"], soder["kostnad_per_rapportenhet"]) == (
        None, None, None)


def test_a_report_volume_on_a_pool_split_over_insatser_is_refused(tmp_path):
    rules = RULES.replace('insats = "hemtjanst"\nutforare = ["Norr"]',
                          'fordelning = [ { insats = "hemtjanst", andel = 1.0 } ]')
    (tmp_path / "regler").mkdir()
    (tmp_path / "regler/2024.toml").write_text(rules, encoding="utf-8")
    (tmp_path / "kpb.toml").write_text('kommun = "Testby"\n', encoding="utf-8")
    result = run("check", 2024, "--project", tmp_path)
    assert result.exit_code == 1
    assert "pool[1] (hemtjanst_norr).rapportvolym" in result.output
    assert "fordelning" in result.output
