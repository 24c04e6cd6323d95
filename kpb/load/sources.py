"""One file's text columns -> the typed rows of its source (formats.md §2), with problems.

Each source is a table of output column -> (input column, parser). A parser's value depends
on its input column only, so it runs once per distinct spelling of that column (a 25M-row
export has a few hundred dates and hour values, ~100 000 persons) and the results reach the
rows by a gather (spellings.py). The person column's spellings are checked, pseudonymised
and given kön and födelseår the same way. Checks across columns (tom before from) run on the
typed rows; then only the failing rows become problems.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass

import polars as pl

from kpb.errors import Problem, Severity
from kpb.load import parse, schemas, spellings
from kpb.load.columns import Columns, map_columns
from kpb.load.personnummer import mask
from kpb.load.persons import attribute_parsers, person_parsed, prepare, pseudonyms
from kpb.load.problems import CAP, Check, Failures, problems_of, quoted
from kpb.load.pseudonym import household_pseudonyms
from kpb.load.spellings import Spellings
from kpb.load.textfile import LINE, TextTable
from kpb.project import DIMENSIONS, SOURCE_COLUMNS, PseudonymSettings, SourceSettings


@dataclass(frozen=True)
class Context:
    year: int
    pseudonym: PseudonymSettings
    key: bytes = b""  # the pseudonym key: person and household ids are hashed while typed


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
# A file's input columns are typed two at a time: a column's spellings, parse and gather
# depend on that column only, and Polars lets go of the GIL, so the second core does the work
# the single-threaded steps (unique, gather, the pseudonyms' HMAC) leave it (1.93 -> 1.45 s
# for the 24M-row export at 1M invånare). Results are put together in the columns' order.
COLUMNS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="kpb-kolumn")


def each_column(work, names) -> list:
    """work(name) for every name on COLUMNS, in the names' order. When one fails (or Ctrl-C
    stops the wait) the others are waited for before the error goes on: the load clears its
    table of personnummer when it ends (year.py), and no column may fill it after that."""
    futures = [COLUMNS.submit(work, name) for name in names]
    try:
        return [future.result() for future in futures]
    except BaseException:
        for future in futures:
            future.cancel()
        wait(futures)
        raise


def ledger_parsers(decimal: str, ctx: Context, present) -> dict[str, tuple[str, parse.Parsed]]:
    parsers = {
        "period": ("period", parse.period(raw("period"), ctx.year) if "period" in present
                   else parse.whole_year()),
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


@dataclass(frozen=True)
class Typed:
    """One file's typed rows and, for person sources, what the person table needs."""
    rows: pl.DataFrame                      # LINE, the source's columns, kalla_fil
    attributes: pl.DataFrame | None = None  # person_id, kon, fodelsear, flagga


def typed_rows(source: str, table: TextTable, settings: SourceSettings, ctx: Context
               ) -> tuple[Typed | None, list[Problem]]:
    """Every parser runs over the distinct spellings of its input column, then spreads."""
    typed, problems, found = typed_piece(source, table, settings, ctx)
    return typed, problems + problems_of(table.file, found)


def typed_piece(source: str, table: TextTable, settings: SourceSettings, ctx: Context
                ) -> tuple[Typed | None, list[Problem], list[Failures]]:
    """typed_rows of one piece of a file: the value errors stay `Failures`, so that the
    pieces' can be capped together (problems_of)."""
    required = tuple(c for c in REQUIRED[source]
                     if not (c == "period" and settings.period == "helar"))
    columns, problems = map_columns(table, WANTED[source], required, settings)
    problems += _period_or_date(source, table, columns)
    if problems:
        return None, problems, []  # without its columns a file's rows cannot be read at all
    parsers = PARSERS[source](table.decimal, ctx, columns.present)
    if source in PERSON_SOURCES:
        parsers = parsers | _person_parsers(columns, ctx)
    groups = _by_input(parsers)

    def typed_column(name: str) -> tuple[Spellings, pl.DataFrame]:
        spelt = _spellings(columns, name)
        return spelt, _parsed_spellings(name, spelt.distinct, groups[name], ctx)

    done = dict(zip(groups, each_column(typed_column, groups)))
    spelt = {name: done[name][0] for name in groups}
    results = {name: done[name][1] for name in groups}
    found = [failure for check in _checks(source, columns, parsers, ctx)
             for failure in _failures(check, results, spelt, columns.rows[LINE])]
    rows = _spread(columns.rows[LINE], table.file, groups, spelt, results,
                   schemas.TABLES[source])
    if source in END_BEFORE_START:
        found += _end_before_start(rows, *END_BEFORE_START[source], spelt, columns)
    typed = Typed(rows, _attributes(groups, spelt, results) if source in PERSON_SOURCES
                  else None)
    return typed, problems, found


PERSON_OUTPUTS = ("person_id", "flagga")


def _by_input(parsers: dict) -> dict[str, dict]:
    """Parsers grouped by the column they read; the private person columns (no column of
    their own) all follow from `person`."""
    groups: dict[str, dict] = {}
    for out, (src, parsed) in parsers.items():
        groups.setdefault(src or "person", {})[out] = parsed
    return groups


def _spellings(columns: Columns, name: str) -> Spellings:
    if name not in columns.present:  # map_columns reads an absent column as ""
        return spellings.constant("", columns.rows.height)
    return spellings.spellings(columns.rows[name])


def _parsed_spellings(name: str, distinct: pl.DataFrame, group: dict, ctx: Context
                      ) -> pl.DataFrame:
    """One row per spelling: the raw text, each parser's value and error (`_fel_<out>`)."""
    frame = distinct.select(pl.col(spellings.TEXT).alias(f"_raw_{name}"))
    if name == "person":
        frame = prepare(frame, raw("person"), ctx.year, ctx.pseudonym)
    for stage in range(max(len(parsed.stages) for parsed in group.values())):
        frame = frame.with_columns(**{column: expr for parsed in group.values()
                                      if stage < len(parsed.stages)
                                      for column, expr in parsed.stages[stage].items()})
    frame = frame.with_columns(*[parsed.value.alias(out) for out, parsed in group.items()],
                               *[parsed.error.alias(f"_fel_{out}")
                                 for out, parsed in group.items()])
    if name == "person":
        frame = pseudonyms(frame, ctx.key, ctx.pseudonym.redan_pseudonym)
    if name == "hushall":  # a household id is often the applicant's personnummer
        frame = frame.with_columns(household_pseudonyms(frame["hushall"], ctx.key))
    return frame


def _spread(lines: pl.Series, file: str, groups: dict, spelt: dict[str, Spellings],
            results: dict[str, pl.DataFrame], types: dict) -> pl.DataFrame:
    """LINE, kalla_fil and every public output, one row per input row.

    Built side by side from whole columns: with_columns on 25M rows would copy them all.
    Columns the table holds as Categorical are cast per spelling, before the gather: the
    rows then get 4-byte codes without hashing 25M strings.
    """
    def typed(per_spelling: pl.DataFrame) -> pl.DataFrame:
        return per_spelling.cast({name: types[name] for name in per_spelling.columns
                                  if types.get(name) == schemas.CODE})

    same_file = spellings.constant(file, lines.len())
    return pl.concat([lines.to_frame(), same_file.spread(typed(same_file.distinct.rename(
        {spellings.TEXT: "kalla_fil"})))] + each_column(
            lambda name: spelt[name].spread(typed(results[name].select(
                _row_outputs(results[name], groups[name])))), groups), how="horizontal")


def _row_outputs(results: pl.DataFrame, group: dict) -> list[str]:
    """The columns every row gets: public outputs (private ones start with _)."""
    outputs = [out for out in group if not out.startswith("_")]
    return outputs + [name for name in PERSON_OUTPUTS if name in results.columns]


def _failures(check: Check, results: dict[str, pl.DataFrame], spelt: dict[str, Spellings],
              lines: pl.Series) -> list[Failures]:
    """The rows whose spelling failed a check: the first CAP + 1 in file order and a count."""
    name = check.found.removeprefix("_raw_")
    failing = results[name][check.error].is_not_null()
    if not failing.any():
        return []
    where = spelt[name].rows_where(failing)
    first = pl.DataFrame([lines, spelt[name].codes]).filter(where).head(CAP + 1)
    shown = results[name].select(pl.col(check.found, check.error).gather(first["_code"]))
    return [Failures(check, pl.concat([first.select(LINE), shown], how="horizontal"),
                     int(where.sum()))]


# source -> (end column, start column): a row that ends before it starts is an error
END_BEFORE_START = {"aktivitet": ("tom", "from"), "utfall": ("avslut", "start")}


def _end_before_start(rows: pl.DataFrame, end: str, start: str, spelt: dict[str, Spellings],
                      columns: Columns) -> list[Failures]:
    before = (rows[end] < rows[start]).fill_null(False)
    if not before.any():
        return []
    first = rows.select(LINE, start, spelt[end].codes).filter(before).head(CAP + 1)
    error = f"_fel_{end}_fore_{start}"
    shown = first.select(
        LINE, spelt[end].distinct[spellings.TEXT].gather(first["_code"]).alias(f"_raw_{end}"),
        (pl.lit(f"{end} är före {start} ") + pl.col(start).cast(pl.Utf8)).alias(error))
    return [Failures(Check(columns.headers[end], error, f"_raw_{end}"), shown,
                     int(before.sum()))]


def _attributes(groups: dict, spelt: dict[str, Spellings], results: dict) -> pl.DataFrame:
    """person_id, kon, fodelsear, flagga: each distinct combination once, in file order.

    The person table takes each person's first known kön and födelseår in file order, which
    the first row of each combination keeps.
    """
    kon = "person" if "_kon_in" in groups["person"] else "kon"
    year = "person" if "_fodelsear_in" in groups["person"] else "fodelsear"
    taken = {"person_id": ("person", "person_id"), "kon": (kon, "_kon_in"),
             "fodelsear": (year, "_fodelsear_in"), "flagga": ("person", "flagga")}
    inputs = list(dict.fromkeys(name for name, _ in taken.values()))
    combinations = pl.DataFrame([spelt[name].codes.rename(name) for name in inputs]
                                ).unique(maintain_order=True)
    return pl.DataFrame([results[name][column].gather(combinations[name]).rename(out)
                         for out, (name, column) in taken.items()])


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


def _checks(source: str, columns: Columns, parsers: dict, ctx: Context) -> list[Check]:
    checks = [Check(columns.headers[src], f"_fel_{out}", f"_raw_{src}")
              for out, (src, _) in parsers.items() if src is not None and src != "person"]
    if "_person_check" in parsers:
        checks.append(_person_check(columns, ctx))
    return checks


def _person_check(columns: Columns, ctx: Context) -> Check:
    lenient = ctx.pseudonym.ogiltigt_id == "varning" and not ctx.pseudonym.redan_pseudonym
    return Check(columns.headers["person"], "_fel__person_check", "_raw_person",
                 show=quoted if ctx.pseudonym.redan_pseudonym else mask,
                 severity=Severity.WARNING if lenient else Severity.ERROR)

