"""Failing rows -> Problems, one filter per checked column.

A million bad rows must not build a million objects: each file and column reports its first
`CAP` failing rows and one summary line for the rest.

A quoted value may be a personnummer in the wrong column (a shifted export, a file without
its header row): every value is quoted through `quoted`, and `masked` guards whole messages.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import polars as pl

from kpb.errors import Problem, Severity
from kpb.load.personnummer import mask_within
from kpb.load.textfile import LINE

CAP = 50


def quoted(value: str) -> str:
    """A value as a message shows it: in quotes, anything shaped like a personnummer masked."""
    return repr(mask_within(value))


def masked(problems: list[Problem]) -> list[Problem]:
    """The problems with every personnummer-shaped part of their messages and file names
    masked (a skipped file's name is no export's, and nothing else checks it).

    The last guard for messages built elsewhere (headers quoted by columns.py, SIE words).
    """
    return [replace(problem, message=mask_within(problem.message),
                    file=mask_within(problem.file) if problem.file else problem.file)
            for problem in problems]


@dataclass(frozen=True)
class Check:
    column: str          # as the user knows it: the header in the file
    error: str           # frame column with the expectation, null where fine
    found: str           # frame column with the raw text to quote
    show: Callable[[str], str] = quoted  # or personnummer.mask for the person column
    severity: Severity = Severity.ERROR


@dataclass(frozen=True)
class Failures:
    """The failing rows of one check in one piece of a file: the first CAP + 1 and a count.

    A large file is typed in pieces; the first CAP + 1 failing rows of every piece, in file
    order, always hold the first CAP + 1 failing rows of the whole file.
    """
    check: Check
    rows: pl.DataFrame  # LINE, found text, expectation
    count: int


def failures(frame: pl.DataFrame, check: Check) -> Failures:
    failing = frame.filter(pl.col(check.error).is_not_null())
    return Failures(check, failing.head(CAP + 1).select(LINE, check.found, check.error),
                    failing.height)


def all_failures(frame: pl.DataFrame, checks: list[Check]) -> list[Failures]:
    return [failures(frame, check) for check in checks]


def problems_of(file: str, found: list[Failures]) -> list[Problem]:
    """One file's failures (from one or more pieces, in order) as Problems, CAP per column."""
    by_check: dict[tuple[str, str], list[Failures]] = {}
    for failure in found:
        by_check.setdefault((failure.check.column, failure.check.error), []).append(failure)
    return [problem for group in by_check.values() for problem in _capped(file, group)]


def _capped(file: str, group: list[Failures]) -> list[Problem]:
    check, count = group[0].check, sum(failure.count for failure in group)
    rows = pl.concat([failure.rows.rename({failure.check.found: "_fann"}) for failure in group])
    problems = [Problem(file, line, check.column, f"fann {check.show(found or '')}: {expected}",
                        check.severity)
                for line, found, expected in rows.head(CAP).iter_rows()]  # at most CAP rows
    if count > CAP:
        problems.append(Problem(file, rows[CAP, LINE], check.column,
                                f"... och {count - CAP} fler rader med samma slags fel",
                                check.severity))
    return problems
