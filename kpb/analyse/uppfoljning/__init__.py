"""`kpb uppfoljning <year>`: the year's loaded inputs month by month (formats.md §11).

`followup(facts, settings, invanare)` continues from the same `kpb.flow.Facts` the check and
the allocation read (ledger rows on pools, pool totals, the year's keys) and returns the
tables of ut/uppfoljning_<year>/: cost and volume per insats and område and month
(kpb.analyse.uppfoljning.costs, .activity), brukare flows and point-in-time counts (.flows),
and ekonomiskt bistånd per month (.bistand). Money stays integer öre; nothing is split anew
but the months' own year-to-date costs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from kpb.analyse.uppfoljning import activity, bistand, costs, flows
from kpb.analyse.uppfoljning.settings import FollowupSettings
from kpb.errors import error, raise_if_errors
from kpb.flow.codes import code_map
from kpb.money import decimal_ratio, unit_price

INSATS_COLUMNS = ("manad", "omrade", "insats", "namn", "enhet", "kostnad_ore",
                  "kostnad_hittills_ore", "volym_milli", "brukare", "styckkostnad",
                  "rapport_enhet", "rapport_volym_milli", "kostnad_per_rapportenhet")
OMRADE_COLUMNS = ("manad", "omrade", "kostnad_ore", "kostnad_hittills_ore", "brukare",
                  "kostnad_per_brukare_ore", "kostnad_per_invanare_ore")


@dataclass(frozen=True)
class Followup:
    manad_insats: pl.DataFrame
    manad_omrade: pl.DataFrame
    floden_manad: pl.DataFrame
    punkt: pl.DataFrame
    bistand_manad: pl.DataFrame
    last_month: int

    @property
    def delar(self) -> bool:
        """A delår: the ledger ends before December."""
        return self.last_month < 12

    def tables(self) -> dict[str, pl.DataFrame]:
        return {name: getattr(self, name) for name in
                ("manad_insats", "manad_omrade", "floden_manad", "punkt", "bistand_manad")}


def last_month(ledger: pl.DataFrame, source: str) -> int:
    """The last month the ledger covers (its latest period); KpbError when it has no periods."""
    problems = []
    if ledger.height == 0:
        problems.append(error(source, None, None, "huvudboken är tom: inget att följa upp"))
    elif ledger["period"].null_count():
        problems.append(error(source, None, "period", (
            "huvudboken saknar period på raderna (period = \"helar\"): uppföljning per månad "
            "kräver en period ÅÅÅÅMM på varje rad")))
    raise_if_errors("uppföljning", problems)
    return int(ledger["period"].max()) % 100


def measuring_days(settings: FollowupSettings, year: int, months: int) -> list[dt.date]:
    """The days of punkt: `--datum`, or the 15th of every month covered."""
    if not settings.datum:
        return [dt.date(year, m, 15) for m in range(1, months + 1)]
    end = activity.last_day(year, months)
    outside = [d for d in settings.datum if not dt.date(year, 1, 1) <= d <= end]
    raise_if_errors("uppföljning", [error(None, None, "--datum", (
        f"fann {d.isoformat()}, väntade en dag från {year}-01-01 till {end.isoformat()} "
        "(de månader huvudboken täcker)")) for d in outside])
    return list(settings.datum)


def followup(facts, settings: FollowupSettings, invanare: int | None,
             later_bistand=None, covered_until: int | None = None) -> Followup:
    """Every table of ut/uppfoljning_<year>/; `later_bistand`: the next year's direkt rows
    when they are loaded (for the non-return share), covering up to `covered_until`."""
    rules, year, tables = facts.rules, facts.year, facts.tables
    months = last_month(tables["ledger"], "huvudbok")
    areas = {k: i.omrade for k, i in rules.insatser.items()}
    volumes = activity.month_volumes(tables["aktivitet"], tables["direkt"],
                                     activity.pool_feeds(rules), year, months).collect()
    cost = costs.month_costs(facts, months)
    reporting = _reporting(tables, rules, year, months)
    by_insats = _insats_months(cost, volumes, reporting, rules)
    person = tables["person"]
    placed = activity.placements(rules)  # a direct pool's rapportvolym: who is in it, when
    counted = pl.concat([
        volumes.filter(~pl.col("insats").is_in(list(placed.values()))),
        reporting.with_columns(insats=pl.col("pool").replace_strict(_pool_insats(rules),
                                                                     return_dtype=pl.Utf8))])
    active = flows.with_band(flows.with_omrade(
        counted.lazy().filter(pl.col("volym_milli") != 0)
        .select("person_id", "insats", "manad").unique(), areas), person, settings)
    edges = flows.month_edges(year, months)
    days = measuring_days(settings, year, months)
    spans = activity.spans(tables["aktivitet"], tables["direkt"], rules, year, placed,
                           edges["datum"].to_list() + days).collect().lazy()
    stocks = flows.open_on(spans, edges["datum"].to_list()).join(edges.lazy(), on="datum")
    stocks = flows.with_band(flows.with_omrade(stocks, areas), person, settings)
    points = flows.with_band(flows.with_omrade(
        flows.open_on(spans, days), areas), person, settings)
    return Followup(
        manad_insats=by_insats,
        manad_omrade=_omrade_months(by_insats, active, invanare),
        floden_manad=flows.month_flows(active, stocks, settings, months),
        punkt=flows.point_counts(points),
        bistand_manad=_bistand(tables, rules, person, settings, year, months, later_bistand,
                               covered_until),
        last_month=months)


def _reporting(tables, rules, year: int, months: int) -> pl.DataFrame:
    """pool, insats (the activity code), person_id, manad, volym_milli: the month volumes in
    the report unit of the direct pools with a `rapportvolym`."""
    feeds = activity.reporting_feeds(rules)
    if not feeds.height:
        return pl.DataFrame(schema=activity.VOLUME_SCHEMA)
    return activity.month_volumes(tables["aktivitet"], tables["direkt"], feeds, year,
                                  months).collect()


def _pool_insats(rules) -> dict[str, str]:
    return {p.namn: p.insats_shares()[0][0] for p in rules.pools
            if getattr(p, "rapportvolym", None)}


def _insats_months(cost: pl.DataFrame, volumes: pl.DataFrame, reporting: pl.DataFrame,
                   rules) -> pl.DataFrame:
    money = cost.group_by("manad", "insats").agg(pl.col("kostnad_ore").sum(),
                                                  pl.col("kostnad_hittills_ore").sum())
    used = volumes.filter(pl.col("volym_milli") != 0)
    volume = used.group_by("manad", "insats").agg(
        pl.col("volym_milli").sum(), brukare=pl.col("person_id").n_unique().cast(pl.Int64))
    units = {p.namn: (p.rapportvolym.namn or p.rapportvolym.enhet) for p in rules.pools
             if getattr(p, "rapportvolym", None)}
    insats_of = _pool_insats(rules)
    reporting = reporting.group_by("pool", "manad").agg(
        rapport_volym_milli=pl.col("volym_milli").sum())
    report = (reporting.with_columns(
        insats=pl.col("pool").replace_strict(insats_of, return_dtype=pl.Utf8),
        rapport_enhet=pl.col("pool").replace_strict(units, return_dtype=pl.Utf8))
        .group_by("manad", "insats").agg(pl.col("rapport_volym_milli").sum(),
                                         pl.col("rapport_enhet").first()))
    info = pl.DataFrame([(k, i.omrade, i.namn or k, i.enhet) for k, i in rules.insatser.items()],
                        schema={"insats": pl.Utf8, "omrade": pl.Utf8, "namn": pl.Utf8,
                                "enhet": pl.Utf8}, orient="row")
    table = (money.join(volume, on=["manad", "insats"], how="left")
             .join(report, on=["manad", "insats"], how="left")
             .join(info, on="insats", how="left")
             .with_columns(pl.col("volym_milli").fill_null(0), pl.col("brukare").fill_null(0)))
    prices = [unit_price(k, v) for k, v in table.select("kostnad_ore", "volym_milli").iter_rows()]
    per_report = [unit_price(k, v) if v is not None else None
                  for k, v in table.select("kostnad_ore", "rapport_volym_milli").iter_rows()]
    return (table.with_columns(styckkostnad=pl.Series(prices, dtype=pl.Utf8),  # ≤ 12 × insatser
                               kostnad_per_rapportenhet=pl.Series(per_report, dtype=pl.Utf8))
            .select(INSATS_COLUMNS).sort("manad", "omrade", "insats"))


def _omrade_months(by_insats: pl.DataFrame, active: pl.LazyFrame,
                   invanare: int | None) -> pl.DataFrame:
    money = by_insats.group_by("manad", "omrade").agg(pl.col("kostnad_ore").sum(),
                                                      pl.col("kostnad_hittills_ore").sum())
    persons = (active.group_by("manad", "omrade").agg(brukare=pl.col("person_id").n_unique()
                                                      .cast(pl.Int64)).collect())
    table = money.join(persons, on=["manad", "omrade"], how="left") \
        .with_columns(pl.col("brukare").fill_null(0))
    per = lambda d: decimal_ratio(pl.col("kostnad_ore"), d, 0).cast(pl.Int64)  # noqa: E731
    return (table.with_columns(kostnad_per_brukare_ore=per(pl.col("brukare")),
                               kostnad_per_invanare_ore=per(pl.lit(invanare or 0)))
            .select(OMRADE_COLUMNS).sort("manad", "omrade"))


def _bistand(tables, rules, person, settings, year, months, later, covered_until) -> pl.DataFrame:
    codes = settings.bistand
    omrade = next((rules.insatser[c].omrade for c in codes if c in rules.insatser), "")
    rows = bistand.paid_months(tables["direkt"], codes, omrade)
    if later is not None:  # the next year's payments, their codes mapped as this year's
        mapped = later.with_columns(pl.col("insats").replace(code_map(rules)))
        rows = pl.concat([rows, bistand.paid_months(mapped, codes, omrade)])
    until = covered_until if covered_until is not None else year * 12 + months - 1
    return bistand.bistand_months(rows, person, settings, year, months, until)

