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
from kpb.load.personnummer import mask, mask_within
from kpb.money import swedish_decimal
from kpb.project import Project


def explain_person(project: Project, year: int, person_id: str,
                   insats: str | None = None) -> list[str]:
    outputs = project.output_dir(year)
    rows = _person_rows(outputs, person_id, insats)
    names = _insats_names(project, year)
    direct_pools = set(pl.read_parquet(outputs / "pool.parquet", glob=False)
                       .filter(pl.col("typ") == "direkt")["pool"].to_list())
    lines = [f"Brukare {person_id}, {year}: {_kr(rows['kostnad'].sum())} kr i "
             f"{rows.height} insats/pool-rader"]
    for (insats_code, pool_name), group in rows.group_by("insats", "pool", maintain_order=True):
        if pool_name in direct_pools:  # a direct pool: the person's own amounts + a share
            lines += [""] + _direct_chain(outputs, group, names.get(insats_code, ""))
        else:
            for row in group.iter_rows(named=True):  # one row per insats and pool
                lines += [""] + _chain(outputs, row, names.get(insats_code, ""))
    return lines


def _insats_names(project: Project, year: int) -> dict[str, str]:
    """Insats code -> the name in the rules (empty when the rules cannot be read)."""
    try:
        from kpb.rules import read_rules
        rules = read_rules(project.rules_file(year), year)
    except KpbError:
        return {}
    return {kod: i.namn for kod, i in rules.insatser.items() if i.namn and i.namn != kod}


def _direct_chain(outputs: Path, rows: pl.DataFrame, name: str) -> list[str]:
    """A direct pool in plain words: the person's invoices or payments, and their share of
    what the pool cost beyond all persons' direct amounts."""
    first = rows.row(0, named=True)
    pool_name, insats = first["pool"], first["insats"]
    pool = _one(outputs / "pool.parquet", pl.col("pool") == pool_name)
    price = _one(outputs / "insats.parquet",
                 (pl.col("pool") == pool_name) & (pl.col("insats") == insats))
    own = rows.filter(pl.col("kalla") == "direkt")["kostnad"].sum() or 0
    share = rows.filter(pl.col("kalla") != "direkt")["kostnad"].sum() or 0
    direct_total = Decimal(price["volym"]) if price else Decimal(0)
    cost = Decimal(pool["att_fordela"]) if pool else Decimal(0)
    rest = cost - direct_total
    title = f"{insats}" + (f" – {name}" if name else "")
    lines = [f"{title} (direktpool {pool_name}: belopp knutna till enskilda personer)"]
    lines += _ledger_lines(outputs, pool_name)
    lines += _overhead_lines(outputs, pool_name, pool)
    lines.append(f"  poolens kostnad: {_kr(cost)} kr, varav {_kr(direct_total)} kr är fakturor "
                 f"eller utbetalningar till enskilda personer och {_kr(rest)} kr är resten "
                 "(t.ex. resor, tolk, gemensamma kostnader)")
    lines.append(f"  brukarens egna fakturor/utbetalningar: {_kr(own)} kr")
    if share:
        lines.append(f"  brukarens andel av resten: {_kr(own)} kr av {_kr(direct_total)} kr "
                     f"→ {_kr(share)} kr (resten fördelas i proportion till varje persons "
                     "egna belopp)")
    elif pool and Decimal(pool["ofordelat"]):
        lines.append(f"  resten läggs inte på brukare: {_kr(pool['ofordelat'])} kr redovisas "
                     "som ofördelat i avstämningen")
    lines.append(f"  kostnad för brukaren: {_kr(Decimal(own) + Decimal(share))} kr")
    return lines


def _person_rows(outputs: Path, person_id: str, insats: str | None) -> pl.DataFrame:
    path = outputs / "brukare_insats.parquet"
    if not path.is_file():
        raise KpbError("explain", [error(str(path), None, None,
                                         "inga resultat: kör `kpb compute` först")])
    rows = pl.scan_parquet(path, glob=False).filter(pl.col("person_id") == person_id)
    if insats:
        rows = rows.filter(pl.col("insats") == insats)
    rows = rows.sort("insats", "pool").collect()
    if rows.is_empty():
        what = f" med insats {insats}" if insats else ""
        raise KpbError("explain", [error("brukare_insats.parquet", None, "person_id",
                                         f"ingen brukare {_shown(person_id)}{what} för året")])
    return rows


def _chain(outputs: Path, row: dict, name: str = "") -> list[str]:
    pool_name, insats = row["pool"], row["insats"]
    pool = _one(outputs / "pool.parquet", pl.col("pool") == pool_name)
    price = _one(outputs / "insats.parquet",
                 (pl.col("pool") == pool_name) & (pl.col("insats") == insats))
    lines = [f"{insats}" + (f" – {name}" if name else "") + f" (pool {pool_name}, {row['kalla']})"]
    lines += _ledger_lines(outputs, pool_name)
    lines += _overhead_lines(outputs, pool_name, pool)
    lines.append(f"  poolens kostnad att fördela: {_kr(pool['att_fordela'])} kr")
    if price is not None:
        lines.append(f"  insatsens andel {_kr(price['kostnad'])} kr ÷ volym "
                     f"{_num(price['volym'])} {_units(price['enhet'])} = styckkostnad "
                     f"{_kr(price['styckkostnad'])} kr per {_unit(price['enhet'])}")
    lines.append(f"  brukarens volym {_num(row['volym'])} {_units(row['enhet'])} × "
                 f"styckkostnad → kostnad {_kr(row['kostnad'])} kr")
    return lines


def _ledger_lines(outputs: Path, pool_name: str) -> list[str]:
    per_file = (pl.scan_parquet(outputs / "ledger_pool.parquet", glob=False)
                .filter(pl.col("pool") == pool_name)
                .group_by("kalla_fil", "regel")
                .agg(pl.len().alias("rader"), pl.col("belopp").sum())
                .sort("kalla_fil", "regel").collect())
    lines = [f"  huvudbok: {per_file['rader'].sum()} rader, {_kr(per_file['belopp'].sum())} kr"]
    lines += [f"    {r['kalla_fil']}: {r['rader']} rader, {_kr(r['belopp'])} kr ({r['regel']})"
              for r in per_file.iter_rows(named=True)]
    return lines


def _overhead_lines(outputs: Path, pool_name: str, pool: dict | None) -> list[str]:
    flows = (pl.read_parquet(outputs / "fordelning.parquet", glob=False)
             .filter(pl.col("till_pool") == pool_name).sort("fran_pool"))
    if flows.is_empty():
        return ["  gemensamma kostnader mottagna: inga"]
    received = pool["erhallen_gemensam"] if pool else flows["belopp"].sum()
    lines = [f"  gemensamma kostnader mottagna: {_kr(received)} kr"]
    lines += [f"    från {r['fran_pool']}: {_kr(r['belopp'])} kr (nyckelvärde "
              f"{_key_value(r['nyckelvarde'])})" for r in flows.iter_rows(named=True)]
    return lines


def _shown(person_id: str) -> str:
    """The id as typed, unless it is shaped like a personnummer: outputs hold pseudonyms only,
    and a message must never echo a number back."""
    if re.fullmatch(r"[0-9a-f]{20}", person_id):  # the shape of every pseudonym kpb makes
        return person_id
    if mask_within(person_id) != person_id:
        return f"{mask(person_id)} (ser ut som ett personnummer: ange pseudonymen person_id)"
    return person_id


def _one(path: Path, condition: pl.Expr) -> dict | None:
    rows = pl.read_parquet(path, glob=False).filter(condition)
    return rows.row(0, named=True) if rows.height else None


def _kr(value) -> str:
    return swedish_decimal(Decimal(value or 0), 2)


def _num(value) -> str:
    """Swedish display; more than two decimals lose their trailing zeros."""
    value = Decimal(value or 0)
    return swedish_decimal(value, None if -value.as_tuple().exponent > 2 else
                           max(0, -value.as_tuple().exponent))


def _key_value(text) -> str:
    """A key value as written by the engine ("4108000.00", "0.07") in Swedish display."""
    try:
        return _num(Decimal(str(text)))
    except ArithmeticError:
        return str(text)


def _units(enhet: str) -> str:
    """The unit as a plural word after a volume: 493 månader, 80 st."""
    return {"timmar": "timmar", "dygn": "dygn", "manader": "månader", "antal": "st",
            "kronor": "kronor"}.get(enhet, enhet)


def _unit(enhet: str) -> str:
    return {"timmar": "timme", "dygn": "dygn", "manader": "månad", "antal": "st",
            "kronor": "krona"}.get(enhet, enhet)
