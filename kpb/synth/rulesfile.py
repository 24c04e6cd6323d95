"""The generated project's text files: kpb.toml and regler/<year>.toml (formats.md §3).

Overhead is distributed stegvis in file order: ledning by personnel cost onto everything
below it, it_lokal by premises (key file lokalyta), the ÄO staff by årsarbetare (key file
arsarbetare) and the IFO staff by fixed shares.
"""

from __future__ import annotations

import json

from kpb.synth.organisation import INSATSER, Organisation, PoolPlan


def settings_toml(org: Organisation, seed: int) -> str:
    return "\n".join([
        f'kommun = "Synthby (syntetisk kommun, seed {seed})"',
        f"invanare = {org.invanare}",
        "",
        "[pseudonym]",
        'nyckelfil = "kpb.key"',
        "",
        "[kalla.ledger]",
        "# ekonomisystemets export: semikolon, decimalkomma, beloppet heter Utfall",
        'kolumner = { belopp = "Utfall" }',
        "",
    ])


def rules_toml(org: Organisation, year: int, ifo_shares: dict[str, int]) -> str:
    lines = [f"# Syntetisk kommun, {org.invanare} invånare (kpb synth)", f"ar = {year}", "",
             "[insatser]"]
    for kod, (enhet, omrade, namn) in INSATSER.items():
        lines.append(f"{kod} = {{ enhet = {_q(enhet)}, omrade = {_q(omrade)}, namn = {_q(namn)} }}")
    lines += ["", "[[pool]]", 'namn = "avgifter"', 'typ = "exkludera"',
              'orsak = "Externa avgifter dras inte av (KPB = bruttokostnad minus interna intäkter)"',
              'konto = ["31*"]']
    for pool in org.pools:
        lines += ["", "[[pool]]", *_pool_lines(org, pool, ifo_shares)]
    lines += ["", "[gemensamma]", 'metod = "stegvis"', ""]
    return "\n".join(lines)


def ledning_receivers(org: Organisation) -> list[str]:
    """Every pool with personnel cost of its own, below ledning (an ej_brukar pool
    carries only its own cost: kpb does not let it receive overhead)."""
    return [p.namn for p in org.pools if p.namn != "ledning" and p.typ != "ej_brukar"
            and p.profil not in ("faktura", "bistand")]


def _pool_lines(org: Organisation, pool: PoolPlan, ifo_shares) -> list[str]:
    lines = [f"namn = {_q(pool.namn)}"]
    if pool.typ != "verksamhet":
        lines.append(f"typ = {_q(pool.typ)}")
    lines.append(f"ansvar = {_list([pool.ansvar_pattern])}")
    if pool.insats:
        lines.append(f"insats = {_q(pool.insats)}")
    if pool.utforare:
        lines.append(f"utforare = {_list(pool.utforare)}")
    if pool.fordelning:
        shares = ", ".join(f"{{ insats = {_q(i)}, andel = {a} }}" for i, a in pool.fordelning)
        lines.append(f"fordelning = [ {shares} ]")
    if pool.rest:
        lines.append(f"rest = {_q(pool.rest)}")
    return lines + _key_lines(org, pool, ifo_shares)


def _key_lines(org: Organisation, pool: PoolPlan, ifo_shares) -> list[str]:
    if pool.namn == "ledning":
        return ['nyckel = { personalkostnad = ["5*"] }',
                f"mottagare = {_list(ledning_receivers(org))}"]
    if pool.namn == "it_lokal":
        return ['nyckel = { fil = "lokalyta" }']
    if pool.namn == "aldre_stab":
        return ['nyckel = { fil = "arsarbetare" }']
    if pool.namn == "ifo_stab":
        shares = ", ".join(f"{name} = {permille / 1000}" for name, permille in ifo_shares.items())
        return [f"nyckel = {{ andelar = {{ {shares} }} }}"]
    return []


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a TOML basic string is JSON-compatible here


def _list(items) -> str:
    return "[" + ", ".join(_q(i) for i in items) + "]"
