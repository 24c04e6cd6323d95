"""A source folder of a project year -> its files read as text tables, and their problems.

Every entry of `data/<year>/<source>/` is read by its type (CSV whole or in pieces, XLSX,
SIE), skipped with a warning (hidden files, editor backups) or named in an error: nothing in
the folder is passed over without a word. year.py types the tables this hands over.
"""

from __future__ import annotations

import csv
from pathlib import Path

from kpb.errors import Problem, error, warning
from kpb.load.csvfile import read_csv
from kpb.load.csvpieces import PiecedCsv, too_big
from kpb.load.sie import read_sie
from kpb.load.textfile import TextTable
from kpb.load.xlsxfile import read_xlsx
from kpb.project import Project

SUFFIXES = {"ledger": (".csv", ".xlsx", ".se", ".si"), "aktivitet": (".csv", ".xlsx"),
            "direkt": (".csv", ".xlsx"), "nycklar": (".csv", ".xlsx"),
            "utfall": (".csv", ".xlsx")}


def read_source(project: Project, year: int, source: str, problems) -> list[TextTable]:
    """Every entry of the source folder is read, skipped with a warning (hidden files,
    editor backups) or named in an error: nothing in it is passed over without a word."""
    folder = project.data_dir(year, source)
    try:
        paths = sorted(folder.iterdir()) if folder.is_dir() else []
    except OSError as exc:
        problems.append(error(project.relative(folder), None, None,
                              f"mappen kunde inte läsas ({exc.strerror}): väntade en läsbar mapp"))
        return []
    tables = []
    for path in paths:  # a handful of files per source
        read, found = _read_file(project, path, source, year)
        problems += found
        tables += read
    if source == "ledger" and not tables and not problems:
        problems.append(error(project.relative(folder), None, None,
                              "inga huvudboksfiler: väntade *.csv, *.xlsx, *.se eller *.si"))
    return tables


def _read_file(project: Project, path: Path, source: str, year: int
               ) -> tuple[list[TextTable], list[Problem]]:
    """The file's tables (an XLSX gives one per sheet with data) and its problems."""
    file = project.relative(path)
    reason = skipped(path.name)
    if reason:
        return [], [warning(file, None, None, f"{reason}, hoppades över")]
    unusable = _not_a_file(path)
    if unusable:
        return [], [error(file, None, None, unusable)]
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES[source]:
        return [], [error(file, None, None, "okänd filtyp, filen lästes inte: väntade "
                          + ", ".join(f"*{s}" for s in SUFFIXES[source])
                          + " (flytta bort filen om den inte hör hit)")]
    try:
        tables, problems = _read_by_type(project, path, file, source, year, suffix)
    except OSError as exc:
        return [], [error(file, None, None, f"filen kunde inte läsas ({exc.strerror})")]
    except csv.Error as exc:  # the reader's fallback for files pyarrow refuses
        return [], [error(file, None, None, f"filen kunde inte läsas som CSV ({exc}): väntade "
                          "en textfil med en rubrikrad och rader med avgränsare")]
    if (source == "ledger" and tables and not any(isinstance(t, PiecedCsv) for t in tables)
            and sum(t.height for t in tables) == 0
            and not any(p.is_error for p in problems)):
        problems = [*problems, no_rows(file)]
    return tables, problems


def _read_by_type(project: Project, path: Path, file: str, source: str, year: int,
                  suffix: str) -> tuple[list[TextTable], list[Problem]]:
    if suffix == ".xlsx":
        return read_xlsx(path, file, project.source(source))
    if suffix in (".se", ".si"):
        table, problems = read_sie(path, file, project.sie, year)
    elif too_big(path):  # read and typed a piece at a time (csvpieces.py)
        return [PiecedCsv(path, file, project.source(source))], []
    else:
        table, problems = read_csv(path, file, project.source(source), True)  # Categorical
    return ([table] if table is not None else []), problems


def skipped(name: str) -> str | None:
    """Why a file is not an export: hidden, or an editor's backup or lock file."""
    if name.startswith("~$") or name.startswith(".~lock"):
        return "låsfil från ett kalkylprogram"
    if name.startswith("."):
        return "dold fil"
    if name.endswith("~") or name.lower().endswith((".bak", ".tmp", ".swp")):
        return "säkerhetskopia eller tillfällig fil"
    return None


def _not_a_file(path: Path) -> str | None:
    """Why a folder entry cannot be read as a file, or None when it is a regular file."""
    try:
        path.stat()
    except OSError as exc:
        if path.is_symlink():
            return ("länken leder ingenstans (filen den pekar på saknas, eller länkarna pekar "
                    "på varandra): väntade en fil")
        return f"kunde inte läsas ({exc.strerror}): väntade en läsbar fil"
    if path.is_dir():
        return ("är en mapp: väntade en fil (kpb läser inte undermappar, lägg filerna direkt i "
                f"{path.parent.name}/)")
    if not path.is_file():
        return "är ingen vanlig fil: väntade en exportfil"
    return None


def no_rows(file: str) -> Problem:
    """A ledger file that holds nothing would replace last run's results with zeros."""
    return error(file, None, None, "filen har inga rader efter rubrikraden: väntade "
                                   "huvudbokens rader")


def same_content(texts: dict[str, list[TextTable]]) -> list[Problem]:
    """Two files with the same SHA-256 are the same export saved twice: its money would count
    twice."""
    first: dict[str, str] = {}
    problems = []
    files = sorted({_whole_file(t.file): t.sha256 for ts in texts.values() for t in ts}.items())
    for file, digest in files:
        if digest in first:
            problems.append(error(file, None, None, f"har samma innehåll som {first[digest]} "
                                  "(samma SHA-256): väntade varje export en gång, ta bort den "
                                  "ena filen"))
        first.setdefault(digest, file)
    return problems


def _whole_file(name: str) -> str:
    """`hb.xlsx[Blad2]` (a sheet of a workbook read whole) -> `hb.xlsx`."""
    return name.rsplit("[", 1)[0] if name.endswith("]") else name  # no sheet title has [ ]
