"""The reconciliation a reader can follow: the ledger to the KPB cost base by file, konto class
and ansvar (from ut/<year>/ledger_pool.parquet, each ledger row with its pool), the revenue
netted inside pools, and the notes that say why a table's sum is not "Till brukare".

Revenue is Kommun-Bas class 3 (konto 3*) when ledger_pool carries `konto`; results written
without it fall back to the ledger's negative rows, and the note says so.
"""

from __future__ import annotations

import re
from decimal import Decimal

import polars as pl

from kpb.money import swedish_decimal
from kpb.report.table_model import DELSUMMA, Column, ReportData, Table, post_amount

# Kommun-Bas account classes (the first digit of konto)
KONTOKLASSER = {"1": "Tillgångar", "2": "Eget kapital och skulder", "3": "Intäkter",
                "4": "Material och köp av verksamhet", "5": "Personalkostnader",
                "6": "Övriga verksamhetskostnader", "7": "Övriga verksamhetskostnader",
                "8": "Finansiella poster", "9": "Interna poster"}
MONEY = pl.Decimal(18, 2)


def ledger_rows(data: ReportData) -> pl.DataFrame | None:
    """Each ledger row's belopp with its pool's type and whether it is revenue; None when the
    outputs have no ledger_pool.parquet."""
    ledger = data.frames.get("ledger_pool")
    if ledger is None:
        return None
    revenue = (pl.col("konto").cast(pl.Utf8).str.starts_with("3") if "konto" in ledger.columns
               else pl.col("belopp") < 0)
    return (ledger.join(data["pool"].select("pool", "typ"), on="pool", how="left")
            .with_columns(exkluderad=pl.col("typ") == "exkludera", intakt=revenue))


def revenue_by_pool(data: ReportData) -> pl.DataFrame:
    """pool, intakter: the revenue rows netted inside each pool of the cost base."""
    rows = ledger_rows(data)
    if rows is None:
        return pl.DataFrame(schema={"pool": pl.Utf8, "intakter": MONEY})
    return (rows.filter(pl.col("intakt") & ~pl.col("exkluderad")).group_by("pool")
            .agg(pl.col("belopp").sum().cast(MONEY).alias("intakter")))


def revenue_note(data: ReportData) -> str:
    rows = data.frames.get("ledger_pool")
    if rows is not None and "konto" in rows.columns:
        return "Intäkter = huvudboksrader på konto 3* (Kommun-Bas klass 3)."
    return ("Intäkter = huvudbokens negativa rader (resultaten saknar konto; kör kpb compute "
            "igen för att få kontoklass 3).")


def kostnadsbas(data: ReportData) -> Table | None:
    rows = ledger_rows(data)
    if rows is None:
        return None
    sections = [("Fil", pl.col("kalla_fil"))]
    missing = [name for name in ("konto", "ansvar") if name not in rows.columns]
    if "konto" in rows.columns:
        first = pl.col("konto").cast(pl.Utf8).str.slice(0, 1)
        sections.append(("Kontoklass", pl.concat_str(
            first, pl.lit(" "), first.replace_strict(KONTOKLASSER, default="Övrigt"))))
    if "ansvar" in rows.columns:
        sections.append(("Ansvar", pl.col("ansvar").cast(pl.Utf8).fill_null("(inget)")))
    frame = pl.concat([_section(rows, name, key) for name, key in sections])
    notes = ["Varje huvudboksrad i KPB-körningen, ur ledger_pool.parquet. Varje del summerar "
             "till huvudbokens netto; KPB-kostnadsbas = netto − exkluderat (pooler av typ "
             "exkludera, se Avstämning).",
             "Intäkter i kostnadsbasen: intäkter som ligger kvar i sina pooler och minskar "
             "deras kostnad (interna intäkter, försäljning till andra kommuner); externa "
             "avgifter exkluderas. " + revenue_note(data)]
    if missing:
        notes.append("Resultaten saknar " + " och ".join(missing) + " per huvudboksrad: "
                     "uppdelningen visas per fil.")
    return Table(
        "kostnadsbas", "Avstämning per konto",
        f"Huvudboken till KPB-kostnadsbasen per fil, kontoklass och ansvar {data.year}",
        frame,
        (Column("indelning", "Indelning"), Column("del", "Fil, kontoklass eller ansvar"),
         Column("rader", "Rader", "antal"), Column("belopp", "Huvudbok netto", "kr_ore"),
         Column("intakter", "Intäkter i kostnadsbasen", "kr_ore"),
         Column("exkluderat", "Exkluderat", "kr_ore"),
         Column("kostnadsbas", "KPB-kostnadsbas", "kr_ore")),
        tuple(notes), sums=("rader", "belopp", "intakter", "exkluderat", "kostnadsbas"))


def _section(rows: pl.DataFrame, name: str, key: pl.Expr) -> pl.DataFrame:
    parts = (rows.with_columns(key.alias("del"))
             .group_by("del").agg(
                 pl.len().cast(pl.Int64).alias("rader"),
                 pl.col("belopp").sum().cast(MONEY),
                 pl.col("belopp").filter(pl.col("intakt") & ~pl.col("exkluderad")).sum()
                 .cast(MONEY).alias("intakter"),
                 pl.col("belopp").filter(pl.col("exkluderad")).sum().cast(MONEY)
                 .alias("exkluderat"))
             .with_columns(kostnadsbas=(pl.col("belopp") - pl.col("exkluderat")).cast(MONEY),
                           indelning=pl.lit(name), **{DELSUMMA: pl.lit(None, pl.Int64)})
             .sort("del"))
    total = parts.select(pl.lit(name).alias("indelning"), pl.lit(f"Summa per {name.lower()}")
                         .alias("del"), pl.col("rader").sum(), *[
                             pl.col(c).sum().cast(MONEY) for c in
                             ("belopp", "intakter", "exkluderat", "kostnadsbas")],
                         pl.lit(parts.height, pl.Int64).alias(DELSUMMA))
    columns = ["indelning", "del", "rader", "belopp", "intakter", "exkluderat", "kostnadsbas",
               DELSUMMA]
    return pl.concat([parts.select(columns), total.select(columns)])


def kronor(value) -> str:
    return swedish_decimal(Decimal(value), 2, thousands="\u00a0", minus="−") + " kr"


def insats_sum_note(data: ReportData) -> str:
    """Why Σ insats cost is not "Till brukare": ofördelat rests belong to an insats' pool but
    lie on no brukare."""
    total = Decimal(data["insats"]["kostnad"].sum() or 0)
    to_persons = post_amount(data, "Till brukare")
    difference = total - to_persons
    if difference == 0:
        return f"Kolumnen Kostnad summerar till Till brukare ({kronor(to_persons)})."
    unallocated = data["avstamning"].filter(pl.col("post") == "Ofördelat")
    named = [f"poolen {row['pool']} {kronor(row['belopp'])}"
             + (f" ({_named_insatser(data, row['orsak'])})" if row["orsak"] else "")
             for row in unallocated.iter_rows(named=True)]  # a handful of posts
    why = (": ofördelat i " + "; ".join(named) + ", som ingår i insatsens kostnad men inte "
           "ligger på någon brukare" if Decimal(unallocated["belopp"].sum() or 0) == difference
           else "")
    return (f"Kolumnen Kostnad summerar till {kronor(total)}, {kronor(abs(difference))} "
            f"{'mer' if difference > 0 else 'mindre'} än Till brukare ({kronor(to_persons)})"
            f"{why}.")


def _named_insatser(data: ReportData, text: str) -> str:
    """The engine's reason with its insats codes by name ("insats ekonomiskt_bistand" as
    "insats Ekonomiskt bistånd, utbetalt")."""
    return re.sub(r"insats ([A-Za-z0-9_]+)",
                  lambda m: "insats " + data.insats_names.get(m.group(1), m.group(1)), text)


def named_insatser(data: ReportData, column: pl.Expr) -> pl.Expr:
    """`_named_insatser` over a column of the engine's reasons (a handful of insatser)."""
    for code, name in sorted(data.insats_names.items(), key=lambda kv: -len(kv[0])):
        column = column.str.replace_all(rf"insats {re.escape(code)}\b",
                                        f"insats {name}".replace("$", "$$"))
    return column
