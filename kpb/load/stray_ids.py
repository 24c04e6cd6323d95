"""Personnummer outside `person` and `hushall`: found in every text column of the typed rows.

A sole trader's personnummer as `utforare`, a client's as `motpart` on a ledger row, a
samordningsnummer typed into `insats`: any text value that is, or holds, a valid personnummer
or samordningsnummer (the shape, date and check digit of kpb.load.personnummer) is by default
an error `file:line: column: fann 640823-****: ...`, masked, so that no number reaches
kpb.duckdb.

kpb.toml may instead ask for such values to be replaced by keyed pseudonyms, per source and
column: `[kalla.aktivitet] pseudonymisera = ["utforare"]`. Only the values that hold a number
change; "Hemtjänst Norr" stays as written so the rules still match it. The pseudonym is the
first 20 hex characters of HMAC-SHA-256(key, "<column>:" + text), where text is the number in
its 12-digit form when the value is just a number (so 640823-3234 and 196408233234 get the
same pseudonym), else the value as written. The column prefix keeps it apart from the same
person's person_id, so a pseudonymised utförare cannot be joined to a client.

Only distinct candidate values are validated and hashed: a cheap regex over the column first
keeps the values with six digits in a row, the rest is never looked at again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl

from kpb.errors import Problem, error
from kpb.load.personnummer import is_valid, mask, mask_within, normalised
from kpb.load.problems import CAP
from kpb.load.pseudonym import person_id
from kpb.load.sources import Typed
from kpb.load.textfile import LINE
from kpb.project import Project

# person_id and hushall are pseudonyms already (hex: digits by chance), varde is a number
NOT_SCANNED = {"person_id", "hushall", "flagga", "kalla_fil", "varde"}
TOKEN = r"[0-9][0-9+\-–—−]*[0-9]"  # a run of digits with - or + inside: one candidate number
# the same number written with a space or " - " between date and number ("19121212 1212")
SPACED = r"[0-9]{6,8}\s*[-+–—−]?\s*[0-9]{4}"
CANDIDATE = r"[0-9]{6}"


@dataclass(frozen=True)
class Stray:
    """Rows of one file (or piece of a file) whose column holds a number: the first CAP."""
    file: str
    header: str
    name: str
    source: str
    lines: list[int]
    values: list[str]
    count: int


def checked(typed: Typed, source: str, project: Project, year: int, key: bytes,
            found: list[Stray]) -> Typed:
    """The typed rows with pseudonymised columns replaced; the other numbers join `found`
    (`problems` turns them into capped errors once every piece of every file is seen)."""
    settings = project.source(source)
    return replace(typed, rows=_checked_frame(typed.rows, source, settings.pseudonymisera,
                                              settings.kolumner, year, key, found))


def _checked_frame(frame: pl.DataFrame, source: str, pseudonymised: tuple[str, ...],
                   headers: dict[str, str], year: int, key: bytes, found: list[Stray]
                   ) -> pl.DataFrame:
    columns = [name for name, dtype in frame.schema.items()
               if dtype in (pl.Utf8, pl.Categorical) and name not in NOT_SCANNED
               and not name.startswith("_")]
    if not columns or frame.height == 0:
        return frame
    # each distinct value once (a Categorical column's are its categories, no row is read)
    distinct = [frame[name].unique().cast(pl.Utf8) for name in columns]
    for name, values in zip(columns, distinct):
        values = values.filter(values.str.contains(CANDIDATE))
        numbers = _holding_a_number(values.rename(name), year)
        if numbers.is_empty():
            continue
        if name in pseudonymised:
            frame = frame.with_columns(_pseudonyms(frame[name], numbers, name, year, key)
                                       .cast(frame.schema[name]))
        else:
            found += _strays(frame, name, numbers, source, headers.get(name, name))
    return frame


def _holding_a_number(values: pl.Series, year: int) -> pl.Series:
    """The values that are, or hold, a valid personnummer or samordningsnummer."""
    tokens = pl.DataFrame({"value": values}).with_columns(
        token=pl.concat_list(pl.col("value"), pl.col("value").str.extract_all(TOKEN),
                             pl.col("value").str.extract_all(SPACED)))
    # staged: nested, Polars would evaluate normalised() once per use inside is_valid()
    found = (tokens.explode("token").with_columns(number=normalised(pl.col("token"), year))
             .filter(is_valid(pl.col("number"))))
    return found["value"].unique()


def _pseudonyms(column: pl.Series, numbers: pl.Series, name: str, year: int, key: bytes
                ) -> pl.Series:
    number = pl.col("number")
    keyed = pl.DataFrame({"value": numbers}).with_columns(
        number=normalised(pl.col("value"), year)).select(
        pl.when(is_valid(number)).then(number).otherwise(pl.col("value")))
    hashed = [person_id(key, f"{name}:{text}") for text in keyed.to_series().to_list()]
    return column.cast(pl.Utf8).replace(numbers, pl.Series(hashed, dtype=pl.Utf8))


def _strays(frame: pl.DataFrame, name: str, numbers: pl.Series, source: str, header: str
            ) -> list[Stray]:
    per_file = (frame.filter(pl.col(name).is_in(numbers.implode()))
                .group_by("kalla_fil", maintain_order=True)
                .agg(pl.col(LINE).head(CAP), pl.col(name).cast(pl.Utf8).head(CAP).alias("fann"),
                     pl.len().alias("rader")))
    return [Stray(file, header, name, source, lines, values, count)
            for file, lines, values, count in per_file.iter_rows()]


def problems(found: list[Stray], year: int) -> list[Problem]:
    """Errors for the numbers found, the first CAP per file and column (pieces of a file in
    order), and a line for the rest."""
    merged: dict[tuple[str, str], list[Stray]] = {}
    for stray in found:
        merged.setdefault((stray.file, stray.header), []).append(stray)
    result = []
    for (file, header), strays in merged.items():
        name, source = strays[0].name, strays[0].source
        fix = (f"väntade inget personnummer eller samordningsnummer i kolumnen (ta bort det ur "
               f"exporten, eller skriv pseudonymisera = [\"{name}\"] under [kalla.{source}] i "
               "kpb.toml)")
        lines = [line for stray in strays for line in stray.lines][:CAP]
        values = [value for stray in strays for value in stray.values][:CAP]
        count = sum(stray.count for stray in strays)
        result += [error(file, line, header, f"fann {_masked(value, year)!r}: {fix}")
                   for line, value in zip(lines, values)]
        if count > CAP:
            result.append(error(file, lines[-1], header, f"... och {count - CAP} fler rader "
                                                         "med personnummer i kolumnen"))
    return result


def _masked(value: str, year: int) -> str:
    """mask() for a value that is just a number (also "640823 3234"), else every number in it."""
    whole = pl.select(normalised(pl.lit(value), year)).item()
    return mask(value) if whole is not None else mask_within(value)


def numbers_in_texts(texts, year: int, fix: str) -> list[Problem]:
    """Errors for texts kpb would write somewhere (a file or sheet name, the kommun's name, a
    rule's name or orsak, a Kolada value) that hold a valid personnummer or
    samordningsnummer; `texts` is (where, what, text) triples, `fix` says what to do."""
    texts = [(where, what, text) for where, what, text in texts if text]
    if not texts:
        return []
    held = set(_holding_a_number(pl.Series("text", [t for *_, t in texts], pl.Utf8), year))
    return [error(mask_within(where), None, what, f"fann {mask_within(text)!r}: {fix}")
            for where, what, text in texts if text in held]
