"""The KPB network through the CLI: three synthetic kommuner and Exempelkommun share their
2024 packages (`kpb dela`), `kpb natverk` ranks them, and every median, quartile and rank
is derived here by hand from the packages' own figures."""

import re
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from kpb.cli import main

EXEMPEL = Path(__file__).parents[1] / "fixtures" / "exempelkommun"
KEY = "testnyckel-som-bara-finns-i-natverkstesterna"
CODES = {"exempel": "1489", "synt1": "0180", "synt2": "1280", "synt3": "2480"}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], env={"KPB_PSEUDONYM_NYCKEL": KEY})


def ok(*args):
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def network(tmp_path_factory) -> Path:
    """<tmp>/projekt/<name> (computed) and <tmp>/paket (the shared folder, compared)."""
    base = tmp_path_factory.mktemp("natverk")
    projects = base / "projekt"
    shutil.copytree(EXEMPEL, projects / "exempel",
                    ignore=shutil.ignore_patterns("ut", "kpb.duckdb*", "kpb.key"))
    for seed, name in enumerate(("synt1", "synt2", "synt3"), start=1):
        ok("synth", "--invanare", 20000, "--seed", seed, "--out", projects / name, "--tyst")
    for name, code in CODES.items():
        ok("compute", 2024, "--project", projects / name, "--tyst", "--utan-rapport")
        ok("dela", 2024, "--project", projects / name, "--kommunkod", code,
           "--ut", base / "paket", "--tyst")
    ok("compute", 2022, "--project", projects / "exempel", "--tyst", "--utan-rapport")
    ok("dela", 2022, "--project", projects / "exempel", "--kommunkod", "1489",
       "--ut", base / "paket", "--tyst")
    result = ok("natverk", base / "paket", "--ar", 2024, "--kommun", 1489, "--tyst",
                "--index", "2022=100", "--index", "2024=110,4")
    assert "4 kommuner jämförs (0180, 1280, 1489, 2480)" in result.output
    return base


def package(base: Path, code: str, year: int, table: str) -> pl.DataFrame:
    return pl.read_parquet(base / "paket" / f"kommun={code}" / f"ar={year}" / f"{table}.parquet")


def comparison(base: Path) -> pl.DataFrame:
    return pl.read_parquet(base / "paket" / "natverk_2024" / "natverk_jamforelse.parquet")


def ore(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def quantile(values: list[Decimal], k: int) -> Decimal:
    """Type 7: position (n − 1)·k/4 between the closest values, rounded to the öre."""
    values = sorted(values)
    position = Decimal((len(values) - 1) * k) / 4
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return ore(values[low] + (values[high] - values[low]) * (position - low))


@pytest.mark.parametrize("insats", ["sabo", "hemtjanst", "larm"])
def test_ranks_median_and_quartiles_by_hand(network, insats):
    own = {code: package(network, code, 2024, "insats").filter(
        (pl.col("katalogkod") == insats) & (pl.col("aldersgrupp") == "alla")
    ).row(0, named=True)["kostnad_per_enhet"] for code in CODES.values()}
    assert len(own) == 4 and all(v is not None for v in own.values())
    rows = comparison(network).filter((pl.col("kod") == insats)
                                      & (pl.col("matt") == "kostnad_per_enhet"))
    assert rows.height == 4
    ordered = sorted(own, key=lambda code: (own[code], code))
    for row in rows.iter_rows(named=True):
        assert row["varde"] == own[row["kommun"]]
        assert row["rang"] == ordered.index(row["kommun"]) + 1
        assert row["kommuner"] == 4
        # four kommuner: the median is the mean of the two middle ones
        middle = sorted(own.values())[1:3]
        assert row["median"] == ore(sum(middle) / 2) == quantile(list(own.values()), 2)
        assert row["kvartil1"] == quantile(list(own.values()), 1)
        assert row["kvartil3"] == quantile(list(own.values()), 3)
        assert row["fran_median"] == row["varde"] - row["median"]


def test_kr_per_invanare_of_an_omrade_by_hand(network):
    own = {code: package(network, code, 2024, "omrade").filter(
        (pl.col("omrade") == "ÄO") & (pl.col("aldersgrupp") == "alla")
    ).row(0, named=True) for code in CODES.values()}
    invanare = {code: package(network, code, 2024, "paket")["invanare"][0] for code in own}
    for code, row in own.items():  # the package's own figure: cost ÷ invånare, to the öre
        assert row["kostnad_per_invanare"] == ore(row["kostnad"] / invanare[code])
    rows = comparison(network).filter((pl.col("niva") == "omrade") & (pl.col("kod") == "ÄO")
                                      & (pl.col("matt") == "kostnad_per_invanare"))
    values = [r["kostnad_per_invanare"] for r in own.values()]
    assert set(rows["median"].to_list()) == {quantile(values, 2)}


def test_change_since_the_earlier_package_nominal_and_in_fixed_prices(network):
    sabo = (pl.col("katalogkod") == "sabo") & (pl.col("aldersgrupp") == "alla")
    then = package(network, "1489", 2022, "insats").filter(sabo)["kostnad_per_enhet"][0]
    now = package(network, "1489", 2024, "insats").filter(sabo)["kostnad_per_enhet"][0]
    row = comparison(network).filter((pl.col("kod") == "sabo") & (pl.col("kommun") == "1489")
                                     & (pl.col("matt") == "kostnad_per_enhet")).row(0, named=True)
    assert row["ar_tidigare"] == 2022 and row["varde_tidigare"] == then
    fixed = ore(then * Decimal("110.4") / 100)
    assert row["varde_tidigare_fast"] == fixed
    assert row["forandring"] == ((now - then) / then).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    assert row["forandring_fast"] == ((now - fixed) / fixed).quantize(Decimal("0.0001"),
                                                                     ROUND_HALF_UP)
    others = comparison(network).filter(pl.col("kommun") != "1489")
    assert others["ar_tidigare"].null_count() == others.height  # no earlier package


def test_workbook_and_web_page_mark_the_chosen_kommun(network):
    folder = network / "paket" / "natverk_2024"
    page = (folder / "natverk_2024.html").read_text(encoding="utf-8")
    assert "KPB-nätverket 2024" in page and "▶ 1489 Exempelkommun" in page
    from openpyxl import load_workbook

    book = load_workbook(folder / "natverk_2024.xlsx", read_only=True)
    assert {"Paket", "Kostnad per enhet", "Område per invånare", "Gini"} <= set(book.sheetnames)


PERSONNUMMER = re.compile(rb"(?<!\d)(\d{2})?\d{6}[-+]?\d{4}(?!\d)")


def valid_numbers(data: bytes) -> list[str]:
    """Runs of digits shaped like a personnummer whose date and check digit hold."""
    from kpb.load.personnummer import is_valid, normalised

    found = [m.group().decode() for m in PERSONNUMMER.finditer(data)]
    frame = pl.DataFrame({"n": found}, schema={"n": pl.Utf8})
    return frame.filter(is_valid(normalised(pl.col("n"), 2024)).fill_null(False))["n"].to_list()


def test_the_scan_finds_a_personnummer():
    assert valid_numbers(b"\x00abc640823-3234\x15") == ["640823-3234"]
    assert valid_numbers(b"3040056093") == []


def test_no_person_in_any_package_byte(network):
    pseudonyms = set()
    for name in CODES:
        for year in (2022, 2024) if name == "exempel" else (2024,):
            ids = pl.read_parquet(network / "projekt" / name / "ut" / str(year) / "brukare.parquet")
            pseudonyms |= set(ids["person_id"].to_list())
    files = sorted((network / "paket").glob("kommun=*/ar=*/*.parquet"))
    assert len(files) == 15
    for path in files:
        data = path.read_bytes()  # uncompressed: every text value is in the bytes as it is
        sha = pl.read_parquet(path.parent / "paket.parquet")["regler_sha256"][0]
        assert not valid_numbers(data.replace(sha.encode(), b"")), path
        assert not any(p.encode() in data for p in pseudonyms), path
        columns = set(pl.read_parquet_schema(path))
        assert not columns & {"person_id", "person", "personnummer", "hushall"}, path


def test_no_published_cell_describes_fewer_than_three_brukare(network):
    for path in (network / "paket").glob("kommun=*/ar=*/*.parquet"):
        frame = pl.read_parquet(path)
        if "brukare" not in frame.columns:
            continue
        published = frame.filter(~pl.col("skyddad"))
        assert (published["brukare"] >= 3).all(), path
        withheld = frame.filter(pl.col("skyddad"))
        assert withheld.select(pl.exclude("katalogkod", "namn", "omrade", "aldersgrupp", "enhet",
                                          "skyddad")).null_count().row(0) == tuple(
            [withheld.height] * (len(withheld.columns) - (6 if "katalogkod" in frame.columns
                                                          else 3)))


def test_a_package_of_another_schema_version_is_named_not_mixed(network, tmp_path):
    shutil.copytree(network / "paket", tmp_path / "paket",
                    ignore=shutil.ignore_patterns("natverk_*"))
    other = tmp_path / "paket" / "kommun=0999" / "ar=2024"
    shutil.copytree(tmp_path / "paket" / "kommun=0180" / "ar=2024", other)
    paket = pl.read_parquet(other / "paket.parquet").with_columns(
        kommunkod=pl.lit("0999"), schemaversion=pl.lit(2, pl.Int32))
    paket.write_parquet(other / "paket.parquet")
    result = ok("natverk", tmp_path / "paket", "--tyst")
    assert "Utelämnat" in result.output and "kommun=0999" in result.output
    assert "schemaversion 2" in result.output
    rows = pl.read_parquet(tmp_path / "paket" / "natverk_2024" / "natverk_jamforelse.parquet")
    assert "0999" not in rows["kommun"].to_list()
    status = pl.read_parquet(tmp_path / "paket" / "natverk_2024" / "natverk_paket.parquet")
    assert status.filter(pl.col("kommun") == "0999")["status"][0].startswith("utelämnat")


def test_dela_without_kommunkod_is_a_clear_error(network):
    result = run("dela", 2024, "--project", network / "projekt" / "synt1")
    assert result.exit_code == 1
    assert "kommunkod: saknas, väntade kommunens fyrsiffriga SCB-kod" in result.output
    assert "Traceback" not in result.output


def test_dela_of_a_year_not_computed_is_a_clear_error(network):
    result = run("dela", 2020, "--project", network / "projekt" / "synt1", "--kommunkod", "0180")
    assert result.exit_code == 1
    assert "ut/2020/manifest.json: saknas: kör `kpb compute 2020` först" in result.output


def test_natverk_of_a_folder_without_packages(tmp_path):
    result = run("natverk", tmp_path)
    assert result.exit_code == 1
    assert "inga delningspaket att jämföra" in result.output


def test_packages_hold_exactly_the_documented_columns(network):
    from kpb.network.layout import COLUMNS

    for path in (network / "paket").glob("kommun=*/ar=*/*.parquet"):
        assert tuple(pl.read_parquet_schema(path)) == COLUMNS[path.stem], path


def test_a_package_missing_a_column_is_named_not_read(network, tmp_path):
    shutil.copytree(network / "paket", tmp_path / "paket",
                    ignore=shutil.ignore_patterns("natverk_*"))
    broken = tmp_path / "paket" / "kommun=2480" / "ar=2024" / "omrade.parquet"
    pl.read_parquet(broken).drop("gini").write_parquet(broken)
    result = ok("natverk", tmp_path / "paket", "--tyst")
    assert "kommun=2480/ar=2024: omrade.parquet saknar gini" in result.output
    assert "3 kommuner jämförs (0180, 1280, 1489)" in result.output


def test_kronor_per_invoiced_krona_is_never_compared_as_a_unit_cost(network):
    rows = comparison(network).filter(pl.col("matt") == "kostnad_per_enhet")
    assert "kronor" not in rows["enhet"].to_list()
    per_inhabitant = comparison(network).filter((pl.col("matt") == "kostnad_per_invanare")
                                                & (pl.col("kod") == "hvb_barn"))
    assert per_inhabitant.height > 0  # the direct pools are still compared per invånare


def test_kr_per_vårddygn_is_the_engines_own_figure_to_the_ore(network):
    engine = pl.read_parquet(network / "projekt" / "exempel" / "ut" / "2024" / "insats.parquet")
    own = engine.filter(pl.col("insats") == "hvb_barn").row(0, named=True)
    shared = package(network, "1489", 2024, "insats").filter(
        (pl.col("katalogkod") == "hvb_barn") & (pl.col("aldersgrupp") == "alla")).row(0, named=True)
    assert shared["rapportenhet"] == own["rapportenhet"] == "vårddygn"
    assert shared["rapportvolym"] == own["rapportvolym"]
    assert shared["kostnad_per_rapportenhet"] == ore(own["kostnad_per_rapportenhet"])
