"""One file's text columns -> the typed rows of its source (formats.md §2), with problems.

Each source is a table of output column -> (input column, parser). All parsers run in one
`with_columns` over the whole file; checks that need parsed values (tom before from) run in a
second; then only the failing rows become problems.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from kpb.errors import Problem, Severity
from kpb.load import parse
from kpb.load.columns import Columns, map_columns
from kpb.load.personnummer import mask
from kpb.load.persons import attribute_parsers, person_parsed, prepare
from kpb.load.problems import Check, all_failures, problems_of, quoted
from kpb.load.textfile import LINE, TextTable
from kpb.project import DIMENSIONS, SOURCE_COLUMNS, PseudonymSettings, SourceSettings


@dataclass(frozen=True)
class Context:
    year: int
    pseudonym: PseudonymSettings


def raw(name: str) -> pl.Expr:
    return pl.col(f"_raw_{name}")


WANTED = SOURCE_COLUMNS  # the columns kpb.toml may map are the ones a loader reads
REQUIRED = {
    "ledger": ("period", "konto", "belopp"),
    "aktivitet": ("person", "insats", "from"),
    "direkt": ("person", "insats", "belopp"),
    "nycklar": ("nyckel", "mottagare", "varde"),
    "utfall": ("person", "insats", "start"),
}
PERSON_SOURCES = ("aktivitet", "direkt", "utfall")


def ledger_parsers(decimal: str, ctx: Context, present) -> dict[str, tuple[str, parse.Parsed]]:
    parsers = {
        "period": ("period", parse.period(raw("period"), ctx.year)),
        "konto": ("konto", parse.text(raw("konto"), True, "ett konto")),
        "belopp_ore": ("belopp", parse.money_ore(raw("belopp"), decimal)),
    }
    return parsers | {dim: (dim, parse.text(raw(dim), False)) for dim in DIMENSIONS}


def aktivitet_parsers(decimal: str, ctx: Context, present) -> dict:
    counts = parse.milli(raw("antal"), decimal, "ett antal")
    return {
        "insats": ("insats", parse.text(raw("insats"), True, "en insatskod")),
        "from": ("from", parse.date(raw("from"), required=True)),
        "tom": ("tom", parse.date(raw("tom"), required=False)),
        "timmar_milli": ("timmar", parse.milli(raw("timmar"), decimal, "timmar")),
        "antal_milli": ("antal", counts._replace(value=counts.value.fill_null(1000))),
        "utforare": ("utforare", parse.text(raw("utforare"), False)),
        "hushall": ("hushall", parse.text(raw("hushall"), False)),
    }


def direkt_parsers(decimal: str, ctx: Context, present) -> dict:
    dated = parse.date(raw("datum"), required=False)
    by_period = parse.period(raw("period"), ctx.year)
    from_date = (dated.value.dt.year() * 100 + dated.value.dt.month()).cast(pl.Int32)
    if "period" in present:
        period = ("period", by_period)
    else:
        outside = (from_date // 100 != ctx.year) & dated.error.is_null()
        period = ("datum", parse.Parsed(from_date, pl.coalesce(dated.error, pl.when(outside).then(
            pl.lit(f"väntade ett datum inom verksamhetsåret {ctx.year}"))), dated.stages))
    return {
        "insats": ("insats", parse.text(raw("insats"), True, "en insatskod")),
        "period": period,
        "belopp_ore": ("belopp", parse.money_ore(raw("belopp"), decimal)),
        "hushall": ("hushall", parse.text(raw("hushall"), False)),
        "utforare": ("utforare", parse.text(raw("utforare"), False)),
    }


def nycklar_parsers(decimal: str, ctx: Context, present) -> dict:
    return {
        "nyckel": ("nyckel", parse.text(raw("nyckel"), True, "ett nyckelnamn")),
        "mottagare": ("mottagare", parse.text(raw("mottagare"), True, "ett poolnamn")),
        "varde": ("varde", parse.exact_decimal(raw("varde"), decimal, "ett nyckelvärde")),
    }


def utfall_parsers(decimal: str, ctx: Context, present) -> dict:
    """Arbetsmarknad outcomes: one row per participant and insats (formats.md §8)."""
    return {
        "insats": ("insats", parse.text(raw("insats"), True, "en insatskod")),
        "utforare": ("utforare", parse.text(raw("utforare"), False)),
        "start": ("start", parse.date(raw("start"), required=True)),
        "avslut": ("avslut", parse.date(raw("avslut"), required=False)),
        "avslutsorsak": ("avslutsorsak", parse.text(raw("avslutsorsak"), False)),
        "hushall": ("hushall", parse.text(raw("hushall"), False)),
    }


PARSERS = {"ledger": ledger_parsers, "aktivitet": aktivitet_parsers, "direkt": direkt_parsers,
           "nycklar": nycklar_parsers, "utfall": utfall_parsers}


# A large export is typed in pieces of this many rows, so that the text, the parsing stages
# and the typed result of a 25M-row file never all sit in memory at once.
PIECE_ROWS = 2_000_000


def typed_rows(source: str, table: TextTable, settings: SourceSettings, ctx: Context
               ) -> tuple[pl.DataFrame | None, list[Problem]]:
    columns, problems = map_columns(table, WANTED[source], REQUIRED[source], settings)
    problems += _period_or_date(source, table, columns)
    if problems:
        return None, problems  # without its columns a file's rows cannot be read at all
    parsers = PARSERS[source](table.decimal, ctx, columns.present)
    if source in PERSON_SOURCES:
        parsers = parsers | _person_parsers(columns, ctx)
    checks = _checks(source, columns, parsers, ctx)
    kept = [LINE, *(name for name in parsers if name != "_person_check")]
    pieces, found = [], []
    for start in range(0, max(columns.rows.height, 1), PIECE_ROWS):
        piece = columns.rows.slice(start, PIECE_ROWS)
        rows = _apply(piece, parsers, source, ctx)
        if source == "aktivitet":
            rows = rows.with_columns(_tom_before_from().alias("_fel_tom_fore_from"))
        if source == "utfall":
            rows = rows.with_columns(_avslut_before_start().alias("_fel_avslut_fore_start"))
        found += all_failures(rows, checks)
        pieces.append(rows.select(kept))  # the text and the parsing stages go here
    rows = pl.concat(pieces, how="vertical", rechunk=False)
    return rows.with_columns(pl.lit(table.file).alias("kalla_fil")), problems_of(
        table.file, found)


def _period_or_date(source: str, table: TextTable, columns: Columns) -> list[Problem]:
    if source != "direkt" or {"period", "datum"} & columns.present:
        return []
    found = ", ".join(repr(h) for h in table.headers)
    return [Problem(table.file, 1, "period", f"kolumnen saknas: väntade 'period' (ÅÅÅÅMM) "
                                             f"eller 'datum', fann {found}")]


def _person_parsers(columns: Columns, ctx: Context) -> dict:
    checked, private = person_parsed(raw("person"), ctx.pseudonym)
    carried = {name: (None, parse.Parsed(expr, pl.lit(None, pl.Utf8)))
               for name, expr in private.items()}
    carried |= attribute_parsers(raw("kon"), raw("fodelsear"), ctx.pseudonym)
    return carried | {"_person_check": ("person", parse.Parsed(pl.lit(None), checked.error))}


def _apply(text_rows: pl.DataFrame, parsers: dict, source: str, ctx: Context) -> pl.DataFrame:
    rows = text_rows.select(LINE, *[pl.col(n).alias(f"_raw_{n}") for n in text_rows.columns
                                    if n != LINE])
    if source in PERSON_SOURCES:
        rows = prepare(rows, raw("person"), ctx.year, ctx.pseudonym)
    for stage in range(max(len(parsed.stages) for _, parsed in parsers.values())):
        rows = rows.with_columns(**{name: expr for _, parsed in parsers.values()
                                    if stage < len(parsed.stages)
                                    for name, expr in parsed.stages[stage].items()})
    return rows.lazy().with_columns(
        *[parsed.value.alias(out) for out, (_, parsed) in parsers.items()],
        *[parsed.error.alias(f"_fel_{out}") for out, (_, parsed) in parsers.items()]).collect()


def _tom_before_from() -> pl.Expr:
    before = pl.col("tom") < pl.col("from")
    return pl.when(before).then(pl.lit("tom är före from ") + pl.col("from").cast(pl.Utf8))


def _avslut_before_start() -> pl.Expr:
    before = pl.col("avslut") < pl.col("start")
    return pl.when(before).then(pl.lit("avslut är före start ") + pl.col("start").cast(pl.Utf8))


def _checks(source: str, columns: Columns, parsers: dict, ctx: Context) -> list[Check]:
    checks = [Check(columns.headers[src], f"_fel_{out}", f"_raw_{src}")
              for out, (src, _) in parsers.items() if src is not None and src != "person"]
    if "_person_check" in parsers:
        checks.append(_person_check(columns, ctx))
    if source == "aktivitet":
        checks.append(Check(columns.headers["tom"], "_fel_tom_fore_from", "_raw_tom"))
    if source == "utfall":
        checks.append(Check(columns.headers["avslut"], "_fel_avslut_fore_start", "_raw_avslut"))
    return checks


def _person_check(columns: Columns, ctx: Context) -> Check:
    lenient = ctx.pseudonym.ogiltigt_id == "varning" and not ctx.pseudonym.redan_pseudonym
    return Check(columns.headers["person"], "_fel__person_check", "_raw_person",
                 show=quoted if ctx.pseudonym.redan_pseudonym else mask,
                 severity=Severity.WARNING if lenient else Severity.ERROR)
