"""What `kpb check` and `kpb compute` tell the user when they are done.

Each summary is computed from the frames as data (a list of (label, value) sections), and
`render` turns it into the lines the CLI prints, so tests can check the numbers themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from kpb.allocate.reconcile import Post
from kpb.money import format_sek

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
            _periods(loaded.ledger, loaded.year), warnings_section(loaded.warnings)]


def _sources(loaded) -> Section:
    rows = []
    for name in ("ledger", "aktivitet", "direkt", "nycklar", "utfall"):
        # a spilled source is lazy: one streaming pass counts it (kpb.load.spill)
        height, files, total = getattr(loaded, name).lazy().select(
            pl.len(), pl.col("kalla_fil").n_unique(),
            (pl.col("belopp_ore").sum() if name in ("ledger", "direkt") else pl.lit(None))
        ).collect().row(0)
        if name == "utfall" and not height:
            continue  # an optional source
        text = f"{height:>10,} rader i {files} fil(er)".replace(",", " ")
        if total is not None:
            text += f", summa {format_sek(total or 0)} kr"
        if name in getattr(loaded, "reused", {}):  # from .kpb-cache: its files are unchanged
            text += ", återanvänd (oförändrad)"
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
    periods = ledger["period"] if ledger.height else pl.Series([], dtype=pl.Int32)
    present = set(periods.drop_nulls().unique().to_list())
    expected = {year * 100 + month for month in range(1, 13)}
    missing = sorted(expected - present)
    if periods.len() and periods.null_count() == periods.len():
        text = 'helårsbelopp utan period (period = "helar" i kpb.toml)'
    else:
        text = "alla 12 månader" if not missing else "saknas: " + ", ".join(map(str, missing))
    return Section("Periodtäckning", [("huvudbok", text)])


WARNINGS_SHOWN = 50
WARNINGS_IN_MANIFEST = 1000


def warnings_section(warnings) -> Section:
    """How many warnings of each kind, then the first WARNINGS_SHOWN of them."""
    rows = [("antal", str(len(warnings)))]
    rows += [(f"  {kind}", str(count)) for kind, count in warnings_per_kind(warnings).items()]
    rows += [("", str(w)) for w in warnings[:WARNINGS_SHOWN]]
    if len(warnings) > WARNINGS_SHOWN:
        rows.append(("", f"… och {len(warnings) - WARNINGS_SHOWN} fler"))
    return Section("Varningar", rows)


def warnings_per_kind(warnings) -> dict[str, int]:
    counts: dict[str, int] = {}
    for w in warnings:
        kind = w.kind or "inläsning"
        counts[kind] = counts.get(kind, 0) + 1
    return dict(sorted(counts.items()))


def warnings_record(warnings) -> dict:
    """The warnings as manifest.json keeps them: count, count per kind, the messages."""
    return {"antal": len(warnings), "per_slag": warnings_per_kind(warnings),
            "lista": [str(w) for w in warnings[:WARNINGS_IN_MANIFEST]]}


def check_summary(loaded, checked, rules, warnings) -> list[Section]:
    """What `kpb check` shows: the inputs, the key weights the rules will use, warnings."""
    sections = load_summary(loaded)[:-1]
    if checked is not None and checked.weights:
        sections.append(_key_weights(checked.weights))
    return [*sections, warnings_section(warnings)]


def _key_weights(weights) -> Section:
    """Each gemensam pool's receivers with their weights (repeated key rows summed)."""
    rows = [(pool, ", ".join(f"{s.mottagare} {s.text}" for s in shares))
            for pool, shares in weights.items()]
    return Section("Nycklar (vikter per mottagare)", rows)


def compute_summary(allocation, warnings=()) -> list[Section]:
    """KPB cost base, persons, pools, reconciliation status, warnings."""
    posts = allocation.avstamning
    total = _post(posts, Post.HUVUDBOK)
    excluded = posts.filter(pl.col("post").str.starts_with(Post.EXKLUDERAT))["belopp_ore"].sum()
    difference = _post(posts, Post.DIFFERENS)
    to_persons = _post(posts, Post.TILL_BRUKARE)
    status = "stämmer på öret" if difference == 0 else f"DIFFERENS {format_sek(difference)} kr"
    return [Section("KPB", [
        ("huvudbok netto", f"{format_sek(total)} kr"),
        ("KPB-kostnadsbas", f"{format_sek(total - excluded)} kr"),
        ("till brukare", f"{format_sek(to_persons)} kr"),
        ("brukare", str(allocation.brukare.height)),
        ("pooler", str(allocation.pool.height)),
        ("avstämning", status),
    ]), reconciliation_lines(posts), largest_insatser(allocation.insats),
        warnings_section(list(warnings))]


def reconciliation_lines(posts: pl.DataFrame) -> Section:
    """What did not go to brukare, line by line: ej brukarrelaterat, ofördelat, exkluderat."""
    kinds = ("Ej brukarrelaterat", "Ofördelat", "Exkluderat")
    lines = posts.filter(pl.col("post").is_in(kinds) | pl.col("post").str.starts_with(
        "Exkluderat"))
    rows = [(f"{r['post'].lower()}" + (f" ({r['pool']})" if r["pool"] else ""),
             f"{format_sek(r['belopp_ore'])} kr" + (f": {r['orsak']}" if r["orsak"] else ""))
            for r in lines.iter_rows(named=True)]  # a handful of lines
    return Section("Avstämning, utanför brukarna", rows or [("", "inget: allt gick till brukare")])


def largest_insatser(insats: pl.DataFrame, n: int = 5) -> Section:
    """The n insatser with the largest cost (over all their pools)."""
    top = (insats.group_by("insats").agg(pl.col("kostnad_ore").sum(), pl.col("namn").first())
           .sort(["kostnad_ore", "insats"], descending=[True, False]).head(n))
    return Section(f"De {n} största insatserna",
                   [(r["namn"] or r["insats"], f"{format_sek(r['kostnad_ore'])} kr")
                    for r in top.iter_rows(named=True)])


def _post(posts: pl.DataFrame, name: str) -> int:
    return int(posts.filter(pl.col("post") == name)["belopp_ore"].sum() or 0)
