"""Activity and direkt rows the volumes cannot count as they stand.

Hours and counts are counted on the activity's date (`from`): a row of an insats with enhet
timmar or antal dated outside the verksamhetsår adds nothing to the year's volumes. It is left
out with a warning per file and insats (rows, volume, first line), or is an error when kpb.toml
says `[kontroll] utanfor_aret = "fel"`. Ranges (dygn, manader) are clipped to the year instead
(kpb.flow.volumes). An hour row without hours counts as 0 hours, with a warning. Rows whose
insats the catalogue does not know, and rows of a known insats that no pool takes, are used
nowhere: each combination is a warning, so nothing is dropped without a word.
"""

from __future__ import annotations

import polars as pl

from kpb.flow.volumes import (
    DATED_UNITS,
    in_year,
    matched_rows,
    pool_insatser,
    rows_of_units,
)
from kpb.errors import Problem, error, warning
from kpb.flow.codes import code_map
from kpb.load.summaries import COMBINATIONS
from kpb.money import format_units
from kpb.rules import Rules
from kpb.rules.model import OPERATING_TYPES, PoolType

UNIT_WORDS = {"timmar": "timmar", "antal": "st"}
ROWS_OF = {"aktivitet": "aktivitetsrader", "direkt": "direktrader"}


def per_file(rows: pl.LazyFrame, volume: pl.Expr | None = None) -> list[dict]:
    """file, insats, enhet, rader, first line (and volume): one dict per file and insats."""
    aggregates = {"rader": pl.len(), "kalla_rad": pl.col("kalla_rad").min()}
    if volume is not None:
        aggregates["volym_milli"] = volume.sum()
    return (rows.group_by(["kalla_fil", "insats", "enhet"]).agg(**aggregates)
            .sort("kalla_fil", "insats").collect().to_dicts())


def outside_year(aktivitet, rules: Rules, year: int, policy: str) -> list[Problem]:
    dated = rows_of_units(aktivitet, rules, DATED_UNITS)
    outside = dated.filter(~in_year(pl.col("from"), year))
    volume = (pl.when(pl.col("enhet") == "timmar").then(pl.col("timmar_milli").fill_null(0))
              .otherwise(pl.col("antal_milli").fill_null(0)))
    make = error if policy == "fel" else warning
    consequence = ("väntade datum inom året" if policy == "fel"
                   else "de räknas inte i årets volymer")
    return [make(g["kalla_fil"], g["kalla_rad"], "from",
                 f"{g['rader']} rader ({format_units(g['volym_milli'])} "
                 f"{UNIT_WORDS[g['enhet']]}) med datum utanför verksamhetsåret {year} för insats "
                 f"{g['insats']!r}: {g['enhet']} räknas på aktivitetens datum, {consequence}")
            for g in per_file(outside, volume)]


def without_hours(aktivitet, rules: Rules) -> list[Problem]:
    dated = rows_of_units(aktivitet, rules, ("timmar",))
    missing = dated.filter(pl.col("timmar_milli").is_null())
    return [warning(g["kalla_fil"], g["kalla_rad"], "timmar",
                    f"{g['rader']} rader för insats {g['insats']!r} (enhet timmar) saknar timmar "
                    "och räknas som 0 timmar")
            for g in per_file(missing)]


def unknown_codes(tables: dict, rules: Rules) -> list[Problem]:
    """Rows whose insats code is not in the catalogue (nor among its `koder`, nor a direct
    pool's reporting volume, which the report reads: kpb.rules.reporting)."""
    known = [*rules.insatser, *(p.rapportvolym.aktivitet for p in rules.pools if p.rapportvolym)]
    problems = []
    for source in ("aktivitet", "direkt"):
        combos = (tables[source].lazy().filter(~pl.col("insats").is_in(known))
                  .group_by(["kalla_fil", "insats"])
                  .agg(rader=pl.len(), kalla_rad=pl.col("kalla_rad").min())
                  .sort("kalla_fil", "insats").collect())
        problems += [warning(c["kalla_fil"], c["kalla_rad"], "insats",
                             f"okänd insatskod {c['insats']!r} ({c['rader']} {ROWS_OF[source]}): "
                             "väntade en insats från [insatser] i regelfilen eller en av dess "
                             "`koder`; raderna används inte")
                     for c in combos.iter_rows(named=True)]
    return problems


def unused(tables: dict, rules: Rules) -> list[Problem]:
    summary = tables.get(COMBINATIONS)
    activity = (_known_combinations(tables["aktivitet"], rules) if summary is None
                else _mapped_combinations(summary, rules))
    return [*_unused_rows(activity, rules, (PoolType.VERKSAMHET,), "aktivitets"),
            *_unused_rows(_known_combinations(tables["direkt"], rules), rules, OPERATING_TYPES,
                          "direkt")]


def _known_combinations(rows, rules: Rules) -> pl.DataFrame:
    """(insats, utforare) of a known insats: rader, the first row's file, the first line."""
    return (rows.lazy().filter(pl.col("insats").is_in(list(rules.insatser)))
            .group_by(["insats", "utforare"])
            .agg(rader=pl.len(), kalla_fil=pl.col("kalla_fil").first(),
                 kalla_rad=pl.col("kalla_rad").min())
            .collect())


def _mapped_combinations(summary: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """The same from the load's summary of the raw codes (kpb/load/summaries.py): the codes
    mapped as the rules say, and the combinations they join added up."""
    return (summary.lazy().with_columns(pl.col("insats").replace(code_map(rules)))
            .filter(pl.col("insats").is_in(list(rules.insatser)))
            .sort("forsta")
            .group_by(["insats", "utforare"])
            .agg(rader=pl.col("rader").sum(), kalla_fil=pl.col("kalla_fil").first(),
                 kalla_rad=pl.col("kalla_rad").min())
            .collect())


def _unused_rows(combos: pl.DataFrame, rules: Rules, types, source: str) -> list[Problem]:
    """Rows of a known insats (and utförare) that feed no pool of the given types."""
    feeds = pool_insatser(rules, types)
    fed = matched_rows(combos, feeds).collect()
    unused = combos.join(fed.select("insats", "utforare").unique(), on=["insats", "utforare"],
                         how="anti")
    return [warning(c["kalla_fil"], c["kalla_rad"], "insats",
                    f"{c['rader']} {source}rader med insats {c['insats']!r}"
                    + (f" och utförare {c['utforare']!r}" if c["utforare"] else "")
                    + " hör inte till någon pool i reglerna och används inte")
            for c in unused.sort("insats", "utforare").iter_rows(named=True)]
