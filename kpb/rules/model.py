"""The rules of one verksamhetsår as frozen values (formats.md §3).

`kpb.rules.reader` builds these from regler/<year>.toml and validates them completely before
any data moves, so the allocation can trust every name and share it finds here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction


class Unit(StrEnum):
    """The volume unit of an insats (formats.md §3)."""

    TIMMAR = "timmar"
    ANTAL = "antal"
    DYGN = "dygn"
    MANADER = "manader"
    KRONOR = "kronor"


class PoolType(StrEnum):
    """What a pool's cost becomes (formats.md §3): priced on volumes, overhead, individuals'
    own amounts, kept outside brukare, or outside the KPB cost base."""

    VERKSAMHET = "verksamhet"
    GEMENSAM = "gemensam"
    DIREKT = "direkt"
    EJ_BRUKAR = "ej_brukar"
    EXKLUDERA = "exkludera"


UNITS = tuple(Unit)
POOL_TYPES = tuple(PoolType)
MATCH_FIELDS = ("konto", "ansvar", "verksamhet", "aktivitet", "projekt", "motpart")
KEY_KINDS = ("andelar", "fil", "personalkostnad", "direktkostnad")
METHODS = ("stegvis", "reciprok")
# Pools whose cost is priced on volumes and therefore may receive overhead.
OPERATING_TYPES = (PoolType.VERKSAMHET, PoolType.DIREKT)


@dataclass(frozen=True)
class Pattern:
    """One ledger pattern: exact "610", prefix "61*" or inclusive range "4000-4999"."""

    text: str
    kind: str  # "exact" | "prefix" | "range"
    low: str = ""  # exact value, prefix, or lower bound
    high: str = ""  # upper bound of a range

    @property
    def width(self) -> int:
        return len(self.low)


@dataclass(frozen=True)
class Insats:
    kod: str
    enhet: str
    omrade: str = ""
    namn: str = ""
    koder: tuple[str, ...] = ()  # the case system's codes counted as this insats


@dataclass(frozen=True)
class Share:
    """A receiver's weight in a key, exact, with the text the user wrote ("0.3", "200")."""

    mottagare: str
    varde: Fraction
    text: str


@dataclass(frozen=True)
class Nyckel:
    kind: str  # one of KEY_KINDS
    andelar: tuple[Share, ...] = ()
    fil: str = ""
    konton: tuple[Pattern, ...] = ()  # personalkostnad / direktkostnad accounts


@dataclass(frozen=True)
class Pool:
    namn: str
    typ: str
    index: int  # 1-based position among the [[pool]] blocks: "pool[1]" is the first
    match: dict[str, tuple[Pattern, ...]]
    insats: str | None = None
    utforare: tuple[str, ...] = ()
    fordelning: tuple[tuple[str, Fraction], ...] = ()
    nyckel: Nyckel | None = None
    mottagare: tuple[str, ...] = ()  # as written; see Rules.receivers for the effective list
    rest: str = "redovisa"
    orsak: str = ""
    rapportvolym: object = None  # kpb.rules.reporting.RapportVolym (verksamhet/direkt, reported)
    regi: str = ""  # "egen" | "extern" | "" (not said): shown in the report only

    @property
    def label(self) -> str:
        return f"pool[{self.index}] ({self.namn})"

    @property
    def regel(self) -> str:
        """The rule as shown in ledger_pool: "pool[4] hemtjanst_norr: ansvar 200-249"."""
        fields = "; ".join(f"{f} {', '.join(p.text for p in pats)}"
                           for f, pats in self.match.items())
        return f"pool[{self.index}] {self.namn}: {fields}"

    def insats_shares(self) -> tuple[tuple[str, Fraction], ...]:
        """The insatser the pool's cost goes to, with their shares (one insats = all of it)."""
        if self.fordelning:
            return self.fordelning
        return ((self.insats, Fraction(1)),) if self.insats else ()


@dataclass(frozen=True)
class Rules:
    ar: int
    insatser: dict[str, Insats]
    pools: tuple[Pool, ...]
    metod: str = "stegvis"
    source: str = ""
    warnings: tuple = ()  # Problems of severity warning found while reading the rules
    ytterfall: tuple = ()  # kpb.rules.reporting.Ytterfall per område (report only)

    def pool(self, namn: str) -> Pool:
        return next(p for p in self.pools if p.namn == namn)

    def of_type(self, *types: str) -> tuple[Pool, ...]:
        return tuple(p for p in self.pools if p.typ in types)

    def declared_receivers(self, pool: Pool) -> tuple[str, ...] | None:
        """Receivers known from the rules alone; None when a key file decides them.

        personalkostnad/direktkostnad without `mottagare` go to every operating pool
        (verksamhet and direkt): overhead shared by cost normally lands where services are
        priced, and naming overhead pools must be explicit.
        """
        key = pool.nyckel
        if key is None:
            return ()
        if key.kind == "andelar":
            return tuple(s.mottagare for s in key.andelar)
        if pool.mottagare:
            return pool.mottagare
        if key.kind == "fil":
            return None
        return tuple(p.namn for p in self.of_type(*OPERATING_TYPES))
