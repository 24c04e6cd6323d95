"""What `kpb check` and `kpb compute` tell the user when they are done.

Each summary is computed from the frames as data (a list of (label, value) sections), and
`render` turns it into the lines the CLI prints, so tests can check the numbers themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from kpb.write.money import format_sek

KONTO_CLASSES = {"3": "intäkter", "4": "köp av verksamhet/material", "5": "personal",
                 "6": "övriga kostnader", "7": "övriga kostnader", "8": "finansiellt"}


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)


def render(sections: list[Section]) -> list[str]:
    lines = []
    for section in sections:
        lines.append(section.title)
        width = max((len(label) for label, _ in section.rows), default=0)
        lines += [f"  {label.ljust(width)}  {value}" for label, value in section.rows]
    return lines


def load_summary(loaded) -> list[Section]:
    """Rows and totals per source and konto class, persons, period coverage, warnings."""
    return [_sources(loaded), _konto_classes(loaded.ledger), _persons(loaded),
            _periods(loaded.ledger, loaded.year), _warnings(loaded.warnings)]


def _sources(loaded) -> Section:
    rows = []
    for name in ("ledger", "aktivitet", "direkt", "nycklar"):
        frame = getattr(loaded, name)
        files = frame["kalla_fil"].n_unique() if frame.height else 0
        text = f"{frame.height:>10,} rader i {files} fil(er)".replace(",", " ")
        if "belopp_ore" in frame.columns:
            text += f", summa {format_sek(frame['belopp_ore'].sum() or 0)} kr"
        rows.append((name, text))
    return Section("Inläst", rows)


def _konto_classes(ledger: pl.DataFrame) -> Section:
    per_class = (ledger.group_by(pl.col("konto").str.slice(0, 1).alias("klass"))
                 .agg(pl.len().alias("rader"), pl.col("belopp_ore").sum()).sort("klass"))
    rows = [(f"klass {r['klass']} ({KONTO_CLASSES.get(r['klass'], 'övrigt')})",
             f"{format_sek(r['belopp_ore'])} kr ({r['rader']} rader)")
            for r in per_class.iter_rows(named=True)]
    rows.append(("netto", f"{format_sek(ledger['belopp_ore'].sum() or 0)} kr"))
    return Section("Huvudbok per kontoklass", rows)


def _persons(loaded) -> Section:
    person = loaded.person
    rows = [("personer", f"{person.height}")]
    if person.height:
        by_kon = person.group_by("kon").len().sort("kon")
        rows.append(("kön", ", ".join(f"{r['kon'] or 'okänt'}: {r['len']}"
                                      for r in by_kon.iter_rows(named=True))))
        flagged = person.filter(pl.col("flagga") != "").height
        if flagged:
            rows.append(("flaggade", f"{flagged} med ogiltigt id (behållna som varning)"))
    return Section("Brukare", rows)


def _periods(ledger: pl.DataFrame, year: int) -> Section:
    present = set(ledger["period"].unique().to_list()) if ledger.height else set()
    expected = {year * 100 + month for month in range(1, 13)}
    missing = sorted(expected - present)
    text = "alla 12 månader" if not missing else "saknas: " + ", ".join(map(str, missing))
    return Section("Periodtäckning", [("huvudbok", text)])


def _warnings(warnings) -> Section:
    rows = [("antal", str(len(warnings)))]
    rows += [("", str(w)) for w in warnings[:20]]
    if len(warnings) > 20:
        rows.append(("", f"... och {len(warnings) - 20} till"))
    return Section("Varningar", rows)


def compute_summary(allocation) -> list[Section]:
    """KPB cost base, persons, pools, reconciliation status."""
    posts = allocation.avstamning
    total = _post(posts, "Huvudbok totalt")
    excluded = posts.filter(pl.col("post").str.starts_with("Exkluderat"))["belopp_ore"].sum()
    difference = _post(posts, "Differens")
    to_persons = _post(posts, "Till brukare")
    status = "stämmer på öret" if difference == 0 else f"DIFFERENS {format_sek(difference)} kr"
    return [Section("KPB", [
        ("huvudbok netto", f"{format_sek(total)} kr"),
        ("KPB-kostnadsbas", f"{format_sek(total - excluded)} kr"),
        ("till brukare", f"{format_sek(to_persons)} kr"),
        ("brukare", str(allocation.brukare.height)),
        ("pooler", str(allocation.pool.height)),
        ("avstämning", status),
    ])]


def _post(posts: pl.DataFrame, name: str) -> int:
    return int(posts.filter(pl.col("post") == name)["belopp_ore"].sum() or 0)
