"""Building the export frames: one column set per source, as the case systems write them."""

from __future__ import annotations

import numpy as np
import polars as pl

from kpb.synth.calendar import OPEN

AKTIVITET_COLUMNS = ("person", "insats", "from", "tom", "timmar", "antal", "utforare",
                     "hushall")


def dates(days: np.ndarray) -> pl.Series:
    """Integer days as a Date column; OPEN becomes null (an open range)."""
    raw = pl.Series("d", np.asarray(days, dtype=np.int32))
    return pl.select(pl.when(raw != OPEN).then(raw).cast(pl.Date)).to_series()


def pick(texts, index: np.ndarray) -> pl.Series:
    """texts[index] for a whole index array (a Polars gather, no Python loop)."""
    return pl.Series(texts).gather(pl.Series(np.asarray(index, dtype=np.int64)))


def hours(centi_hours: np.ndarray) -> pl.Series:
    """Hours with at most 2 decimals. A float column here only carries k/100 to the CSV
    writer, which prints the shortest text that reads back as it: "0.5", "1.25"."""
    return pl.Series(np.asarray(centi_hours) / 100)


def activity(person: pl.Series, insats, start: np.ndarray, tom: np.ndarray | None = None,
             timmar: pl.Series | None = None, antal: np.ndarray | None = None,
             utforare=None, hushall=None) -> pl.DataFrame:
    """One activity export: absent optional values are empty (null) cells."""
    n = len(person)
    columns = {
        "person": person,
        "insats": _text(insats, n),
        "from": dates(start),
        "tom": dates(tom) if tom is not None else pl.repeat(None, n, dtype=pl.Date, eager=True),
        "timmar": timmar if timmar is not None else pl.repeat(None, n, dtype=pl.Float64,
                                                               eager=True),
        "antal": pl.Series(antal, dtype=pl.Int64) if antal is not None
        else pl.repeat(None, n, dtype=pl.Int64, eager=True),
        "utforare": _text(utforare, n),
        "hushall": _text(hushall, n),
    }
    return pl.DataFrame(columns)


def _text(value, n: int) -> pl.Series:
    if isinstance(value, pl.Series):
        return value.cast(pl.String)
    return pl.repeat(value, n, dtype=pl.String, eager=True)
