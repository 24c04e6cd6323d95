"""The project folder and its settings file `kpb.toml` (formats.md §1).

`Project.open(dir)` reads and validates kpb.toml into frozen dataclasses; every problem is
reported at once. Paths of the folder layout are derived here and nowhere else.

kpb.toml (all keys optional except where said):

    kommun = "Exempelkommun"
    invanare = 43000                      # for "per 1 000 invånare" figures

    [pseudonym]
    nyckelfil = "kpb.key"                 # secret key file, created (mode 0600) when missing
    miljovariabel = "KPB_PSEUDONYM_NYCKEL" # an env var with the key wins over the file
    ogiltigt_id = "fel"                   # or "varning": keep the row, flag it
    redan_pseudonym = false               # `person` already holds pseudonyms

    [kalla.ledger]                        # one table per source: ledger, aktivitet, direkt, nycklar
    kodning = "auto"                      # auto | utf-8 | cp1252 | cp437 | latin-1
    separator = "auto"                    # auto | ";" | "," | "\t"
    decimal = "auto"                      # auto | "," | "."
    kolumner = { belopp = "Utfall", konto = "Konto" }   # canonical name = header in the file
    period = "helar"                      # ledger only: a yearly export without a period column
    pseudonymisera = ["motpart"]          # personnummer there become pseudonyms, not errors

    [kontroll]
    utanfor_aret = "varning"              # or "fel": hour/count rows dated outside the year

    [sie]
    kodning = "auto"                      # auto: UTF-8 when it decodes, else cp437 (PC8)
    dimensioner = { 1 = "ansvar", 20 = "verksamhet" }
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from kpb.errors import Problem, error, raise_if_errors

SOURCES = ("ledger", "aktivitet", "direkt", "nycklar", "utfall")  # utfall: optional
ENCODINGS = ("auto", "utf-8", "utf-8-sig", "cp1252", "cp437", "latin-1")
SEPARATORS = ("auto", ";", ",", "\t", "|")
DECIMALS = ("auto", ",", ".")
PERIOD_KINDS = ("kolumn", "helar")
DIMENSIONS = ("ansvar", "verksamhet", "aktivitet", "projekt", "motpart")
# The canonical columns of each source (formats.md §2) that `kolumner` may map.
SOURCE_COLUMNS = {
    "ledger": ("period", "konto", "belopp") + DIMENSIONS,
    "aktivitet": ("person", "insats", "from", "tom", "timmar", "antal", "utforare", "hushall",
                  "kon", "fodelsear"),
    "direkt": ("person", "insats", "period", "datum", "belopp", "hushall", "utforare", "kon",
               "fodelsear"),
    "nycklar": ("nyckel", "mottagare", "varde"),
    "utfall": ("person", "insats", "utforare", "start", "avslut", "avslutsorsak", "hushall",
               "kon", "fodelsear"),
}

# columns never named in `pseudonymisera`: person and hushall always become pseudonyms, the
# others are numbers, dates and periods
PSEUDONYMISED_ELSEWHERE = ("person", "hushall", "period", "belopp", "from", "tom", "timmar",
                           "antal", "datum", "kon", "fodelsear", "varde", "start", "avslut")


@dataclass(frozen=True)
class SourceSettings:
    kodning: str = "auto"
    separator: str = "auto"
    decimal: str = "auto"
    kolumner: dict[str, str] = field(default_factory=dict)  # canonical -> file header
    # text columns whose personnummer-shaped values become keyed pseudonyms (stray_ids.py)
    pseudonymisera: tuple[str, ...] = ()
    # ledger only: "kolumn" = a period column YYYYMM is required; "helar" = a yearly
    # kontoutfall without one, its rows booked on the whole year (period empty)
    period: str = "kolumn"


@dataclass(frozen=True)
class PseudonymSettings:
    nyckelfil: str = "kpb.key"
    miljovariabel: str = "KPB_PSEUDONYM_NYCKEL"
    ogiltigt_id: str = "fel"  # "fel" | "varning"
    redan_pseudonym: bool = False


@dataclass(frozen=True)
class SieSettings:
    kodning: str = "auto"  # UTF-8 when the bytes decode as UTF-8, else cp437 (PC8)
    dimensioner: dict[int, str] = field(default_factory=lambda: {1: "ansvar"})


@dataclass(frozen=True)
class HushallSettings:
    """[hushall]: which insatser are bistånd payments and handläggning (None: the rules'
    insatser of omrade "EB", kronor ones as payments), and the långvarig threshold."""
    bistand: tuple[str, ...] | None = None
    handlaggning: tuple[str, ...] | None = None
    langvarigt_manader: int = 10


@dataclass(frozen=True)
class JamforSettings:
    """[jamfor]: a named price index (year -> exact value) for fixed-price comparisons."""
    prisindex: str = ""
    index: dict[int, Fraction] = field(default_factory=dict)


AVSLUT_CATEGORIES = ("arbete", "studier", "annan_insats", "avbrott", "ovrigt")


@dataclass(frozen=True)
class UtfallSettings:
    """[utfall]: avslutsorsak codes of the case system -> arbete, studier, annan_insats,
    avbrott, ovrigt (codes compared case-insensitively, trimmed)."""
    avslutsorsak: dict[str, str] = field(default_factory=dict)  # code (lower) -> category


# kpb's own key figures that a Kolada KPI can be set beside, and what each one names after ":"
KOLADA_FIGURES = {"kostnad_per_invanare": "omrade", "kostnad_per_brukare": "omrade",
                  "styckkostnad": "insats", "andel_avslut_arbete_eller_studier": "insats",
                  "andel_hushall_langvarigt_bistand": None}


@dataclass(frozen=True)
class KoladaSettings:
    """[kolada]: Kolada KPI id -> kpb's figure, e.g. "kostnad_per_invanare:AMI"."""
    nyckeltal: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class KontrollSettings:
    """How strict the check stage is: hour and count rows dated outside the year are left out
    with a warning ("varning") or refused ("fel")."""

    utanfor_aret: str = "varning"


@dataclass(frozen=True)
class Project:
    root: Path
    kommun: str = ""
    invanare: int | None = None
    pseudonym: PseudonymSettings = PseudonymSettings()
    sources: dict[str, SourceSettings] = field(default_factory=dict)
    sie: SieSettings = SieSettings()
    kontroll: KontrollSettings = KontrollSettings()
    hushall: HushallSettings = HushallSettings()
    jamfor: JamforSettings = JamforSettings()
    utfall: UtfallSettings = UtfallSettings()
    kolada: KoladaSettings = KoladaSettings()

    # -- folder layout (formats.md §1) -------------------------------------------------
    @property
    def settings_file(self) -> Path:
        return self.root / "kpb.toml"

    @property
    def database(self) -> Path:
        return self.root / "kpb.duckdb"

    def rules_file(self, year: int) -> Path:
        return self.root / "regler" / f"{year}.toml"

    def data_dir(self, year: int, source: str) -> Path:
        return self.root / "data" / str(year) / source

    def output_dir(self, year: int) -> Path:
        return self.root / "ut" / str(year)

    def source(self, name: str) -> SourceSettings:
        return self.sources.get(name, SourceSettings())

    def relative(self, path: Path) -> str:
        """A path as the user should see it in messages: relative to the project."""
        path = Path(path)
        try:  # the parent only: a link is named as itself, and a link loop cannot resolve
            return str((path.parent.resolve() / path.name).relative_to(self.root.resolve()))
        except (ValueError, OSError, RuntimeError):
            return str(path)

    @classmethod
    def open(cls, root: str | Path = ".") -> "Project":
        root = Path(root)
        path = root / "kpb.toml"
        if not root.is_dir():
            raise_if_errors("projekt", [error(str(root), None, None,
                                              "projektmappen finns inte")])
        if not path.is_file():
            raise_if_errors("projekt", [error(str(path), None, None,
                "kpb.toml saknas: en projektmapp behöver kpb.toml (se fixtures/exempelkommun)")])
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise_if_errors("projekt", [error("kpb.toml", None, None, f"ogiltig TOML: {exc}")])
        except OSError as exc:
            raise_if_errors("projekt", [error("kpb.toml", None, None,
                                              f"kunde inte läsas ({exc.strerror})")])
        problems: list[Problem] = []
        project = cls(
            root=root,
            kommun=str(raw.get("kommun", "")),
            invanare=_invanare(raw.get("invanare"), problems),
            pseudonym=_pseudonym(_table(raw, "pseudonym", "pseudonym", problems), problems),
            sources=_sources(_table(raw, "kalla", "kalla", problems), problems),
            sie=_sie(_table(raw, "sie", "sie", problems), problems),
            kontroll=_kontroll(_table(raw, "kontroll", "kontroll", problems), problems),
            hushall=_hushall(_table(raw, "hushall", "hushall", problems), problems),
            jamfor=_jamfor(_table(raw, "jamfor", "jamfor", problems), problems),
            utfall=_utfall(_table(raw, "utfall", "utfall", problems), problems),
            kolada=_kolada(_table(raw, "kolada", "kolada", problems), problems),
        )
        for key in raw.keys() - {"kommun", "invanare", "pseudonym", "kalla", "sie", "kontroll",
                                 "hushall", "jamfor", "utfall", "kolada"}:
            problems.append(error("kpb.toml", None, key, "okänd inställning"))
        raise_if_errors("projekt", problems)
        return project


def _table(parent: dict, key: str, where: str, problems) -> dict:
    """A settings table, or {} and an error when kpb.toml holds another kind of value."""
    value = parent.get(key, {})
    if isinstance(value, dict):
        return value
    problems.append(error("kpb.toml", None, where, f"fann {value!r}, väntade en tabell "
                                                   f"([{where}] med inställningar under)"))
    return {}


def _invanare(value, problems):
    if value is None:
        return None
    if not isinstance(value, int) or value <= 0:
        problems.append(error("kpb.toml", None, "invanare", "väntade ett positivt heltal"))
        return None
    return value


def _choice(table, key, allowed, default, where, problems):
    value = table.get(key, default)
    if value not in allowed:
        problems.append(error("kpb.toml", None, f"{where}.{key}",
                              f"fann {value!r}, väntade något av {', '.join(map(repr, allowed))}"))
        return default
    return value


def _unknown_keys(table, known, where, problems) -> None:
    """A misspelt setting must not be ignored: `timar = "Tid"` would lose every hour."""
    for key in sorted(set(table) - set(known)):
        problems.append(error("kpb.toml", None, f"{where}.{key}",
                              f"okänd inställning, väntade en av {', '.join(known)}"))


def _boolean(table, key, where, problems) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        problems.append(error("kpb.toml", None, f"{where}.{key}",
                              f"fann {value!r}, väntade true eller false (utan citattecken)"))
        return False
    return value


def _pseudonym(table, problems) -> PseudonymSettings:
    where = "pseudonym"
    _unknown_keys(table, ("nyckelfil", "miljovariabel", "ogiltigt_id", "redan_pseudonym"),
                  where, problems)
    return PseudonymSettings(
        nyckelfil=_name(table, "nyckelfil", "kpb.key", where, problems),
        miljovariabel=_name(table, "miljovariabel", "KPB_PSEUDONYM_NYCKEL", where, problems),
        ogiltigt_id=_choice(table, "ogiltigt_id", ("fel", "varning"), "fel", where, problems),
        redan_pseudonym=_boolean(table, "redan_pseudonym", where, problems),
    )


def _name(table, key, default: str, where: str, problems) -> str:
    """A file or variable name: non-empty text."""
    value = table.get(key, default)
    if not isinstance(value, str) or not value.strip():
        problems.append(error("kpb.toml", None, f"{where}.{key}",
                              f"fann {value!r}, väntade ett namn inom citattecken, t.ex. "
                              f"{default!r}"))
        return default
    return value


def _sources(table, problems) -> dict[str, SourceSettings]:
    sources = {}
    for name in table:
        where = f"kalla.{name}"
        if name not in SOURCES:
            problems.append(error("kpb.toml", None, where,
                                  f"okänd källa, väntade en av {', '.join(SOURCES)}"))
            continue
        conf = _table(table, name, where, problems)
        _unknown_keys(conf, ("kodning", "separator", "decimal", "kolumner", "pseudonymisera")
                      + (("period",) if name == "ledger" else ()), where, problems)
        columns = conf.get("kolumner", {})
        if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
            problems.append(error("kpb.toml", None, f"{where}.kolumner",
                                  'väntade en tabell: kanoniskt namn = "rubrik i filen"'))
            columns = {}
        _unknown_keys(columns, SOURCE_COLUMNS[name], f"{where}.kolumner", problems)
        sources[name] = SourceSettings(
            kodning=_choice(conf, "kodning", ENCODINGS, "auto", where, problems),
            separator=_choice(conf, "separator", SEPARATORS, "auto", where, problems),
            decimal=_choice(conf, "decimal", DECIMALS, "auto", where, problems),
            kolumner={k.lower(): v for k, v in columns.items()},
            pseudonymisera=_pseudonymised_columns(conf, name, where, problems),
            period=_choice(conf, "period", PERIOD_KINDS, "kolumn", where, problems),
        )
    return sources


def _pseudonymised_columns(conf, source, where, problems) -> tuple[str, ...]:
    """`pseudonymisera = ["utforare"]`: text columns of the source other than person."""
    value = conf.get("pseudonymisera", [])
    allowed = [c for c in SOURCE_COLUMNS[source] if c not in PSEUDONYMISED_ELSEWHERE]
    if not isinstance(value, list) or not all(v in allowed for v in value):
        problems.append(error("kpb.toml", None, f"{where}.pseudonymisera",
                              f"fann {value!r}, väntade en lista av kolumner bland "
                              f"{', '.join(allowed)}"))
        return ()
    return tuple(value)


def _kontroll(table, problems) -> KontrollSettings:
    _unknown_keys(table, ("utanfor_aret",), "kontroll", problems)
    return KontrollSettings(utanfor_aret=_choice(table, "utanfor_aret", ("varning", "fel"),
                                                 "varning", "kontroll", problems))


def _sie(table, problems) -> SieSettings:
    _unknown_keys(table, ("kodning", "dimensioner"), "sie", problems)
    dims = {}
    given = table.get("dimensioner", {1: "ansvar"})
    if not isinstance(given, dict):
        problems.append(error("kpb.toml", None, "sie.dimensioner", f"fann {given!r}, väntade "
                              'en tabell, t.ex. { 1 = "ansvar", 20 = "verksamhet" }'))
        given = {}
    for number, name in given.items():
        if not str(number).isdigit() or name not in DIMENSIONS:
            problems.append(error("kpb.toml", None, f"sie.dimensioner.{number}",
                                  f"väntade dimensionsnummer = en av {', '.join(DIMENSIONS)}"))
            continue
        dims[int(number)] = name
    return SieSettings(
        kodning=_choice(table, "kodning", ENCODINGS, "auto", "sie", problems),
        dimensioner=dims,
    )


def _names(table, key, where, problems) -> tuple[str, ...] | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(error("kpb.toml", None, f"{where}.{key}",
                              'väntade en lista av insatskoder, t.ex. ["ekonomiskt_bistand"]'))
        return None
    return tuple(value)


def _hushall(table, problems) -> HushallSettings:
    where = "hushall"
    _unknown_keys(table, ("bistand", "handlaggning", "langvarigt_manader"), where, problems)
    months = table.get("langvarigt_manader", 10)
    if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= 12:
        problems.append(error("kpb.toml", None, f"{where}.langvarigt_manader",
                              f"fann {months!r}, väntade ett heltal 1–12 (Socialstyrelsen: 10)"))
        months = 10
    return HushallSettings(_names(table, "bistand", where, problems),
                           _names(table, "handlaggning", where, problems), months)


def _jamfor(table, problems) -> JamforSettings:
    where = "jamfor"
    _unknown_keys(table, ("prisindex", "index"), where, problems)
    values = {}
    for year, value in _table(table, "index", f"{where}.index", problems).items():
        if not str(year).isdigit() or isinstance(value, bool) or not isinstance(
                value, (int, float)) or value <= 0:
            problems.append(error("kpb.toml", None, f"{where}.index.{year}",
                                  f"fann {value!r}, väntade år = ett positivt indextal"))
            continue
        values[int(year)] = Fraction(str(value))
    if values and not table.get("prisindex"):
        problems.append(error("kpb.toml", None, f"{where}.prisindex",
                              "saknas: ange vilket prisindex värdena kommer från"))
    return JamforSettings(str(table.get("prisindex", "")), values)


def _utfall(table, problems) -> UtfallSettings:
    where = "utfall"
    _unknown_keys(table, ("avslutsorsak",), where, problems)
    codes: dict[str, str] = {}
    groups = _table(table, "avslutsorsak", f"{where}.avslutsorsak", problems)
    _unknown_keys(groups, AVSLUT_CATEGORIES, f"{where}.avslutsorsak", problems)
    for category in AVSLUT_CATEGORIES:
        listed = groups.get(category, [])
        if not isinstance(listed, list) or not all(isinstance(c, str) for c in listed):
            problems.append(error("kpb.toml", None, f"{where}.avslutsorsak.{category}",
                                  'väntade en lista av avslutsorsaker, t.ex. ["Arbete"]'))
            continue
        for code in listed:
            key = code.strip().lower()
            if key in codes and codes[key] != category:
                problems.append(error("kpb.toml", None, f"{where}.avslutsorsak.{category}",
                                      f"{code!r} står redan under {codes[key]}"))
            codes[key] = category
    return UtfallSettings(codes)


def _kolada(table, problems) -> KoladaSettings:
    where = "kolada"
    _unknown_keys(table, ("nyckeltal",), where, problems)
    figures = {}
    for kpi, spec in _table(table, "nyckeltal", f"{where}.nyckeltal", problems).items():
        name, _, argument = str(spec).partition(":")
        needs = KOLADA_FIGURES.get(name, "okänt")
        if needs == "okänt" or (needs is None) != (argument == ""):
            shown = ", ".join(f"{k}:{v.upper()}" if v else k for k, v in KOLADA_FIGURES.items())
            problems.append(error("kpb.toml", None, f"{where}.nyckeltal.{kpi}",
                                  f"fann {spec!r}, väntade ett av {shown}"))
            continue
        figures[kpi] = str(spec)
    return KoladaSettings(figures)
