"""The baseline kernel: benchmarks/baseline.sql over the loaded data in kpb.duckdb.

Pool amounts (after overhead) come from kpb's own insats.parquet, so the baseline does
exactly the work of kpb's person split and its result can be compared to the öre with
brukare_insats.parquet (kalla = fordelad).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import duckdb
import polars as pl

from kpb.project import Project
from kpb.rules import read_rules

BASELINE_SQL = Path(__file__).with_name("baseline.sql")


def pool_match(project: Project, year: int) -> pl.DataFrame:
    """(pool, insats, utforare, enhet) for every operating pool: a handful of rows."""
    rules = read_rules(project.rules_file(year), year)
    rows = []
    for pool in rules.pools:
        if pool.typ != "verksamhet":
            continue
        insatser = [pool.insats] if pool.insats else [kod for kod, _ in pool.fordelning]
        for insats in insatser:
            for utforare in pool.utforare or (None,):
                rows.append((pool.namn, insats, utforare, rules.insatser[insats].enhet))
    return pl.DataFrame(rows, schema=["pool", "insats", "utforare", "enhet"], orient="row")


def pool_pris(project: Project, year: int) -> pl.DataFrame:
    return (pl.read_parquet(project.output_dir(year) / "insats.parquet")
            .filter(pl.col("enhet") != "kronor")
            .select("pool", "insats", belopp_ore=(pl.col("kostnad") * 100).cast(pl.Int64)))


MEMORY_SHARE = 0.4  # of the machine's RAM: DuckDB's memory_limit in the baseline and peer


def memory_limit_bytes() -> int:
    with open("/proc/meminfo", encoding="ascii") as file:
        total_kib = int(file.readline().split()[1])
    return int(total_kib * 1024 * MEMORY_SHARE)


def bounded(con: duckdb.DuckDBPyConnection, temp: Path) -> None:
    """What an analyst does on a shared machine: a memory limit, a spill folder on the big
    disk, and no ordering kept where the query does not ask for it (10M invånare needs all
    three; below 4M nothing comes near the limit)."""
    con.execute(f"SET memory_limit = '{memory_limit_bytes() // 2**20}MiB'")
    con.execute(f"SET temp_directory = '{temp}'")
    con.execute("SET preserve_insertion_order = false")


def run(project_dir: Path, year: int, out: Path) -> dict:
    """Time the query alone (reading aktivitet from DuckDB through writing Parquet)."""
    project = Project.open(project_dir)
    matches, prices = pool_match(project, year), pool_pris(project, year)
    con = duckdb.connect(str(project.database), read_only=True)
    temp = out.with_name(out.stem + ".tmp")
    bounded(con, temp)
    con.register("pool_match", matches)
    con.register("pool_pris", prices)
    con.execute(f"SET VARIABLE ar = {int(year)}")
    started = time.perf_counter()
    con.sql(BASELINE_SQL.read_text(encoding="utf-8")).write_parquet(str(out))
    seconds = time.perf_counter() - started
    con.close()
    shutil.rmtree(temp, ignore_errors=True)
    return {"sekunder": seconds, "rader_ut": pl.scan_parquet(out).select(pl.len()).collect().item(),
            "stammer_med_kpb": agrees_with_kpb(project, year, out)}


def agrees_with_kpb(project: Project, year: int, out: Path) -> dict:
    """Compare person × insats × pool costs with kpb's brukare_insats, to the öre."""
    kpb_rows = (pl.scan_parquet(project.output_dir(year) / "brukare_insats.parquet")
                .filter((pl.col("kalla") == "fordelad") & (pl.col("enhet") != "kronor"))
                .select("person_id", "insats", "pool",
                        kpb_ore=(pl.col("kostnad") * 100).cast(pl.Int64)))
    ours = pl.scan_parquet(out)
    joined = ours.join(kpb_rows, on=["person_id", "insats", "pool"], how="full", coalesce=True)
    counts = joined.select(
        rader=pl.len(),
        lika=(pl.col("kostnad_ore") == pl.col("kpb_ore")).sum(),
        olika=(pl.col("kostnad_ore") != pl.col("kpb_ore")).sum(),
        bara_baslinje=pl.col("kpb_ore").is_null().sum(),
        bara_kpb=pl.col("kostnad_ore").is_null().sum()).collect()
    return counts.row(0, named=True)
