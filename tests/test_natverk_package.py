"""The sharing package's tables over random projects: no published cell describes fewer than
3 brukare, a withheld band can never be recomputed from its total, and no column holds a
person; the optional reporting volume of insats.parquet is used when the engine writes it."""

from decimal import Decimal
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpb.network.package import AGE_ORDER, insats_table, omrade_table
from kpb.write.decimal_columns import sek, units

CATALOGUE = {"hvb_barn": ("BUF", "kronor"), "familjehem": ("BUF", "dygn"),
             "hemtjanst": ("ÄO", "timmar")}
AGES = list(AGE_ORDER)


def write_outputs(folder: Path, persons: list[str], rows: list[tuple], reporting=None) -> Path:
    """ut/<year>-shaped Parquet: brukare, brukare_insats and insats, money as DECIMAL."""
    folder.mkdir(parents=True, exist_ok=True)
    ids = [f"p{i:04d}" for i in range(len(persons))]
    pl.DataFrame({"person_id": ids, "aldersgrupp": persons},
                 schema={"person_id": pl.Utf8, "aldersgrupp": pl.Utf8}
                 ).write_parquet(folder / "brukare.parquet")
    frame = pl.DataFrame(
        [(ids[p], insats, CATALOGUE[insats][0], CATALOGUE[insats][1], volume, cost)
         for p, insats, volume, cost in rows],
        schema={"person_id": pl.Utf8, "insats": pl.Utf8, "omrade": pl.Utf8, "enhet": pl.Utf8,
                "volym_milli": pl.Int64, "kostnad_ore": pl.Int64}, orient="row")
    frame.select("person_id", "insats", "omrade", "enhet", units("volym_milli").alias("volym"),
                 sek("kostnad_ore").alias("kostnad")
                 ).write_parquet(folder / "brukare_insats.parquet")
    costs = frame.group_by("insats").agg(pl.col("kostnad_ore").sum())
    insats = (pl.DataFrame({"insats": list(CATALOGUE), "namn": [k.upper() for k in CATALOGUE]})
              .join(costs, on="insats", how="left")
              .with_columns(pl.col("kostnad_ore").fill_null(0))
              .select("insats", "namn", sek("kostnad_ore").alias("kostnad")))
    if reporting is not None:
        insats = insats.join(reporting, on="insats", how="left")
    insats.write_parquet(folder / "insats.parquet")
    return folder


projects = st.integers(0, 40).flatmap(lambda n: st.tuples(
    st.lists(st.sampled_from(AGES), min_size=n, max_size=n),
    st.lists(st.tuples(st.integers(0, max(n - 1, 0)), st.sampled_from(list(CATALOGUE)),
                       st.integers(0, 400_000), st.integers(-50_000, 30_000_000)),
             max_size=0 if n == 0 else 80)))


def check_group(group: pl.DataFrame) -> None:
    published = group.filter(~pl.col("skyddad"))
    assert (published["brukare"] >= 3).all()
    total = group.filter(pl.col("aldersgrupp") == "alla")
    withheld_bands = group.filter(pl.col("skyddad") & (pl.col("aldersgrupp") != "alla"))
    if total.height and not total["skyddad"][0]:
        assert withheld_bands.height != 1  # one withheld band = total − the others


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(projects)
def test_no_published_cell_of_fewer_than_three_brukare(tmp_path_factory, project):
    persons, rows = project
    folder = write_outputs(tmp_path_factory.mktemp("ut"), persons, rows)
    for table, key in ((insats_table(folder, 10_000), "katalogkod"),
                       (omrade_table(folder, 10_000, None), "omrade")):
        assert not set(table.columns) & {"person_id", "person", "hushall"}
        for _, group in table.group_by(key):
            check_group(group)
        shown = table.filter(~pl.col("skyddad") & (pl.col("aldersgrupp") == "alla"))
        if "andel_dyraste_10" in table.columns:  # a decile of fewer than 3 is never shown
            top = shown.filter(pl.col("andel_dyraste_10").is_not_null())
            assert (top["brukare"] >= 30).all()


def test_the_reporting_volume_of_insats_parquet_is_shared_when_there(tmp_path):
    persons = ["0-19"] * 4
    rows = [(i, "hvb_barn", 250_000_000, 25_000_000) for i in range(4)]  # 4 × 250 000 kr
    reporting = pl.DataFrame({"insats": ["hvb_barn"], "rapportenhet": ["vårddygn"],
                              "rapportvolym": [Decimal("400.000")]},
                             schema={"insats": pl.Utf8, "rapportenhet": pl.Utf8,
                                     "rapportvolym": pl.Decimal(18, 3)})
    with_volume = insats_table(write_outputs(tmp_path / "a", persons, rows, reporting), 20_000)
    row = with_volume.filter(pl.col("aldersgrupp") == "alla").row(0, named=True)
    # 1 000 000 kr over 400 vårddygn = 2 500 kr/vårddygn; per invånare 1 000 000 / 20 000 = 50
    assert (row["rapportenhet"], row["rapportvolym"]) == ("vårddygn", Decimal("400.000"))
    assert row["kostnad_per_rapportenhet"] == Decimal("2500.00")
    assert row["kostnad_per_invanare"] == Decimal("50.00")
    assert row["kostnad_per_enhet"] == Decimal("1.00")  # kronor per invoiced krona
    band = with_volume.filter(pl.col("aldersgrupp") == "0-19").row(0, named=True)
    assert band["rapportvolym"] is None  # the reporting volume is not counted per age band
    without = insats_table(write_outputs(tmp_path / "b", persons, rows), 20_000)
    assert without.filter(pl.col("aldersgrupp") == "alla")["kostnad_per_rapportenhet"][0] is None


def test_a_swap_cut_between_its_renames_gives_the_old_package_back(tmp_path):
    from kpb.write.outputs import undo_swap

    target = tmp_path / "kommun=1489" / "ar=2024"
    old = tmp_path / "kommun=1489" / ".ar=2024.old-4711"
    staged = tmp_path / "kommun=1489" / ".ar=2024.tmp-4711-abcd"
    for folder in (old, staged):
        folder.mkdir(parents=True)
        (folder / "paket.parquet").write_text(folder.name)
    undo_swap(target)  # killed after renaming the old package away, before renaming the new in
    assert (target / "paket.parquet").read_text() == ".ar=2024.old-4711"
    assert sorted(p.name for p in target.parent.iterdir()) == ["ar=2024"]


def test_per_rapportenhet_divides_the_cost_of_the_pools_that_count_it(tmp_path):
    persons = ["80+"] * 3
    rows = [(i, "hemtjanst", 100_000, 33_333_333) for i in range(3)]  # 3 × 333 333,33 kr
    folder = write_outputs(tmp_path / "ut", persons, rows)
    pl.DataFrame({  # egen regi counts beviljade timmar, the bought hours do not
        "insats": ["hemtjanst", "hemtjanst"], "namn": ["Hemtjänst", "Hemtjänst"],
        "pool": ["hemtjanst_egen", "hemtjanst_extern"],
        "kostnad": [Decimal("600000.00"), Decimal("399999.99")],
        "rapportenhet": ["beviljad timme", None],
        "rapportvolym": [Decimal("1000.000"), None],
    }, schema_overrides={"kostnad": pl.Decimal(18, 2), "rapportvolym": pl.Decimal(18, 3)}
    ).write_parquet(folder / "insats.parquet")
    row = insats_table(folder, None).filter(pl.col("aldersgrupp") == "alla").row(0, named=True)
    assert row["rapportenhet"] == "beviljad timme"
    assert row["kostnad_per_rapportenhet"] == Decimal("600.00")  # 600 000 kr / 1 000 h
    assert row["kostnad"] == Decimal("999999.99")  # the brukare's cost, both pools
