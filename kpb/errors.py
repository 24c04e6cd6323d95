"""Errors are values with a source.

Every problem kpb finds in the user's files is a `Problem`: where it is (file, line,
column), what was found and what was expected, in the user's terms. Loaders and validators
collect problems instead of raising at the first one; a stage that ends with errors raises
`KpbError` carrying all of them, and the CLI prints them `file:line: column: message`.

A problem message must never contain a personnummer: callers pass a pseudonym or a masked
value (see `kpb.load.personnummer.mask`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "fel"
    WARNING = "varning"


@dataclass(frozen=True, order=True)
class Problem:
    file: str | None
    line: int | None
    column: str | None
    message: str
    severity: Severity = Severity.ERROR
    # What kind of problem this is, in the user's words ("utanför året", "oanvända rader"):
    # the summaries count warnings per kind. Set by the stage that found it.
    kind: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        place = ""
        if self.file:
            place = self.file + (f":{self.line}" if self.line is not None else "") + ": "
        column = f"{self.column}: " if self.column else ""
        prefix = "varning: " if self.severity is Severity.WARNING else ""
        return f"{place}{prefix}{column}{self.message}"


def error(file, line, column, message) -> Problem:
    return Problem(file, line, column, message, Severity.ERROR)


def warning(file, line, column, message) -> Problem:
    return Problem(file, line, column, message, Severity.WARNING)


class KpbError(Exception):
    """A stage failed; `problems` holds every problem found (errors and warnings)."""

    def __init__(self, stage: str, problems: list[Problem]):
        self.stage = stage
        self.problems = sorted(problems, key=_sort_key)
        errors = [p for p in self.problems if p.is_error]
        super().__init__(f"{stage}: {len(errors)} fel")

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


class InternalError(Exception):
    """kpb's own bookkeeping does not add up: a bug in kpb, never the user's data.

    The allocation checks its invariants (every direkt row placed once, the reconciliation to
    the öre) after the check stage has accepted the inputs; if one breaks, the run stops with
    this error before anything is written, and the CLI asks the user to report it."""

    def __init__(self, step: str, message: str):
        self.step = step
        super().__init__(f"{step}: {message}")


def raise_if_errors(stage: str, problems: list[Problem]) -> None:
    if any(p.is_error for p in problems):
        raise KpbError(stage, problems)


def _sort_key(p: Problem):
    return (p.file or "", p.line if p.line is not None else -1, p.column or "", p.message)
