"""The `person` column: personnummer -> checked, normalised -> pseudonym + attributes.

Each distinct spelling of a person column is checked once and gets private columns (`_pnr`,
`_hash_input`, ...); `pseudonyms` turns them into `person_id`, `flagga` and what KPB needs of
the person (kön, födelseår), and only those reach the rows (sources.py). No column that
leaves the load step holds a personnummer.
"""

from __future__ import annotations

import polars as pl

from kpb.load import personnummer as pnr
from kpb.load.parse import Parsed, cleaned
from kpb.load.pseudonym import pseudonymise
from kpb.project import PseudonymSettings

INVALID_FLAG = "ogiltigt_id"
PRIVATE = ("_pnr", "_hash_input", "_kon_in", "_fodelsear_in")


def prepare(rows: pl.DataFrame, raw: pl.Expr, year: int, settings: PseudonymSettings
            ) -> pl.DataFrame:
    """Normalise, then check, each DISTINCT spelling once and join the answers back.

    An export of 25M visits holds perhaps a million spellings: checking those instead of every
    row is most of the load's speed. The two stages are materialised because nesting the
    expressions makes Polars evaluate the normalisation once per later use. With
    redan_pseudonym the answers say which "pseudonyms" are personnummer (an error).
    """
    spelled = rows.with_columns(raw.alias("_id_text"))
    distinct = spelled.select("_id_text").unique()
    number = distinct.with_columns(pnr.normalised(pl.col("_id_text"), year).alias("_pnr_all"))
    checked = number.with_columns(
        pnr.is_valid(pl.col("_pnr_all")).alias("_giltig"),
        pnr.birth_date(pl.col("_pnr_all")).is_not_null().alias("_datum_ok"))
    return spelled.join(checked, on="_id_text", how="left", nulls_equal=True,
                        maintain_order="left").drop("_id_text")


def person_parsed(raw: pl.Expr, settings: PseudonymSettings) -> tuple[Parsed, dict]:
    """The error expression for the person column and the private columns to carry along.

    Needs the columns added by `prepare`.
    """
    if settings.redan_pseudonym:
        value = cleaned(raw)
        error = (pl.when(value == "").then(pl.lit("värde saknas, väntade en pseudonym"))
                 .when(pl.col("_pnr_all").is_not_null()).then(pl.lit(  # valid or not
                     "ser ut som ett personnummer: väntade en pseudonym")))
        return Parsed(value, error), {"_pnr": pl.lit(None, pl.Utf8), "_hash_input": value}
    number, valid = pl.col("_pnr_all"), pl.col("_giltig")
    hash_input = pl.when(valid).then(number).otherwise(pl.lit("ogiltig:") + cleaned(raw))
    return Parsed(number, _why_invalid(raw, number, valid)), {
        "_pnr": pl.when(valid).then(number), "_hash_input": hash_input}


def _why_invalid(raw: pl.Expr, number: pl.Expr, valid: pl.Expr) -> pl.Expr:
    return (pl.when(valid).then(None)
            .when(cleaned(raw) == "").then(pl.lit("värde saknas, väntade ett personnummer"))
            .when(number.is_null()).then(pl.lit(
                "väntade ett personnummer eller samordningsnummer med 10 eller 12 siffror"))
            .when(~pl.col("_datum_ok")).then(pl.lit(
                "födelsedatumet finns inte (samordningsnummer har dag + 60)"))
            .otherwise(pl.lit("kontrollsiffran stämmer inte (Luhn)")))


def attribute_parsers(kon_raw: pl.Expr, fodelsear_raw: pl.Expr, settings: PseudonymSettings
                      ) -> dict[str, tuple[str | None, Parsed]]:
    """`_kon_in` and `_fodelsear_in`: kön and födelseår given beside a pseudonym, checked.

    Output name -> (input column, parsed), as sources.py's parsers. With personnummer both
    follow from the number, so the columns are not read.
    """
    if not settings.redan_pseudonym:
        return {"_kon_in": (None, Parsed(pl.lit(""), pl.lit(None, pl.Utf8))),
                "_fodelsear_in": (None, Parsed(pl.lit(None, pl.Int32), pl.lit(None, pl.Utf8)))}
    kon, year = cleaned(kon_raw).str.to_uppercase(), cleaned(fodelsear_raw)
    known, four_digits = kon.is_in(["K", "M"]), year.str.contains(r"^[0-9]{4}$")
    bad_kon = pl.when(~known & (kon != "")).then(pl.lit("väntade K, M eller tomt"))
    bad_year = pl.when(~four_digits & (year != "")).then(
        pl.lit("väntade ett födelseår ÅÅÅÅ"))
    return {
        "_kon_in": ("kon", Parsed(pl.when(known).then(kon).otherwise(pl.lit("")), bad_kon)),
        "_fodelsear_in": ("fodelsear", Parsed(
            pl.when(four_digits).then(year.cast(pl.Int32, strict=False)), bad_year)),
    }


def pseudonyms(spelt: pl.DataFrame, key: bytes, redan_pseudonym: bool) -> pl.DataFrame:
    """Per distinct spelling of `person` (with the private columns of `person_parsed`):
    person_id and flagga; with personnummer also kön and födelseår, which follow from the
    number (`_kon_in`, `_fodelsear_in`). Each distinct id is hashed once.
    """
    ids = spelt["_hash_input"]
    person_id = ids if redan_pseudonym else pseudonymise(ids, key)
    flagga = pl.when(pl.col("_pnr").is_null() & (not redan_pseudonym)).then(
        pl.lit(INVALID_FLAG)).otherwise(pl.lit(""))
    spelt = spelt.with_columns(person_id.alias("person_id"), flagga.alias("flagga"))
    if redan_pseudonym:  # checked by attribute_parsers
        return spelt
    return spelt.with_columns(pnr.kon(pl.col("_pnr")).fill_null("").alias("_kon_in"),
                              pnr.fodelsear(pl.col("_pnr")).alias("_fodelsear_in"))


def person_table(attributes: pl.DataFrame, year: int) -> pl.DataFrame:
    """One row per person_id: the first known kön and födelseår in file order."""
    per_person = attributes.group_by("person_id", maintain_order=True).agg(
        pl.col("kon").filter(pl.col("kon") != "").first().fill_null(""),
        pl.col("fodelsear").drop_nulls().first(),
        pl.col("flagga").max(),
    )
    age = pnr.alder(pl.col("fodelsear"), year)
    return per_person.with_columns(pl.lit(year, pl.Int32).alias("ar"), age.alias("alder"),
                                   pnr.aldersgrupp(age).alias("aldersgrupp"))
