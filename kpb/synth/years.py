"""Several KPB years of the same synthetic municipality (`kpb synth --tidigare 2022`).

The latest year is generated as usual. Each earlier year draws the same random stream, so
the same places in each segment get the same insatser (placements continue across the
years); at each place the latest year's person is kept with probability STAY (two years
younger), unless that person was not yet in the segment's ages, and otherwise a person drawn
for the earlier year takes the place: people age, some leave, some arrive. Every year also
gets arbetsmarknad outcomes (data/<year>/utfall/) derived from its AMI rows.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import polars as pl

from kpb.steps import Progress, silent
from kpb.synth.generate import SynthSummary, generate
from kpb.synth.population import Segment

STAY = 0.7
MINIMUM_AGE = (0, 20, 65)  # children, adults, elderly
REASONS = ("Arbete", "Studier", "Annan insats", "Avbrutit", "Flyttat")
REASON_WEIGHTS = (0.25, 0.10, 0.25, 0.25, 0.15)
UTFALL_SETTINGS = """
[utfall.avslutsorsak]
arbete       = ["Arbete"]
studier      = ["Studier"]
annan_insats = ["Annan insats"]
avbrott      = ["Avbrutit"]
ovrigt       = ["Flyttat"]
"""


def generate_years(out: Path, invanare: int, years, seed: int = 1,
                   progress: Progress = silent) -> list[SynthSummary]:
    """The latest of `years` first, then each earlier one from its people."""
    latest, *earlier = sorted(set(years), reverse=True)
    drawn: dict[str, tuple[Segment, ...]] = {}

    def remember(*segments):
        drawn["latest"] = segments
        return segments

    summaries = [generate(out, invanare, latest, seed, progress, population_of=remember)]
    for year in earlier:
        rng = np.random.default_rng([seed, year])
        summaries.append(generate(out, invanare, year, seed, progress, population_of=(
            lambda *fresh, y=year, r=rng: tuple(
                earlier_segment(f, later, latest - y, low, r)
                for f, later, low in zip(fresh, drawn["latest"], MINIMUM_AGE)))))
    for summary in summaries:
        write_outcomes(Path(out), summary.ar, seed)
    settings = Path(out) / "kpb.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + UTFALL_SETTINGS, encoding="utf-8")
    return summaries


def earlier_segment(fresh: Segment, later: Segment, shift: int, minimum_age: int,
                    rng) -> Segment:
    """The segment `shift` years before `later`: its persons stay at their places with
    probability STAY (if old enough then), new ones (from `fresh`) take the other places."""
    age_then = later.age - shift
    stays = (rng.random(later.size) < STAY) & (age_then >= minimum_age)
    arriving = ~stays & np.isin(fresh.numbers, later.numbers[stays])  # an id taken twice:
    stays |= arriving & (age_then >= minimum_age)                     # keep the later person
    return replace(fresh, numbers=np.where(stays, later.numbers, fresh.numbers),
                   age=np.where(stays, age_then, fresh.age))


def write_outcomes(out: Path, year: int, seed: int) -> int:
    """data/<year>/utfall/utfall_<year>.csv: per AMI participant the first day of their rows
    and the end of their last month; those who stop before December have an avslut there,
    with a drawn reason."""
    rng = np.random.default_rng([seed, year, 7])
    scans = [scan.select("person", "insats", "from", "tom") for scan in
             (pl.scan_csv(f, infer_schema=False, glob=False)
              for f in sorted((out / "data" / str(year) / "aktivitet").glob("*.csv")))
             if "tom" in scan.collect_schema()]  # hemtjänst visits have no tom and no AMI
    rows = (pl.concat(scans).filter(pl.col("insats") == "ami")
            .with_columns(pl.col("from").str.to_date(),
                          dag=pl.coalesce(pl.col("tom"), pl.col("from")).str.to_date())
            .group_by("person").agg(start=pl.col("from").min(),
                                    slut=pl.col("dag").max().dt.month_end())
            .sort("person").collect())
    ended = rows["slut"].dt.month() < 12
    reasons = rng.choice(np.array(REASONS), rows.height, p=REASON_WEIGHTS)
    utfall = rows.select(
        "person", insats=pl.lit("ami"), utforare=pl.lit("Arbetsmarknadsenheten"),
        start="start", avslut=pl.when(ended).then(pl.col("slut")),
        avslutsorsak=pl.when(ended).then(pl.Series(reasons)))
    path = out / "data" / str(year) / "utfall" / f"utfall_{year}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    utfall.write_csv(path)
    return utfall.height
