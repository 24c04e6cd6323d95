"""Cross-checks of a parsed Rules model: names, shares, receivers, order, dead pools.

Everything here needs the whole file (a pool may name a pool further down), so it runs after
parsing and adds to the same list of problems.
"""

from __future__ import annotations

from fractions import Fraction

from kpb.rules.model import OPERATING_TYPES, Pool, PoolType, Rules
from kpb.rules.patterns import pool_shadows

NOT_RECEIVING = (PoolType.EXKLUDERA, PoolType.EJ_BRUKAR)


def check_rules(rules: Rules, found) -> None:
    _check_unique_names(rules, found)
    for pool in rules.pools:
        _CHECKS[pool.typ](rules, pool, found)
    _check_reachable(rules, found)
    _check_direct_rows_taken_once(rules, found)
    _warn_shadowed(rules, found)


def _check_unique_names(rules: Rules, found) -> None:
    seen = set()
    for pool in rules.pools:
        if pool.namn in seen:
            found.error(f"{pool.label}.namn", f"poolnamnet {pool.namn!r} finns redan: väntade unika namn")
        seen.add(pool.namn)


def _check_exkludera(rules, pool: Pool, found) -> None:
    if not pool.orsak.strip():
        found.error(f"{pool.label}.orsak", "saknas: en exkluderad pool behöver en orsak som redovisas")


def _check_ej_brukar(rules, pool: Pool, found) -> None:
    """Nothing beyond the patterns: the pool is reported as it is."""


def _check_known_insats(rules: Rules, kod, where: str, found) -> bool:
    if kod not in rules.insatser:
        found.error(where, f"okänd insats {kod!r}: väntade en insats från [insatser]")
        return False
    return True


def _check_verksamhet(rules: Rules, pool: Pool, found) -> None:
    if bool(pool.insats) == bool(pool.fordelning):
        found.error(pool.label, "väntade antingen insats eller fordelning (exakt en av dem)")
    if pool.insats:
        _check_known_insats(rules, pool.insats, f"{pool.label}.insats", found)
    if pool.fordelning:
        _check_fordelning(rules, pool, found)


def _check_fordelning(rules: Rules, pool: Pool, found) -> None:
    where = f"{pool.label}.fordelning"
    codes = [kod for kod, _ in pool.fordelning]
    for i, kod in enumerate(codes, start=1):
        _check_known_insats(rules, kod, f"{where}[{i}].insats", found)
    if len(set(codes)) != len(codes):
        found.error(where, "samma insats förekommer flera gånger: väntade varje insats en gång")
    _check_sum_one(sum((s for _, s in pool.fordelning), Fraction(0)), where, found)


def _check_sum_one(total: Fraction, where: str, found) -> None:
    if total != 1:
        found.error(where, f"andelarna summerar till {float(total):g} ({total}), väntade exakt 1")


def _check_direkt(rules: Rules, pool: Pool, found) -> None:
    where = f"{pool.label}.insats"
    if not pool.insats:
        found.error(where, "saknas: en direktpool behöver en insats med enhet kronor")
    elif _check_known_insats(rules, pool.insats, where, found):
        enhet = rules.insatser[pool.insats].enhet
        if enhet != "kronor":
            found.error(where, f"insatsen {pool.insats!r} har enhet {enhet}, väntade kronor i en direktpool")


def _check_gemensam(rules: Rules, pool: Pool, found) -> None:
    key = pool.nyckel
    if key is None:
        found.error(f"{pool.label}.nyckel", "saknas: en gemensam pool behöver en nyckel "
                                             "(andelar, fil, personalkostnad eller direktkostnad)")
        return
    if key.kind == "andelar":
        _check_sum_one(sum((s.varde for s in key.andelar), Fraction(0)),
                       f"{pool.label}.nyckel.andelar", found)
        if pool.mottagare:
            found.error(f"{pool.label}.mottagare", "anges inte med andelar: andelarna namnger mottagarna")
    receivers = rules.declared_receivers(pool)
    if receivers is not None:
        check_receivers(rules, pool, receivers, _receiver_column(pool), found)
    named = ([s.mottagare for s in key.andelar] if key.kind == "andelar"
             else list(pool.mottagare))
    if rules.metod == "stegvis" and stepdown_receivers(rules, pool, named):
        _check_no_share_backwards(rules, pool, named, _receiver_column(pool), found)


def _receiver_column(pool: Pool) -> str:
    if pool.nyckel and pool.nyckel.kind == "andelar":
        return f"{pool.label}.nyckel.andelar"
    return f"{pool.label}.mottagare"


def check_receivers(rules: Rules, pool: Pool, receivers, where: str, found) -> None:
    """Receivers exist, are not the pool itself nor outside the brukare cost, and (stegvis)
    at least one of them has not already distributed."""
    types = {p.namn: p.typ for p in rules.pools}
    for name in receivers:
        if name == pool.namn:
            found.error(where, f"{name!r} kan inte fördela till sig själv")
        elif name not in types:
            found.error(where, f"okänd mottagare {name!r}: väntade namnet på en pool")
        elif types[name] in NOT_RECEIVING:
            found.error(where, f"mottagaren {name!r} är av typ {types[name]} och kan inte ta emot kostnad")
    valid = [r for r in receivers if types.get(r) not in (None, *NOT_RECEIVING) and r != pool.namn]
    if rules.metod == "stegvis" and valid and not stepdown_receivers(rules, pool, valid):
        found.error(where, "alla mottagare är gemensamma pooler som redan har fördelat (stegvis "
                           "fördelar i filens ordning): väntade minst en senare mottagare")


def _check_no_share_backwards(rules: Rules, pool: Pool, receivers, where: str, found) -> None:
    """Stegvis: a receiver named in the rules (a share in `andelar`, a `mottagare`) that has
    already distributed would get nothing and its share would silently go to the others; the
    user must move the pool or remove the receiver. (A key file may list every unit, earlier
    overhead pools included: those rows are left out by the method, not by mistake.)"""
    later = set(stepdown_receivers(rules, pool, receivers))
    for name in (r for r in receivers if r not in later):
        found.error(where, f"mottagaren {name!r} är en gemensam pool som redan har fördelat "
                           "(stegvis fördelar i filens ordning), så dess andel skulle tyst gå "
                           f"till de andra: väntade att {name!r} står efter {pool.namn!r} i "
                           "filen, att mottagaren tas bort, eller metod = \"reciprok\"")


def stepdown_receivers(rules: Rules, pool: Pool, receivers) -> list[str]:
    """The receivers that still take cost in step-down: not a gemensam pool earlier in file."""
    earlier = {p.namn for p in rules.of_type(PoolType.GEMENSAM) if p.index < pool.index}
    return [r for r in receivers if r not in earlier]


def _check_reachable(rules: Rules, found) -> None:
    """Reciprok: every overhead pool's cost must reach an operating pool, or nothing can be
    solved (a closed ring of support units only serving each other)."""
    if rules.metod != "reciprok":
        return
    reaches = {p.namn for p in rules.of_type(*OPERATING_TYPES)}
    overhead = {p.namn: rules.declared_receivers(p) for p in rules.of_type(PoolType.GEMENSAM)}
    reaches |= {n for n, r in overhead.items() if r is None}  # key file decides: check with data
    changed = True
    while changed:
        new = {n for n, r in overhead.items() if n not in reaches and set(r or ()) & reaches}
        reaches |= new
        changed = bool(new)
    for pool in rules.of_type(PoolType.GEMENSAM):
        if pool.namn not in reaches and pool.nyckel is not None:
            found.error(_receiver_column(pool), "kostnaden når aldrig en verksamhets- eller "
                                                 "direktpool (mottagarna fördelar bara till varandra)")


def _check_direct_rows_taken_once(rules: Rules, found) -> None:
    """A direct pool takes every direkt row of its insats (at its utförare, when it names
    them), so two pools that could both take a row would count its amount twice."""
    direct = rules.of_type(PoolType.DIREKT)
    for later in direct:
        earlier = next((p for p in direct if p.index < later.index and _take_same_rows(p, later)), None)
        if earlier is not None:
            found.error(f"{later.label}.utforare", f"kan ta samma direktrader som {earlier.label} "
                        f"(insats {later.insats!r}, {_shared_providers(earlier, later)}): väntade "
                        "att varje direktrad hör till en pool, t.ex. med skilda utforare-listor")


def _take_same_rows(a: Pool, b: Pool) -> bool:
    shared = not a.utforare or not b.utforare or bool(set(a.utforare) & set(b.utforare))
    return a.insats == b.insats and shared


def _shared_providers(a: Pool, b: Pool) -> str:
    if a.utforare and b.utforare:
        return "båda tar utförare " + ", ".join(repr(u) for u in sorted(set(a.utforare) & set(b.utforare)))
    if not (a.utforare or b.utforare):
        return "ingen av dem har en utforare-lista"
    return "en av dem saknar utforare-lista och tar alla utförare"


def _warn_shadowed(rules: Rules, found) -> None:
    for later in rules.pools:
        for earlier in (p for p in rules.pools if p.index < later.index):
            if pool_shadows(earlier, later):
                found.warn(later.label, f"kan aldrig matcha: {earlier.label} tar redan alla dess "
                                         "rader (första matchande pool vinner)")
                break


_CHECKS = {"verksamhet": _check_verksamhet, "gemensam": _check_gemensam, "direkt": _check_direkt,
           "ej_brukar": _check_ej_brukar, "exkludera": _check_exkludera}
