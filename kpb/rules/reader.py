"""regler/<year>.toml -> Rules: read every key, collect every problem, then cross-check.

Each problem carries file = the rules file as the user knows it ("regler/2024.toml") and
column = the TOML path ("pool[3] (hvb_kopt).nyckel.andelar"). `pool[n]` counts the [[pool]]
blocks from 1, as a reader of the file counts them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from kpb.errors import Problem, error, raise_if_errors, warning
from kpb.rules.model import (KEY_KINDS, MATCH_FIELDS, METHODS, POOL_TYPES, UNITS, Insats,
                             Nyckel, Pattern, Pool, Rules, Share)
from kpb.rules.patterns import parse_pattern
from kpb.rules.reporting import regi, reporting_volume, ytterfall_rules
from kpb.rules.validate import check_rules

TOP_KEYS = {"ar", "insatser", "pool", "gemensamma", "ytterfall", "uppfoljning"}
INSATS_KEYS = {"enhet", "omrade", "namn", "koder"}
# Keys each pool type may carry besides namn, typ and the match fields.
TYPE_KEYS = {
    "verksamhet": {"insats", "utforare", "fordelning", "rapportvolym", "regi"},
    "gemensam": {"nyckel", "mottagare"},
    "direkt": {"insats", "utforare", "rest", "rapportvolym", "regi"},
    "ej_brukar": set(),
    "exkludera": {"orsak"},
}


@dataclass
class Found:
    """Problems found so far in one rules file."""

    source: str
    problems: list[Problem] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        self.problems.append(error(self.source, None, column, message))

    def warn(self, column: str, message: str) -> None:
        self.problems.append(warning(self.source, None, column, message))


def read_rules(path: Path, year: int, display_name: str | None = None) -> Rules:
    path = Path(path)
    source = display_name or f"regler/{path.name}"
    if not path.is_file():
        raise_if_errors("regler", [error(source, None, None,
                                         f"regelfilen saknas: väntade {source} för år {year}")])
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except OSError as exc:
        raise_if_errors("regler", [error(source, None, None,
                                         f"regelfilen kunde inte läsas ({exc.strerror})")])
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise_if_errors("regler", [error(source, line, None, f"fann byten 0x{raw[exc.start]:02x},"
                                         " som inte är UTF-8: väntade regelfilen sparad som "
                                         "UTF-8 (spara om den i editorn med kodning UTF-8)")])
    return parse_rules(text, year, source)


def parse_rules(text: str, year: int, source: str) -> Rules:
    """The validated Rules, or KpbError("regler", every problem found)."""
    found = Found(source)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found.error(None, f"ogiltig TOML: {exc}")
        raise_if_errors("regler", found.problems)
    _check_year(raw.get("ar"), year, found)
    for key in sorted(raw.keys() - TOP_KEYS):
        found.error(key, "okänd nyckel, väntade ar, insatser, [[pool]], [gemensamma] eller "
                         "[ytterfall]")
    rules = Rules(ar=year, insatser=_insatser(raw.get("insatser", {}), found),
                  pools=_pools(raw.get("pool", []), found),
                  metod=_metod(raw.get("gemensamma", {}), found), source=source)
    ytterfall = ytterfall_rules(raw.get("ytterfall"), found,
                                {i.omrade for i in rules.insatser.values() if i.omrade})
    check_rules(rules, found)
    raise_if_errors("regler", found.problems)
    return Rules(rules.ar, rules.insatser, rules.pools, rules.metod, source,
                 warnings=tuple(p for p in found.problems if not p.is_error),
                 ytterfall=ytterfall)


def _check_year(value, year: int, found: Found) -> None:
    if value is None:
        found.error("ar", f"saknas: väntade ar = {year}")
    elif value != year:
        found.error("ar", f"fann {value!r}, väntade {year} (regelfilens år)")


def _metod(table, found: Found) -> str:
    if not isinstance(table, dict):
        found.error("gemensamma", "väntade en tabell [gemensamma]")
        return "stegvis"
    for key in sorted(table.keys() - {"metod"}):
        found.error(f"gemensamma.{key}", "okänd nyckel, väntade metod")
    metod = table.get("metod", "stegvis")
    if metod not in METHODS:
        found.error("gemensamma.metod", f"fann {metod!r}, väntade \"stegvis\" eller \"reciprok\"")
        return "stegvis"
    return metod


def _insatser(table, found: Found) -> dict[str, Insats]:
    if not isinstance(table, dict):
        found.error("insatser", "väntade en tabell [insatser]")
        return {}
    insatser = {}
    for kod, spec in table.items():
        where = f"insatser.{kod}"
        if not isinstance(spec, dict):
            found.error(where, '''väntade { enhet = "timmar", omrade = "ÄO" }''')
            continue
        for key in sorted(spec.keys() - INSATS_KEYS):
            found.error(f"{where}.{key}", "okänd nyckel, väntade enhet, omrade, namn eller koder")
        enhet = spec.get("enhet")
        if enhet not in UNITS:
            found.error(f"{where}.enhet", f"fann {enhet!r}, väntade en av {', '.join(UNITS)}")
        insatser[kod] = Insats(kod, str(enhet), str(spec.get("omrade", "")),
                               str(spec.get("namn", kod)), _koder(spec.get("koder", []), where, found))
    _check_codes_unique(insatser, found)
    return insatser


def _koder(value, where: str, found: Found) -> tuple[str, ...]:
    """The case system's codes for a catalogue insats: `koder = ["SÄBO", "Korttid SÄBO"]`."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        found.error(f"{where}.koder", f"fann {value!r}, väntade en lista med koder, "
                                      't.ex. ["SÄBO", "Korttid SÄBO"]')
        return ()
    return tuple(value)


def _check_codes_unique(insatser: dict[str, Insats], found: Found) -> None:
    """A case-system code maps onto one catalogue insats, and never shadows another one."""
    owner: dict[str, str] = {}
    for insats in insatser.values():
        for kod in insats.koder:
            if kod in insatser and kod != insats.kod:
                found.error(f"insatser.{insats.kod}.koder",
                            f"koden {kod!r} är själv en insats i [insatser]: väntade en kod per insats")
            elif kod in owner and owner[kod] != insats.kod:
                found.error(f"insatser.{insats.kod}.koder",
                            f"koden {kod!r} hör redan till insats {owner[kod]!r}: väntade en insats per kod")
            owner.setdefault(kod, insats.kod)


def _pools(blocks, found: Found) -> tuple[Pool, ...]:
    if not isinstance(blocks, list):
        found.error("pool", "väntade [[pool]]-block")
        return ()
    return tuple(p for i, b in enumerate(blocks, start=1)
                 if (p := _pool(b, i, found)) is not None)


def _pool(block, index: int, found: Found) -> Pool | None:
    namn = block.get("namn") if isinstance(block, dict) else None
    where = f"pool[{index}] ({namn})" if namn else f"pool[{index}]"
    if not isinstance(namn, str) or not namn:
        found.error(where, "namn saknas: varje pool behöver ett namn")
        return None
    typ = block.get("typ", "verksamhet")
    if typ not in POOL_TYPES:
        found.error(f"{where}.typ", f"fann {typ!r}, väntade en av {', '.join(POOL_TYPES)}")
        return None
    allowed = {"namn", "typ", *MATCH_FIELDS, *TYPE_KEYS[typ]}
    for key in sorted(block.keys() - allowed):
        found.error(f"{where}.{key}", f"okänd nyckel för en pool av typ {typ}")
    if "rapportvolym" in block and "fordelning" in block:
        found.error(f"{where}.rapportvolym", "en pool som fördelas på flera insatser "
                                             "(fordelning) har ingen egen rapportvolym: "
                                             "väntade rapportvolym på en pool med en insats")
    return Pool(
        namn=namn, typ=typ, index=index, match=_match(block, where, found),
        insats=_text(block, "insats", where, found),
        utforare=_texts(block.get("utforare", []), f"{where}.utforare", found),
        fordelning=_fordelning(block.get("fordelning", []), f"{where}.fordelning", found),
        nyckel=_nyckel(block.get("nyckel"), f"{where}.nyckel", found),
        mottagare=_texts(block.get("mottagare", []), f"{where}.mottagare", found),
        rest=_rest(block.get("rest", "redovisa"), f"{where}.rest", found),
        orsak=str(block.get("orsak", "")),
        rapportvolym=reporting_volume(block.get("rapportvolym"), f"{where}.rapportvolym", found),
        regi=regi(block.get("regi"), f"{where}.regi", found),
    )


def _text(block, key, where, found) -> str | None:
    value = block.get(key)
    if value is not None and not isinstance(value, str):
        found.error(f"{where}.{key}", f"fann {value!r}, väntade text inom citattecken")
        return None
    return value


def _texts(value, where: str, found: Found) -> tuple[str, ...]:
    """A list of strings; a single string is taken as a list of one."""
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        found.error(where, f"fann {value!r}, väntade en lista med text, t.ex. [\"200\"]")
        return ()
    return tuple(values)


def _match(block, where: str, found: Found) -> dict[str, tuple[Pattern, ...]]:
    match = {}
    for name in MATCH_FIELDS:
        if name in block:
            match[name] = _patterns(block[name], f"{where}.{name}", found)
    if not match:
        found.error(where, f"poolen väljer inga rader: ange minst ett av {', '.join(MATCH_FIELDS)}")
    return match


def _patterns(value, where: str, found: Found) -> tuple[Pattern, ...]:
    """The parsed patterns; an empty list is an error (it would select nothing, silently)."""
    if value == []:
        found.error(where, 'tom lista: väntade minst ett mönster, t.ex. ["5*"]')
        return ()
    patterns = []
    for text in _texts(value, where, found):
        parsed = parse_pattern(text)
        if isinstance(parsed, str):
            found.error(where, parsed)
        else:
            patterns.append(parsed)
    return tuple(patterns)


def _rest(value, where: str, found: Found) -> str:
    if value not in ("redovisa", "fordela"):
        found.error(where, f"fann {value!r}, väntade \"redovisa\" eller \"fordela\"")
        return "redovisa"
    return value


def exact(value, where: str, found: Found) -> Fraction | None:
    """A TOML number as an exact Fraction, through its decimal text (0.1 is exactly 1/10)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value \
            or value in (float("inf"), float("-inf")):  # TOML allows nan and inf
        found.error(where, f"fann {value!r}, väntade ett tal")
        return None
    share = Fraction(str(value))
    if share < 0:
        found.error(where, f"fann {value!r}, väntade ett tal som inte är negativt")
        return None
    return share


def _fordelning(items, where: str, found: Found) -> tuple[tuple[str, Fraction], ...]:
    if not isinstance(items, list):
        found.error(where, '''väntade en lista: [ { insats = "utredning", andel = 0.6 }, ... ]''')
        return ()
    shares = []
    for i, item in enumerate(items, start=1):
        here = f"{where}[{i}]"
        if not isinstance(item, dict) or set(item) != {"insats", "andel"}:
            found.error(here, '''väntade { insats = "...", andel = 0.6 }''')
            continue
        share = exact(item["andel"], f"{here}.andel", found)
        if share is not None:
            shares.append((str(item["insats"]), share))
    return tuple(shares)


def _nyckel(spec, where: str, found: Found) -> Nyckel | None:
    if spec is None:
        return None
    kinds = [k for k in KEY_KINDS if isinstance(spec, dict) and k in spec]
    if not isinstance(spec, dict) or len(kinds) != 1 or len(spec) != 1:
        found.error(where, f"väntade exakt en av {', '.join(KEY_KINDS)}, "
                           "t.ex. { andelar = { ... } } eller { fil = \"lokalyta\" }")
        return None
    kind, value = kinds[0], spec[kinds[0]]
    here = f"{where}.{kind}"
    if kind == "andelar":
        return Nyckel(kind, andelar=_andelar(value, here, found))
    if kind == "fil":
        if not isinstance(value, str) or not value:
            found.error(here, f"fann {value!r}, väntade nyckelns namn i nycklar/, t.ex. \"lokalyta\"")
        return Nyckel(kind, fil=str(value))
    return Nyckel(kind, konton=_patterns(value, here, found))


def _andelar(table, where: str, found: Found) -> tuple[Share, ...]:
    if not isinstance(table, dict) or not table:
        found.error(where, "väntade { mottagare = andel, ... }")
        return ()
    shares = []
    for name, value in table.items():
        share = exact(value, f"{where}.{name}", found)
        if share is not None:
            shares.append(Share(name, share, str(value)))
    return tuple(shares)
