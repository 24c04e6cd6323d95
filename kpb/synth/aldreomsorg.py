"""Äldreomsorg: hemtjänst visits, SÄBO and korttid stays, trygghetslarm, biståndsbeslut.

Hemtjänst is the bulk of any municipality's activity data: one row per visit with the hours
the staff logged, several visits a day for heavy users. Intensity per user is lognormal,
which gives the skew real KPB shows (a few users carry a large share of the hours).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from kpb.synth import calendar, frames
from kpb.synth import identity_numbers as personnummer
from kpb.synth.calendar import Year
from kpb.synth.organisation import Organisation
from kpb.synth.parts import Part, by_code, priced, runs
from kpb.synth.population import Segment

HEMTJANST_USERS = 0.024  # per inhabitant
SABO_RESIDENTS = 0.0055
KORTTID_USERS = 0.003
LARM_USERS = 0.025
UTREDNINGAR = 0.012
OTHER_ELDERLY = 0.02  # elderly with larm or a decision but no hemtjänst or SÄBO
LOV_SHARE = 0.2
MAX_VISITS_A_DAY = 14.0  # hemtjänst users who chose a private provider
PRICE = {"hemtjanst": 520, "hemtjanst_lov": 470, "sabo": 2_400, "korttid": 3_600,
         "larm": 450, "ao_utredning": 9_000}


def segment_size(invanare: int) -> int:
    return round(invanare * (HEMTJANST_USERS + SABO_RESIDENTS + OTHER_ELDERLY)) + 3


def users(invanare: int) -> int:
    return max(2, round(invanare * HEMTJANST_USERS))


def aldreomsorg_beslut(rng, org: Organisation, elderly: Segment, year: Year) -> Part:
    """Everything but the visits: SÄBO, korttid, larm, biståndsbeslut."""
    n = org.invanare
    home_users = users(n)
    residents = max(2, round(n * SABO_RESIDENTS))
    texts = personnummer.as_text(elderly.numbers, "12-")
    part = sabo(rng, org, texts, np.arange(home_users, home_users + residents), year)
    part.add(korttid(rng, texts, rng.choice(home_users, max(1, round(n * KORTTID_USERS))),
                     year))
    part.add(larm(rng, texts, _larm_users(rng, n, home_users, residents, elderly.size), year))
    decisions = rng.integers(0, elderly.size, round(n * UTREDNINGAR) + 1)
    return part.add(utredningar(rng, texts, decisions, year))


def hemtjanst(rng, org: Organisation, elderly: Segment, year: Year, visit_rows: int) -> Part:
    """One row per visit; the visit count per user and day is Poisson around the user's
    own intensity, scaled so the whole file has about `visit_rows` rows. Users are the
    first of the elderly segment; the time-logging system writes 12 digits without '-'.

    The rows are kept as compact arrays (per user-day: user, day, visits; per visit: hours)
    and become text a slice at a time when written (`Visits`), so a national size (250M
    visits) never holds its export as one frame."""
    texts = personnummer.as_text(elderly.numbers[:users(org.invanare)], "12")
    codes = org.districts + org.lov
    provider = _providers(rng, len(texts), len(org.districts), len(org.lov))
    first, last = _active_days(rng, len(texts), year)
    active = last - first + 1
    intensity = rng.lognormal(0.0, 1.0, len(texts))
    rate = np.minimum(intensity * visit_rows / (intensity * active).sum(), MAX_VISITS_A_DAY)
    rate = np.minimum(rate * visit_rows / (rate * active).sum(), MAX_VISITS_A_DAY)  # refill cap
    user_of_day, day_number = runs(active)
    day = (first[user_of_day] + day_number).astype(np.int32)
    del day_number
    season = calendar.SEASON[year.month_of(day)]  # fewer visits in the summer
    visits = rng.poisson(np.minimum(rate[user_of_day] * season, MAX_VISITS_A_DAY))
    del season
    user_of_day, visits = user_of_day.astype(np.int32), visits.astype(np.int32)
    centi_hours = _visit_hours(rng, int(visits.sum()))
    hours = by_code(codes, np.repeat(provider[user_of_day], visits), centi_hours / 100)
    rows = Visits(texts, frames.pick(codes, provider), user_of_day, day, visits, centi_hours)
    return Part(aktivitet=[("hemtjanst_utford_tid", rows)],
                cost=_hemtjanst_cost(rng, org, hours))


VISIT_SLICE = 4_000_000  # visits drawn and written at a time


def _visit_hours(rng, count: int) -> np.ndarray:
    """Logged minutes per visit as centi-hours, drawn a slice at a time (the same numbers as
    one draw of `count`: the generator's stream is element by element)."""
    centi_hours = np.empty(count, dtype=np.int16)
    for start in range(0, count, VISIT_SLICE):
        n = min(VISIT_SLICE, count - start)
        minutes = np.clip(rng.lognormal(np.log(24), 0.55, n), 5, 240)
        centi_hours[start:start + n] = np.rint(minutes / 60 * 100)
    return centi_hours


@dataclass
class Visits:
    """The hemtjänst export as compact arrays; `frames()` yields it as export frames of about
    VISIT_SLICE rows, in row order (written one after the other they give the same file)."""
    texts: object  # the users' personnummer as written
    provider: pl.Series  # utförare code per user
    user_of_day: np.ndarray
    day: np.ndarray
    visits: np.ndarray  # per user-day
    centi_hours: np.ndarray  # per visit

    @property
    def height(self) -> int:
        return self.centi_hours.size

    def frames(self):
        ends = np.cumsum(self.visits, dtype=np.int64)
        first_day, first_visit = 0, 0
        while first_day < self.visits.size:
            last_day = int(np.searchsorted(ends, first_visit + VISIT_SLICE, side="right"))
            last_day = max(last_day, first_day + 1)
            visit_day = np.repeat(np.arange(first_day, last_day), self.visits[first_day:last_day])
            user = self.user_of_day[visit_day]
            count = visit_day.size
            rows = frames.activity(frames.pick(self.texts, user), "hemtjanst", self.day[visit_day],
                                   timmar=frames.hours(
                                       self.centi_hours[first_visit:first_visit + count]),
                                   utforare=self.provider.gather(pl.Series(user, dtype=pl.Int64)))
            yield rows.select("person", "insats", "from", "timmar", "utforare")
            first_day, first_visit = last_day, first_visit + count

    def persons(self) -> pl.Series:
        used = np.unique(self.user_of_day[self.visits > 0])
        return frames.pick(self.texts, used).rename("person")


def _providers(rng, users, districts, lov) -> np.ndarray:
    """District by a skewed size distribution; a share of users with a LOV provider."""
    district_weights = rng.dirichlet(np.full(districts, 4.0))
    lov_weights = rng.dirichlet(np.full(lov, 2.0))
    weights = np.concatenate([district_weights * (1 - LOV_SHARE), lov_weights * LOV_SHARE])
    return rng.choice(districts + lov, users, p=weights)


def _active_days(rng, users, year: Year):
    """Most users have hemtjänst all year; some start during it, some end (SÄBO, death)."""
    starts_late = rng.random(users) < 0.15
    ends_early = rng.random(users) < 0.15
    first = np.where(starts_late, rng.integers(0, year.days - 30, users), 0)
    last = np.where(ends_early, first + rng.integers(20, year.days, users), year.days - 1)
    return year.first + first, year.first + np.minimum(last, year.days - 1)


def _hemtjanst_cost(rng, org, hours: dict[str, float]) -> dict[str, float]:
    own = priced(rng, {f"hemtjanst_{c.lower()}": hours[c] for c in org.districts},
                 PRICE["hemtjanst"])
    lov_hours = sum(hours[c] for c in org.lov)
    return own | {"hemtjanst_lov": lov_hours * PRICE["hemtjanst_lov"]}


def sabo(rng, org, texts, residents: np.ndarray, year: Year) -> Part:
    unit = rng.integers(0, len(org.sabo_units), residents.size)
    start, tom = calendar.stays(rng, residents.size, year, 0.75, 6, 700)
    copies, copy_start, copy_tom = calendar.overlapping_copies(rng, 0.06, start, tom, year)
    person = np.concatenate([residents, residents[copies]])
    unit = np.concatenate([unit, unit[copies]])
    start, tom = np.concatenate([start, copy_start]), np.concatenate([tom, copy_tom])
    rows = frames.activity(frames.pick(texts, person), "sabo", start, tom,
                           utforare=frames.pick(org.sabo_units, unit))
    days = by_code(org.sabo_units, unit, year.days_in_year(start, tom).astype(float))
    cost = priced(rng, {f"sabo_{c.lower()}": d for c, d in days.items()}, PRICE["sabo"])
    return Part(aktivitet=[("ao_beslut", rows)], cost=cost)


def korttid(rng, texts, guests: np.ndarray, year: Year) -> Part:
    """Short stays of 3-21 days; a stay begun in late December runs into the next year."""
    start = calendar.days_in_year_uniform(rng, guests.size, year)
    tom = start + rng.integers(2, 21, guests.size)
    rows = frames.activity(frames.pick(texts, guests), "korttid", start, tom, utforare="KORT01")
    days = year.days_in_year(start, tom).sum()
    return Part(aktivitet=[("ao_beslut", rows)], cost=priced(rng, {"korttid": days},
                                                            PRICE["korttid"]))


def larm(rng, texts, holders: np.ndarray, year: Year) -> Part:
    start, tom = calendar.stays(rng, holders.size, year, 0.8, 5, 1500)
    rows = frames.activity(frames.pick(texts, holders), "larm", start, tom, utforare="LARM")
    months = year.days_in_year(start, tom).sum() / 30.4
    return Part(aktivitet=[("ao_beslut", rows)], cost=priced(rng, {"larm": months},
                                                            PRICE["larm"]))


def utredningar(rng, texts, persons: np.ndarray, year: Year) -> Part:
    """Biståndsbeslut: one row per decision, count left empty (the default is 1)."""
    start = calendar.days_in_year_uniform(rng, persons.size, year)
    rows = frames.activity(frames.pick(texts, persons), "ao_utredning", start,
                           utforare="BISTAND")
    return Part(aktivitet=[("ao_beslut", rows)],
                cost=priced(rng, {"aldre_myndighet": persons.size}, PRICE["ao_utredning"]))


def _larm_users(rng, invanare, users, residents, segment) -> np.ndarray:
    """Most alarm holders also have hemtjänst; the rest live at home without it."""
    holders = max(2, round(invanare * LARM_USERS))
    with_hemtjanst = rng.choice(users, min(users, int(holders * 0.7)), replace=False)
    others = rng.integers(users + residents, segment, holders - with_hemtjanst.size)
    return np.concatenate([with_hemtjanst, others])
