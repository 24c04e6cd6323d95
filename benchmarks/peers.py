"""The end-to-end peers (issue 11): what a competent analyst would write by hand over the
same CSV files, once with DuckDB and once with Polars.

Each reads the activity exports, pseudonymises (normalised personnummer, HMAC with the
project's key, once per distinct id), takes volumes per unit (timmar, antal, dygn with
overlaps merged, distinct months), splits each operating pool × insats to the öre by the
largest remainder (ties by person_id) and writes Parquet. The rules' pool matching and the
pool amounts after overhead (a few hundred numbers from a 50 000-row ledger) are given, as
for the baseline kernel; the runner checks both peers give kpb's öre on every person ×
insats × pool.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path

import duckdb
import polars as pl

from benchmarks.baseline import (BASELINE_SQL, agrees_with_kpb, bounded, memory_limit_bytes,
                                 pool_match, pool_pris)
from kpb.load.pseudonym import load_key, person_id
from kpb.project import Project

PEER_SQL = Path(__file__).with_name("peer_duckdb.sql")
ACTIVITY_SCHEMA = {"person": pl.Utf8, "insats": pl.Utf8, "from": pl.Date, "tom": pl.Date,
                   "timmar": pl.Utf8, "antal": pl.Utf8, "utforare": pl.Utf8, "hushall": pl.Utf8}


def run(kind: str, project_dir: Path, year: int, out: Path) -> dict:
    project = Project.open(project_dir)
    files = sorted(project.data_dir(year, "aktivitet").glob("*.csv"))
    given = (pool_match(project, year), pool_pris(project, year), load_key(project))
    temp = out.with_name(out.stem + ".tmp")  # DuckDB's spill, removed afterwards
    started = time.perf_counter()
    try:
        (by_duckdb if kind == "duckdb" else by_polars)(files, year, out, *given, temp=temp)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    seconds = time.perf_counter() - started
    return {"sekunder": seconds, "stammer_med_kpb": agrees_with_kpb(project, year, out)}


# -- pseudonyms, the same in both peers ------------------------------------------------

def pseudonyms(persons: pl.Series, year: int, key: bytes) -> pl.DataFrame:
    """person -> person_id: 10- or 12-digit personnummer normalised to 12 digits (the century
    that makes the person 0-99 years old at the end of the year, 100+ with '+'), then HMAC."""
    digits = persons.str.replace_all(r"[\s-]", "").str.replace("+", "", literal=True)
    century = pl.Series([_century(d, p, year) for d, p in zip(digits, persons)])
    normalised = (century + digits.str.slice(-10)).to_list()
    return pl.DataFrame({"person": persons,
                         "person_id": [person_id(key, n) for n in normalised]})


def _century(digits: str, written: str, year: int) -> str:
    if len(digits) == 12:
        return digits[:2]
    oldest = year - 100 if "+" in written else year
    born = oldest - (oldest - int(digits[:2])) % 100
    return str(born)[:2]


# -- DuckDB by hand ----------------------------------------------------------------------

def by_duckdb(files, year, out, matches, prices, key, temp: Path) -> None:
    """As an analyst would: DuckDB told how much of the machine it may use and where to
    spill (baseline.bounded), the table in memory when the CSV is well inside that limit,
    else in a database file (compressed: 245M rows are 1.4 GB there, but 30+ GB of
    uncompressed blocks spilled from an in-memory table at 10M invånare)."""
    temp.mkdir(parents=True, exist_ok=True)
    on_disk = sum(f.stat().st_size for f in files) * IN_MEMORY_FACTOR > memory_limit_bytes()
    con = duckdb.connect(str(temp / "peer.duckdb") if on_disk else ":memory:")
    bounded(con, temp)
    con.execute(f"SET VARIABLE ar = {int(year)}")
    persons = con.sql("SELECT DISTINCT person FROM read_csv($files, union_by_name = true, "
                      "header = true, all_varchar = true)",
                      params={"files": [str(f) for f in files]}).pl()["person"]
    con.register("pseudonyms", pseudonyms(persons, year, key))
    con.execute(PEER_SQL.read_text(encoding="utf-8"), {"files": [str(f) for f in files]})
    con.register("pool_match", matches)
    con.register("pool_pris", prices)
    con.sql(BASELINE_SQL.read_text(encoding="utf-8")).write_parquet(str(out))
    con.close()


# -- Polars by hand ----------------------------------------------------------------------

KEYS = ["person_id", "insats", "pool"]
IN_MEMORY_FACTOR = 4  # a typed in-memory table takes about 4 × its CSV (DuckDB at 1M-4M)


def by_polars(files, year, out, matches, prices, key, temp: Path) -> None:
    """Two passes over the CSV with Polars' streaming engine (bounded memory at any size):
    the distinct persons, then the matched rows reduced to what the volumes need - hours and
    counts summed per person × insats × pool, the date ranges of day and month units kept
    (a few per person). The volumes and the split run over that small frame."""
    raw = pl.concat([pl.scan_csv(f, schema_overrides=ACTIVITY_SCHEMA) for f in files],
                    how="diagonal_relaxed")
    persons = raw.select(pl.col("person").unique()).collect(engine="streaming")["person"]
    ids = pseudonyms(persons, year, key).lazy()
    rows = raw.join(ids, on="person").select(
        "person_id", "insats", pl.col("utforare").fill_null(""), "from", "tom",
        timmar_milli=_milli("timmar"), antal_milli=_milli("antal").fill_null(1000))
    matched = _reduced(_matched(rows, matches.lazy())).collect(engine="streaming").lazy()
    volumes = pl.concat([_summed(matched), _days(matched, year), _months(matched, year)])
    _split(volumes, prices.lazy()).sort(KEYS).collect().write_parquet(out)


def _reduced(matched: pl.LazyFrame) -> pl.LazyFrame:
    """Hours and counts summed per key (their dates dropped); day and month rows once per
    distinct range (a repeated range adds no day and no month)."""
    summed = pl.col("enhet").is_in(["timmar", "antal"])
    return (matched.with_columns(pl.when(~summed).then(pl.col(c)).alias(c) for c in ("from", "tom"))
            .group_by(KEYS + ["enhet", "from", "tom"])
            .agg(pl.col("timmar_milli").sum(), pl.col("antal_milli").sum()))


def _milli(column: str) -> pl.Expr:
    """Exact thousandths from decimal text through Decimal, never float."""
    return (pl.col(column).cast(pl.Decimal(18, 3)) * 1000).cast(pl.Int64)


def _matched(rows: pl.LazyFrame, matches: pl.LazyFrame) -> pl.LazyFrame:
    krav = pl.col("utforare")
    open_pools = rows.join(matches.filter(krav.is_null()).drop("utforare"), on="insats")
    named = rows.join(matches.filter(krav.is_not_null()), on=["insats", "utforare"])
    return pl.concat([open_pools, named], how="diagonal")


def _summed(matched: pl.LazyFrame) -> pl.LazyFrame:
    milli = pl.when(pl.col("enhet") == "timmar").then("timmar_milli").otherwise("antal_milli")
    return (matched.filter(pl.col("enhet").is_in(["timmar", "antal"]))
            .group_by(KEYS).agg(w=milli.sum()))


def _span(matched: pl.LazyFrame, year: int, unit: str) -> pl.LazyFrame:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return (matched.filter(pl.col("enhet") == unit)
            .select(KEYS, d0=pl.max_horizontal("from", pl.lit(first)),
                    d1=pl.min_horizontal(pl.col("tom").fill_null(last), pl.lit(last)))
            .filter(pl.col("d0") <= pl.col("d1")))


def _days(matched: pl.LazyFrame, year: int) -> pl.LazyFrame:
    spans = _span(matched, year, "dygn").sort(KEYS + ["d0", "d1"])
    reached = pl.col("d1").cum_max().shift(1).over(KEYS)
    start = pl.when(reached.is_null() | (pl.col("d0") > reached)).then("d0").otherwise(
        reached + dt.timedelta(days=1))
    new = (pl.col("d1") - start).dt.total_days() + 1
    return spans.group_by(KEYS).agg(w=new.clip(lower_bound=0).sum())


def _months(matched: pl.LazyFrame, year: int) -> pl.LazyFrame:
    spans = _span(matched, year, "manader")
    months = spans.select(KEYS, m=pl.int_ranges(pl.col("d0").dt.month(),
                                                 pl.col("d1").dt.month() + 1)).explode("m")
    return months.group_by(KEYS).agg(w=pl.col("m").n_unique().cast(pl.Int64))


def _split(volumes: pl.LazyFrame, prices: pl.LazyFrame) -> pl.LazyFrame:
    """Largest remainder per pool × insats, exact in Int128; ties by person_id."""
    group = ["pool", "insats"]
    shares = volumes.join(prices, on=group).with_columns(
        numerator=pl.col("belopp_ore").cast(pl.Int128) * pl.col("w"),
        denominator=pl.col("w").cast(pl.Int128).sum().over(group))
    floors = shares.with_columns(floor=pl.col("numerator") // pl.col("denominator"),
                                 rest=pl.col("numerator") % pl.col("denominator"))
    ranked = floors.sort(group + ["rest", "person_id"], descending=[False, False, True, False]
                         ).with_columns(
        left=pl.col("belopp_ore") - pl.col("floor").sum().over(group),
        place=pl.int_range(1, pl.len() + 1).over(group))
    return ranked.select(KEYS, kostnad_ore=(pl.col("floor") + (pl.col("place") <= pl.col("left"))
                                            .cast(pl.Int128)).cast(pl.Int64))
