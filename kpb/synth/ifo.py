"""Individ- och familjeomsorg: children (BUF), adults (VUX), ekonomiskt bistånd, AMI, LSS.

Placements (HVB, familjehem, gruppbostad) are date ranges that cross year ends, some
registered twice with overlapping ranges. Ekonomiskt bistånd is paid per household and month
(direkt/), and the same households give the handläggning volume (hushållsmånader).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from kpb.synth import calendar, frames
from kpb.synth import identity_numbers as personnummer
from kpb.synth.calendar import Year
from kpb.synth.parts import Part, priced, runs
from kpb.synth.population import Segment

CHILDREN = 0.025  # segment sizes per inhabitant
ADULTS = 0.03
PRICE = {"bou_utredning": 55_000, "bou_uppfoljning": 3_800, "hvb_barn": 8_700,
         "familjehem": 1_500, "oppenvard": 1_100, "kontaktperson": 2_600,
         "vux_utredning": 35_000, "vux_uppfoljning": 3_000, "hvb_vuxen": 3_400,
         "eb_handlaggning": 1_400, "ami": 650, "gruppbostad": 3_100,
         "daglig_verksamhet": 950}
HVB_UNITS = ("Köpt plats, Bergsgården", "Köpt plats, Solgläntan", "Egen regi, Ekbacken")


def barn(rng, n: int, children: Segment, year: Year) -> Part:
    texts = personnummer.as_text(children.numbers, "10-")
    pick = _picker(rng, children.size)
    part = _cases(rng, texts, "bou", pick(0.012 * n), pick(0.008 * n), year)
    part.add(_placements(rng, texts, "hvb_barn", pick(0.0006 * n, unique=True), year,
                         (0.6, 3, 250), 0.10))
    part.add(_placements(rng, texts, "familjehem", pick(0.0018 * n, unique=True), year,
                         (0.7, 6, 700), 0.05))
    part.add(_placements(rng, texts, "kontaktperson", pick(0.0015 * n, unique=True), year,
                         (0.7, 3, 500), 0.0, monthly=True))
    part.add(_sessions(rng, texts, "oppenvard_barn", pick(0.004 * n, unique=True), 20, year))
    return _named(part, "ifo_barn")


def vuxna(rng, n: int, adults: Segment, year: Year) -> Part:
    texts = personnummer.as_text(adults.numbers, "12-")
    pick = _picker(rng, adults.size)
    part = _cases(rng, texts, "vux", pick(0.003 * n), pick(0.003 * n), year)
    part.add(_sessions(rng, texts, "oppenvard_vuxen", pick(0.003 * n, unique=True), 15, year))
    part.add(hvb_fakturor(rng, texts, pick(0.0003 * n, unique=True), year))
    applicants = pick(0.013 * n, unique=True)
    part.add(ekonomiskt_bistand(rng, adults, applicants, year))
    in_ami = np.concatenate([rng.choice(applicants, int(applicants.size * 0.23), replace=False),
                             pick(0.002 * n, unique=True)])
    part.add(ami(rng, texts, in_ami, year))
    return _named(part, "ifo_vuxen")


def lss(rng, n: int, adults: Segment, year: Year) -> Part:
    texts = personnummer.as_text(adults.numbers, "12-")
    pick = _picker(rng, adults.size)
    part = _placements(rng, texts, "gruppbostad", pick(0.0015 * n, unique=True), year,
                       (0.92, 15, 5000), 0.03)
    participants = pick(0.003 * n, unique=True)
    part.add(_monthly_days(rng, texts, "daglig_verksamhet", participants, year, (12, 21),
                           np.full(participants.size, 12)))
    return _named(part, "lss")


def _picker(rng, segment_size: int):
    """Draw persons from a segment: with repeats (a child investigated twice) or unique."""
    def pick(expected: float, unique: bool = False) -> np.ndarray:
        count = max(1, round(expected))
        if unique:
            return rng.choice(segment_size, min(count, segment_size), replace=False)
        return rng.integers(0, segment_size, count)
    return pick


def _named(part: Part, file: str) -> Part:
    part.aktivitet = [(file if stem == "" else stem, rows) for stem, rows in part.aktivitet]
    return part


def _cases(rng, texts, area: str, investigated, followed, year: Year) -> Part:
    """Myndighetsutövning: one row per utredning (count 1) and open case periods
    (ärendemånader); the pool cost follows both volumes."""
    start = calendar.days_in_year_uniform(rng, investigated.size, year)
    investigations = frames.activity(frames.pick(texts, investigated), f"{area}_utredning",
                                     start, antal=np.ones(investigated.size, dtype=np.int64))
    case_start, case_tom = calendar.stays(rng, followed.size, year, 0.6, 3, 300)
    follow_ups = frames.activity(frames.pick(texts, followed), f"{area}_uppfoljning",
                                 case_start, case_tom)
    months = year.days_in_year(case_start, case_tom).sum() / 30.4
    cost = (investigated.size * PRICE[f"{area}_utredning"]
            + months * PRICE[f"{area}_uppfoljning"])
    return Part(aktivitet=[("", investigations), ("", follow_ups)],
                cost={f"{area}_myndighet": cost})


def _placements(rng, texts, insats: str, persons, year: Year, stay, overlap: float,
                monthly: bool = False) -> Part:
    start, tom = calendar.stays(rng, persons.size, year, *stay)
    copies, copy_start, copy_tom = calendar.overlapping_copies(rng, overlap, start, tom, year)
    person = np.concatenate([persons, persons[copies]])
    start, tom = np.concatenate([start, copy_start]), np.concatenate([tom, copy_tom])
    unit = rng.integers(0, len(HVB_UNITS), person.size)
    rows = frames.activity(frames.pick(texts, person), insats, start, tom,
                           utforare=frames.pick(HVB_UNITS, unit) if insats == "hvb_barn" else "")
    volume = year.days_in_year(start, tom).sum() / (30.4 if monthly else 1)
    return Part(aktivitet=[("", rows)], cost=priced(rng, {insats: volume}, PRICE[insats]))


def _sessions(rng, texts, insats: str, clients, mean_sessions: float, year: Year) -> Part:
    """Öppenvård: one row per session, in quarter hours; both kinds share one pool."""
    owner, _ = runs(rng.poisson(mean_sessions, clients.size))
    centi_hours = 25 * rng.integers(3, 9, owner.size)
    rows = frames.activity(frames.pick(texts, clients[owner]), insats,
                           calendar.days_in_year_uniform(rng, owner.size, year),
                           timmar=frames.hours(centi_hours), utforare="Öppenvården")
    return Part(aktivitet=[("", rows)],
                cost={"oppenvard": centi_hours.sum() / 100 * PRICE["oppenvard"]})


def _monthly_days(rng, texts, insats, persons, year: Year, days_range, months) -> Part:
    """Participation reported per month: a row per person and month, count = days."""
    first_month = rng.integers(0, 13 - months)
    owner, position = runs(months)
    days = rng.integers(*days_range, owner.size)
    start = year.month_starts()[first_month[owner] + position]
    rows = frames.activity(frames.pick(texts, persons[owner]), insats, start, antal=days)
    return Part(aktivitet=[("", rows)], cost=priced(rng, {insats: days.sum()}, PRICE[insats]))


def ami(rng, texts, participants, year: Year) -> Part:
    months = rng.integers(2, 9, participants.size)
    return _monthly_days(rng, texts, "ami", participants, year, (8, 21), months)


def hvb_fakturor(rng, texts, clients, year: Year) -> Part:
    """Purchased adult placements, invoiced per client and month (direkt/)."""
    start, tom = calendar.stays(rng, clients.size, year, 0.5, 1, 120)
    owner, month = runs(np.full(clients.size, 12))
    month_first = year.month_starts()[month]
    month_last = np.append(year.month_starts()[1:], year.last + 1)[month] - 1
    days = year.days_in_year(np.maximum(start[owner], month_first),
                             np.where(tom[owner] == calendar.OPEN, month_last,
                                      np.minimum(tom[owner], month_last)))
    billed = days > 0
    amounts_ore = days[billed] * PRICE["hvb_vuxen"] * 100
    invoices = _direkt(frames.pick(texts, clients[owner[billed]]), "hvb_vuxen", year,
                       month[billed], amounts_ore, utforare="Köpt plats, Vägskälet")
    return Part(direkt=[("fakturor_hvb_vuxen", invoices)],
                cost={"hvb_vuxen": amounts_ore.sum() / 100 * 1.03})


def ekonomiskt_bistand(rng, adults: Segment, applicants, year: Year) -> Part:
    """Payments per household and month; 47 % of households are long-term recipients."""
    long_term = rng.random(applicants.size) < 0.47
    months = np.where(long_term, rng.integers(10, 13, applicants.size),
                      rng.integers(1, 7, applicants.size))
    first_month = rng.integers(0, 13 - months)
    owner, position = runs(months)
    month = first_month[owner] + position
    household = "H" + pl.Series(applicants + 100_000).cast(pl.String)
    norm_ore = (rng.lognormal(np.log(6_500), 0.5, applicants.size) * 100).astype(np.int64)
    amounts_ore = _whole_kronor_mostly(rng, norm_ore[owner])
    extra = np.flatnonzero(rng.random(owner.size) < 0.25)
    extra_ore = _whole_kronor_mostly(rng, (rng.lognormal(np.log(1_200), 0.6, extra.size)
                                           * 100).astype(np.int64))
    rows_owner = np.concatenate([owner, owner[extra]])
    payments = _direkt(personnummer.as_text(adults.numbers[applicants], "12")
                       .gather(pl.Series(rows_owner)), "eb", year,
                       np.concatenate([month, month[extra]]),
                       np.concatenate([amounts_ore, extra_ore]),
                       hushall=household.gather(pl.Series(rows_owner)))
    handling = frames.activity(
        personnummer.as_text(adults.numbers[applicants], "12-").gather(pl.Series(owner)),
        "eb_handlaggning", year.month_starts()[month],
        np.append(year.month_starts()[1:], year.last + 1)[month] - 1,
        hushall=household.gather(pl.Series(owner)))
    paid_kronor = (amounts_ore.sum() + extra_ore.sum()) / 100
    return Part(aktivitet=[("", handling)], direkt=[("ekonomiskt_bistand", payments)],
                cost={"eb_bistand": paid_kronor * 1.004,
                      "eb_handlaggning": owner.size * PRICE["eb_handlaggning"]})


def _whole_kronor_mostly(rng, ore: np.ndarray) -> np.ndarray:
    """Most payments are whole kronor; some carry öre."""
    return np.where(rng.random(ore.size) < 0.85, ore // 100 * 100, ore)


def _direkt(person: pl.Series, insats: str, year: Year, month: np.ndarray,
            amount_ore: np.ndarray, hushall=None, utforare=None) -> pl.DataFrame:
    columns = {"person": person, "insats": pl.repeat(insats, len(person), eager=True),
               "period": pl.Series(year.ar * 100 + month + 1, dtype=pl.Int32),
               "belopp_ore": pl.Series(amount_ore, dtype=pl.Int64)}
    if hushall is not None:
        columns["hushall"] = hushall
    if utforare is not None:
        columns["utforare"] = pl.repeat(utforare, len(person), eager=True)
    return pl.DataFrame(columns)
