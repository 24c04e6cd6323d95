"""Checks of the inputs only kpb's analyses read: utfall rows (kpb.analyse.outcomes), the
Kolada mapping (kpb.analyse.kolada) and bistånd paid outside any household
(kpb.analyse.households). They sit in the one list of checks (kpb.check.stage), so `kpb check`,
`kpb compute` and the library's `allocate` report the same."""

from __future__ import annotations

import polars as pl

from kpb.errors import Problem, error, warning
from kpb.load.schemas import text


def utfall_problems(utfall: pl.DataFrame, avslutsorsak: dict[str, str], catalogue: set[str],
                    code_map: dict[str, str]) -> list[Problem]:
    """An unknown avslutsorsak is an error at its file and line; rows of an insats outside the
    catalogue (a programme KPB does not price) are left out, and an avslut without an orsak
    counts as övrigt: warnings, once per file and code."""
    rows = utfall.with_columns(pl.col("insats").replace(code_map))
    orsak = pl.col("avslutsorsak").str.strip_chars().str.to_lowercase()
    unknown_reason = rows.filter((orsak != "") & ~orsak.is_in(list(avslutsorsak)))
    listed = ", ".join(sorted({v for v in avslutsorsak})) or "inga"
    problems = [error(f, line, "avslutsorsak", (
        f"fann {value!r}, väntade en avslutsorsak som står i kpb.toml [utfall.avslutsorsak] "
        f"(grupperna {listed})"))
        for f, line, value in unknown_reason.select("kalla_fil", "kalla_rad", "avslutsorsak")
        .iter_rows()]
    unknown_insats = (rows.filter(~pl.col("insats").is_in(sorted(catalogue)))
                      .group_by("kalla_fil", "insats").agg(pl.len(), pl.col("kalla_rad").min())
                      .sort("kalla_fil", "insats"))
    problems += [warning(f, line, "insats", (
        f"insatskoden {value!r} står inte i reglernas katalog ([insatser]): {n} "
        f"{'rad' if n == 1 else 'rader'} utan kostnad i KPB lästes inte"))
        for f, value, n, line in unknown_insats.iter_rows()]
    silent = (rows.filter(pl.col("avslut").is_not_null() & (orsak == ""))
              .group_by("kalla_fil").agg(pl.len(), pl.col("kalla_rad").min()).sort("kalla_fil"))
    problems += [warning(f, line, "avslutsorsak",
                         f"{n} avslut utan avslutsorsak räknas som övrigt")
                 for f, n, line in silent.iter_rows()]
    return problems


def payments_without_household(aktivitet: pl.DataFrame, direkt: pl.DataFrame,
                               bistand: tuple[str, ...]) -> list:
    """A warning when bistånd is paid to persons never seen with a household id: their
    payments cannot be in hushall (they stay in the person costs)."""
    from kpb.errors import warning
    from kpb.money import format_sek

    named = pl.col("hushall") != ""
    with_household = pl.concat([text(aktivitet.lazy().filter(named).select("person_id")),
                                direkt.lazy().filter(named).select("person_id")]).unique()
    outside = (direkt.lazy().filter(pl.col("insats").is_in(list(bistand)))
               .join(with_household, on="person_id", how="anti")
               .select(pl.col("belopp_ore").sum(), pl.col("person_id").n_unique()).collect())
    amount, persons = outside.row(0)
    if not persons:
        return []
    return [warning(None, None, "hushall", (
        f"ekonomiskt bistånd på {format_sek(amount or 0)} kr till {persons} "
        f"{'person' if persons == 1 else 'personer'} utan hushållsid ingår inte i hushall"))]


def kolada_unmapped(values: pl.DataFrame | None, figures: dict[str, str], year: int
                    ) -> list[Problem]:
    """A warning naming the year's KPIs in kolada/*.csv that no [kolada] nyckeltal takes."""
    if values is None or values.is_empty():
        return []
    unmapped = sorted(set(values.filter(pl.col("ar") == year)["kpi"]) - set(figures))
    if not unmapped:
        return []
    return [warning("kolada", None, "kpi", "nyckeltal som inte står i kpb.toml "
                    "[kolada.nyckeltal] lästes inte: " + ", ".join(unmapped))]


def numbers_in_rules(rules, year: int) -> list[Problem]:
    """The rules' texts reach the outputs and the report (pool and insats names, utförare,
    orsak): none may hold a personnummer."""
    from kpb.load.stray_ids import numbers_in_texts

    texts = []
    for number, pool in enumerate(rules.pools, start=1):
        texts += [(rules.source, f"pool[{number}].{what}", getattr(pool, what, "") or "")
                  for what in ("namn", "orsak")]
        texts += [(rules.source, f"pool[{number}].utforare", name)
                  for name in getattr(pool, "utforare", ()) or ()]
    for number, (code, insats) in enumerate(rules.insatser.items(), start=1):
        texts += [(rules.source, f"insatser[{number}]", code),
                  (rules.source, f"insatser[{number}].namn", insats.namn or "")]
    return numbers_in_texts(texts, year, "väntade inget personnummer i reglernas texter (de "
                                         "skrivs i resultaten och rapporten)")


def numbers_in_kolada(values: pl.DataFrame | None, year: int) -> list[Problem]:
    """Kolada files name municipalities and KPIs; a personnummer there would reach
    kolada.parquet and the report."""
    from kpb.load.stray_ids import numbers_in_texts

    if values is None or values.is_empty():
        return []
    texts = [("kolada", column, value) for column in ("kpi", "kommun")
             for value in values[column].unique().to_list()]
    return numbers_in_texts(texts, year, "väntade ett nyckeltals-id eller en kommun, inget "
                                         "personnummer")
