"""The synthetic municipality's organisation: insats catalogue, units, pools, ansvar codes.

Everything scales with the number of inhabitants: a city has many hemtjänst districts and
SÄBO units, each its own ansvar range and pool, so the ledger has hundreds of ansvar × konto
combinations. Pool names here are the pool names in the generated rules file.
"""

from __future__ import annotations

from dataclasses import dataclass

# code: (enhet, omrade, namn)
INSATSER = {
    "hemtjanst": ("timmar", "ÄO", "Hemtjänst, utförd tid"),
    "sabo": ("dygn", "ÄO", "Särskilt boende"),
    "korttid": ("dygn", "ÄO", "Korttidsvistelse"),
    "larm": ("manader", "ÄO", "Trygghetslarm"),
    "ao_utredning": ("antal", "ÄO", "Biståndsutredning äldreomsorg"),
    "gruppbostad": ("dygn", "LSS", "Bostad med särskild service, gruppbostad"),
    "daglig_verksamhet": ("antal", "LSS", "Daglig verksamhet, deltagardagar"),
    "bou_utredning": ("antal", "BUF", "Utredning barn och unga"),
    "bou_uppfoljning": ("manader", "BUF", "Uppföljning barn och unga, ärendemånader"),
    "hvb_barn": ("dygn", "BUF", "HVB barn och unga"),
    "familjehem": ("dygn", "BUF", "Familjehem"),
    "oppenvard_barn": ("timmar", "BUF", "Öppenvård barn och unga"),
    "kontaktperson": ("manader", "BUF", "Kontaktperson/kontaktfamilj"),
    "vux_utredning": ("antal", "VUX", "Utredning vuxna"),
    "vux_uppfoljning": ("manader", "VUX", "Uppföljning vuxna, ärendemånader"),
    "oppenvard_vuxen": ("timmar", "VUX", "Öppenvård vuxna"),
    "hvb_vuxen": ("kronor", "VUX", "HVB vuxna, köpt plats (faktura)"),
    "eb": ("kronor", "EB", "Ekonomiskt bistånd, utbetalt"),
    "eb_handlaggning": ("manader", "EB", "Handläggning ekonomiskt bistånd, hushållsmånader"),
    "ami": ("antal", "AMI", "Arbetsmarknadsinsats, deltagardagar"),
}

# konto: share of a pool's gross cost, per cost profile (Kommun-Bas classes 4-7)
PROFILER = {
    "egen_regi": {"5011": 0.48, "5021": 0.07, "5051": 0.05, "5061": 0.02, "5411": 0.22,
                  "6121": 0.06, "6411": 0.02, "6511": 0.01, "6911": 0.03, "7011": 0.02,
                  "7311": 0.02},
    "myndighet": {"5011": 0.58, "5061": 0.01, "5411": 0.24, "6121": 0.06, "6411": 0.05,
                  "6511": 0.02, "6911": 0.04},
    "kop": {"4011": 0.86, "5011": 0.07, "5411": 0.03, "6121": 0.02, "6911": 0.02},
    "faktura": {"4011": 1.0},
    "bistand": {"4711": 1.0},
    "ledning": {"5011": 0.55, "5411": 0.22, "6411": 0.08, "6911": 0.10, "7011": 0.05},
    "it_lokal": {"6111": 0.74, "6411": 0.20, "5011": 0.045, "5411": 0.015},
}
VERKSAMHET = {"ÄO": "510", "LSS": "520", "BUF": "570", "VUX": "580", "EB": "590",
              "AMI": "600", "gemensamt": "500"}


@dataclass(frozen=True)
class PoolPlan:
    namn: str
    typ: str  # verksamhet | gemensam | direkt | ej_brukar
    base: int  # first ansvar code; a pool owns the ten codes base..base+9
    teams: int  # how many of those codes carry costs
    omrade: str
    profil: str
    insats: str | None = None
    utforare: tuple[str, ...] = ()
    fordelning: tuple[tuple[str, float], ...] = ()
    rest: str | None = None
    avgifter: tuple[tuple[str, float], ...] = ()  # (konto 31*, fee as share of cost)

    @property
    def ansvar_codes(self) -> list[str]:
        return [str(self.base + team) for team in range(self.teams)]

    @property
    def ansvar_pattern(self) -> str:
        return f"{self.base}-{self.base + 9}"

    @property
    def verksamhet(self) -> str:
        return VERKSAMHET[self.omrade]


@dataclass(frozen=True)
class Organisation:
    invanare: int
    districts: tuple[str, ...]  # hemtjänst egen regi, one utförare code per district
    lov: tuple[str, ...]  # private hemtjänst providers (LOV), extern regi
    sabo_units: tuple[str, ...]
    pools: tuple[PoolPlan, ...]  # in rules order, overhead first

    def pool(self, namn: str) -> PoolPlan:
        return next(p for p in self.pools if p.namn == namn)

    def of_type(self, *types: str) -> list[PoolPlan]:
        return [p for p in self.pools if p.typ in types]


def organisation(invanare: int) -> Organisation:
    districts = _codes("HT", _scaled(invanare, 25_000, 2, 99))
    lov = _codes("LOV", _scaled(invanare, 100_000, 2, 9))
    sabo = _codes("SAB", _scaled(invanare, 12_500, 2, 199))
    teams = max(1, min(10, invanare // 40_000))
    pools = (_overhead(teams) + _aldreomsorg(districts, lov, sabo, teams)
             + _lss(teams) + _ifo(teams))
    return Organisation(invanare, districts, lov, sabo, pools)


def _scaled(invanare, per_unit, least, most) -> int:
    return max(least, min(most, round(invanare / per_unit)))


def _codes(prefix: str, n: int) -> tuple[str, ...]:
    return tuple(f"{prefix}{i:02d}" for i in range(1, n + 1))


def _overhead(teams) -> tuple[PoolPlan, ...]:
    return (
        PoolPlan("ledning", "gemensam", 10000, min(teams, 4), "gemensamt", "ledning"),
        PoolPlan("it_lokal", "gemensam", 11000, min(teams, 3), "gemensamt", "it_lokal"),
        PoolPlan("aldre_stab", "gemensam", 20000, min(teams, 3), "ÄO", "ledning"),
        PoolPlan("ifo_stab", "gemensam", 60000, min(teams, 3), "BUF", "ledning"),
    )


def _aldreomsorg(districts, lov, sabo, teams) -> tuple[PoolPlan, ...]:
    fee = (("3111", 0.04),)
    home = [PoolPlan(f"hemtjanst_{code.lower()}", "verksamhet", 21000 + 10 * i,
                     1 + (teams + i) % 4, "ÄO", "egen_regi", "hemtjanst", (code,),
                     avgifter=fee) for i, code in enumerate(districts)]
    units = [PoolPlan(f"sabo_{code.lower()}", "verksamhet", 23000 + 10 * i, 1 + i % 3, "ÄO",
                      "egen_regi", "sabo", (code,),
                      avgifter=(("3121", 0.11), ("3131", 0.06))) for i, code in enumerate(sabo)]
    return (
        PoolPlan("aldre_myndighet", "verksamhet", 20100, min(teams, 5), "ÄO", "myndighet",
                 "ao_utredning"),
        *home,
        PoolPlan("hemtjanst_lov", "verksamhet", 22000, 1, "ÄO", "kop", "hemtjanst", lov,
                 avgifter=fee),
        *units,
        PoolPlan("korttid", "verksamhet", 25000, 2, "ÄO", "egen_regi", "korttid",
                 avgifter=(("3131", 0.03),)),
        PoolPlan("larm", "verksamhet", 25100, 1, "ÄO", "egen_regi", "larm",
                 avgifter=(("3141", 0.25),)),
    )


def _lss(teams) -> tuple[PoolPlan, ...]:
    return (
        PoolPlan("gruppbostad", "verksamhet", 30000, min(10, 2 + teams), "LSS", "egen_regi",
                 "gruppbostad", avgifter=(("3121", 0.05),)),
        PoolPlan("daglig_verksamhet", "verksamhet", 30100, min(10, 1 + teams), "LSS",
                 "egen_regi", "daglig_verksamhet"),
    )


def _ifo(teams) -> tuple[PoolPlan, ...]:
    return (
        PoolPlan("bou_myndighet", "verksamhet", 61000, min(10, 2 + teams), "BUF", "myndighet",
                 fordelning=(("bou_utredning", 0.6), ("bou_uppfoljning", 0.4))),
        PoolPlan("hvb_barn", "verksamhet", 62000, 2, "BUF", "kop", "hvb_barn"),
        PoolPlan("familjehem", "verksamhet", 62100, min(10, 1 + teams), "BUF", "kop",
                 "familjehem"),
        PoolPlan("oppenvard", "verksamhet", 63000, min(10, 1 + teams), "BUF", "egen_regi",
                 fordelning=(("oppenvard_barn", 0.55), ("oppenvard_vuxen", 0.45))),
        PoolPlan("kontaktperson", "verksamhet", 63100, 1, "BUF", "kop", "kontaktperson"),
        PoolPlan("vux_myndighet", "verksamhet", 64000, min(10, 1 + teams), "VUX", "myndighet",
                 fordelning=(("vux_utredning", 0.55), ("vux_uppfoljning", 0.45))),
        PoolPlan("hvb_vuxen", "direkt", 64100, 1, "VUX", "faktura", "hvb_vuxen",
                 rest="fordela"),
        PoolPlan("eb_bistand", "direkt", 65000, 1, "EB", "bistand", "eb", rest="redovisa"),
        PoolPlan("eb_handlaggning", "verksamhet", 65100, min(10, 1 + teams), "EB",
                 "myndighet", "eb_handlaggning"),
        PoolPlan("ami", "verksamhet", 66000, min(10, 1 + teams // 2), "AMI", "egen_regi",
                 "ami"),
        PoolPlan("forebyggande", "ej_brukar", 67000, 1, "BUF", "egen_regi"),
    )
