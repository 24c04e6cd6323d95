"""`kpb explain`: the chain behind one brukare's cost, read back from the outputs.

ledger rows → pool → overhead received → pool cost ÷ volume = styckkostnad → the person's
volume → cost. Everything is read from ut/<year>/*.parquet, so the explanation shows exactly
what was written, not a recomputation.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import polars as pl

from kpb.errors import KpbError, error
from kpb.load.personnummer import mask
from kpb.project import Project


def explain_person(project: Project, year: int, person_id: str,
                   insats: str | None = None) -> list[str]:
    outputs = project.output_dir(year)
    rows = _person_rows(outputs, person_id, insats)
    lines = [f"Brukare {person_id}, {year}: {_kr(rows['kostnad'].sum())} kr i "
             f"{rows.height} insats/pool-rader"]
    for row in rows.iter_rows(named=True):
        lines += [""] + _chain(outputs, row)
    return lines


def _person_rows(outputs: Path, person_id: str, insats: str | None) -> pl.DataFrame:
    path = outputs / "brukare_insats.parquet"
    if not path.is_file():
        raise KpbError("explain", [error(str(path), None, None,
                                         "inga resultat: kör `kpb compute` först")])
    rows = pl.scan_parquet(path).filter(pl.col("person_id") == person_id)
    if insats:
        rows = rows.filter(pl.col("insats") == insats)
    rows = rows.sort("insats", "pool").collect()
    if rows.is_empty():
        what = f" med insats {insats}" if insats else ""
        raise KpbError("explain", [error("brukare_insats.parquet", None, "person_id",
                                         f"ingen brukare {_shown(person_id)}{what} för året")])
    return rows


def _chain(outputs: Path, row: dict) -> list[str]:
    pool_name, insats = row["pool"], row["insats"]
    pool = _one(outputs / "pool.parquet", pl.col("pool") == pool_name)
    price = _one(outputs / "insats.parquet",
                 (pl.col("pool") == pool_name) & (pl.col("insats") == insats))
    lines = [f"{insats} (pool {pool_name}, {row['kalla']})"]
    lines += _ledger_lines(outputs, pool_name)
    lines += _overhead_lines(outputs, pool_name, pool)
    lines.append(f"  poolens kostnad att fördela: {_kr(pool['att_fordela'])} kr")
    if price is not None:
        lines.append(f"  insatsens andel {_kr(price['kostnad'])} kr ÷ volym "
                     f"{_num(price['volym'])} {price['enhet']} = styckkostnad "
                     f"{_num(price['styckkostnad'])} kr per {_unit(price['enhet'])}")
    lines.append(f"  brukarens volym {_num(row['volym'])} {row['enhet']} → kostnad "
                 f"{_kr(row['kostnad'])} kr")
    return lines


def _ledger_lines(outputs: Path, pool_name: str) -> list[str]:
    per_file = (pl.scan_parquet(outputs / "ledger_pool.parquet")
                .filter(pl.col("pool") == pool_name)
                .group_by("kalla_fil", "regel")
                .agg(pl.len().alias("rader"), pl.col("belopp").sum())
                .sort("kalla_fil", "regel").collect())
    lines = [f"  huvudbok: {per_file['rader'].sum()} rader, {_kr(per_file['belopp'].sum())} kr"]
    lines += [f"    {r['kalla_fil']}: {r['rader']} rader, {_kr(r['belopp'])} kr ({r['regel']})"
              for r in per_file.iter_rows(named=True)]
    return lines


def _overhead_lines(outputs: Path, pool_name: str, pool: dict | None) -> list[str]:
    flows = (pl.read_parquet(outputs / "fordelning.parquet")
             .filter(pl.col("till_pool") == pool_name).sort("fran_pool"))
    if flows.is_empty():
        return ["  gemensamma kostnader mottagna: inga"]
    received = pool["erhallen_gemensam"] if pool else flows["belopp"].sum()
    lines = [f"  gemensamma kostnader mottagna: {_kr(received)} kr"]
    lines += [f"    från {r['fran_pool']}: {_kr(r['belopp'])} kr (nyckelvärde {r['nyckelvarde']})"
              for r in flows.iter_rows(named=True)]
    return lines


def _shown(person_id: str) -> str:
    """The id as typed, unless it is shaped like a personnummer: outputs hold pseudonyms only,
    and a message must never echo a number back."""
    if re.search(r"[0-9]{6}", person_id):
        return f"{mask(person_id)} (ser ut som ett personnummer: ange pseudonymen person_id)"
    return person_id


def _one(path: Path, condition: pl.Expr) -> dict | None:
    rows = pl.read_parquet(path).filter(condition)
    return rows.row(0, named=True) if rows.height else None


def _kr(value) -> str:
    return _num(Decimal(value or 0).quantize(Decimal("0.01")))


def _num(value) -> str:
    """Swedish display: space as thousands separator, decimal comma."""
    text = f"{Decimal(value or 0):,f}"
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0") if len(fraction) > 2 else fraction
    return whole.replace(",", " ") + ("," + fraction if fraction else "")


def _unit(enhet: str) -> str:
    return {"timmar": "timme", "dygn": "dygn", "manader": "månad", "antal": "st",
            "kronor": "krona"}.get(enhet, enhet)
