"""What `kpb uppfoljning` can be told: N months for new and ended, age bands per område, the
measuring days of the point-in-time counts.

The values are read from an `[uppfoljning]` table of the rules file when there is one
(`regler/<year>.toml`), with defaults for everything:

    [uppfoljning]
    manader = 3                                  # N: new = no insats the N months before
    aldersgrupper = { EB = ["18-24", "25-34", "35-64", "65-"] }

An område without bands of its own uses the person's `aldersgrupp` (0-19, 20-64, 65-79, 80+).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from kpb.errors import error, raise_if_errors

DEFAULT_MONTHS = 3
BAND = re.compile(r"^(\d{1,3})\s*(?:-|–)\s*(\d{1,3})?$|^(\d{1,3})\+$")


@dataclass(frozen=True)
class AgeBand:
    namn: str
    fran: int
    till: int | None  # inclusive; None = no upper bound


@dataclass(frozen=True)
class FollowupSettings:
    manader: int = DEFAULT_MONTHS
    aldersgrupper: dict[str, tuple[AgeBand, ...]] = field(default_factory=dict)
    datum: tuple[dt.date, ...] = ()  # empty: the 15th of every month covered
    bistand: tuple[str, ...] = ()  # the bistånd insatser ([hushall] bistand, completed)


def read_settings(rules_file: Path, source: str, manader: int | None = None,
                  datum: tuple[dt.date, ...] = ()) -> FollowupSettings:
    """The rules file's [uppfoljning] table with defaults; `manader` (from the command line)
    wins over the file. KpbError("uppföljning") with every problem found."""
    try:
        raw = tomllib.loads(rules_file.read_text(encoding="utf-8")).get("uppfoljning", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        raw = {}  # the rules reader has already refused a broken file
    return parse_settings(raw, source, manader, datum)


def parse_settings(raw, source: str, manader: int | None = None,
                   datum: tuple[dt.date, ...] = ()) -> FollowupSettings:
    problems = []
    if not isinstance(raw, dict):
        raw = {}
        problems.append(error(source, None, "uppfoljning", "väntade en tabell [uppfoljning]"))
    for key in sorted(set(raw) - {"manader", "aldersgrupper"}):
        problems.append(error(source, None, f"uppfoljning.{key}",
                              "okänd nyckel, väntade manader eller aldersgrupper"))
    months = raw.get("manader", DEFAULT_MONTHS) if manader is None else manader
    if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= 11:
        where = "uppfoljning.manader" if manader is None else "--manader"
        problems.append(error(source if manader is None else None, None, where,
                              f"fann {months!r}, väntade ett heltal 1–11"))
        months = DEFAULT_MONTHS
    bands = _bands(raw.get("aldersgrupper", {}), source, problems)
    raise_if_errors("uppföljning", problems)
    return FollowupSettings(months, bands, tuple(sorted(set(datum))))


def _bands(table, source: str, problems) -> dict[str, tuple[AgeBand, ...]]:
    if not isinstance(table, dict):
        problems.append(error(source, None, "uppfoljning.aldersgrupper",
                              'väntade en tabell, t.ex. { EB = ["18-24", "25-34"] }'))
        return {}
    found = {}
    for omrade, names in sorted(table.items()):
        where = f"uppfoljning.aldersgrupper.{omrade}"
        if not isinstance(names, list) or not names:
            problems.append(error(source, None, where, 'väntade en lista, t.ex. ["18-24", "25-"]'))
            continue
        bands = [_band(str(n), source, where, problems) for n in names]
        found[omrade] = tuple(b for b in bands if b is not None)
    return found


def _band(text: str, source: str, where: str, problems) -> AgeBand | None:
    match = BAND.match(text.strip())
    if not match:
        problems.append(error(source, None, where, (
            f"fann {text!r}, väntade en åldersgrupp som \"18-24\", \"65-\" eller \"80+\"")))
        return None
    low, high, plus = match.groups()
    if plus is not None:
        return AgeBand(text, int(plus), None)
    if high is not None and int(high) < int(low):
        problems.append(error(source, None, where, f"fann {text!r}: slutåldern är lägre än början"))
        return None
    return AgeBand(text, int(low), int(high) if high is not None else None)
