"""Failing rows -> Problems, one filter per checked column.

A million bad rows must not build a million objects: each file and column reports its first
`CAP` failing rows and one summary line for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import polars as pl

from kpb.errors import Problem, Severity
from kpb.load.textfile import LINE

CAP = 50


@dataclass(frozen=True)
class Check:
    column: str          # as the user knows it: the header in the file
    error: str           # frame column with the expectation, null where fine
    found: str           # frame column with the raw text to quote
    show: Callable[[str], str] = repr  # e.g. personnummer.mask
    severity: Severity = Severity.ERROR


def failing_rows(frame: pl.DataFrame, file: str, check: Check) -> list[Problem]:
    failing = frame.filter(pl.col(check.error).is_not_null())
    shown = failing.head(CAP).select(LINE, check.found, check.error)
    problems = [Problem(file, line, check.column, f"fann {check.show(found or '')}: {expected}",
                        check.severity)
                for line, found, expected in shown.iter_rows()]  # at most CAP rows
    if failing.height > CAP:
        first_hidden = failing[CAP, LINE]
        problems.append(Problem(file, first_hidden, check.column,
                                f"... och {failing.height - CAP} fler rader med samma slags fel",
                                check.severity))
    return problems


def all_failing_rows(frame: pl.DataFrame, file: str, checks: list[Check]) -> list[Problem]:
    return [problem for check in checks for problem in failing_rows(frame, file, check)]
