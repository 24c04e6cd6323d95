"""The project folder and its settings file `kpb.toml` (formats.md §1).

`Project.open(dir)` reads and validates kpb.toml into frozen dataclasses; every problem is
reported at once. Every path of the folder layout comes from `Project` and nowhere else.

kpb.toml's keys are declared once, in `KEYS`: each key's name, default, example, what it does
and its check. The parse (`Project.open`), the error for an unknown key and README's
kpb.toml block (`toml_example()`; `python3 -m kpb.project README.md` writes it there) all come
from that declaration.
"""

from __future__ import annotations

import copy
import math
import re
import sys
import tomllib
from collections.abc import Callable
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
AVSLUT_CATEGORIES = ("arbete", "studier", "annan_insats", "avbrott", "ovrigt")
# kpb's own key figures that a Kolada KPI can be set beside, and what each one names after ":"
# -- the checks of a key's value: (key, value, where, problems) -> the value kpb uses --------
# A wrong value is an error naming `where` (e.g. "kalla.ledger.kodning") and gives the default.


def _text(key, value, where, problems) -> str:
    return str(value)


# Sweden has 10.6 million invånare; a kommun's count is far below this, and a count above it
# is a typo that would only surface as an overflow in a per-invånare figure.
MAX_INHABITANTS = 100_000_000


def _kommunkod(key, value, where, problems) -> str:
    """SCB's kommunkod as text, so "0114" keeps its leading zero."""
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}", value):
        problems.append(error("kpb.toml", None, where, f"fann {value!r}, väntade SCB:s "
                              'kommunkod som text med fyra siffror, t.ex. "0114"'))
        return key.default
    return value


def _positive_int(key, value, where, problems):
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        problems.append(error("kpb.toml", None, where, "väntade ett positivt heltal"))
        return key.default
    if value > MAX_INHABITANTS:
        problems.append(error("kpb.toml", None, where, f"fann {value}, väntade ett antal "
                              f"invånare under {MAX_INHABITANTS:_}".replace("_", " ")))
        return key.default
    return value


def _choice(key, value, where, problems):
    if value not in key.allowed:
        problems.append(error("kpb.toml", None, where, f"fann {value!r}, väntade något av "
                              f"{', '.join(map(repr, key.allowed))}"))
        return key.default
    return value


def _boolean(key, value, where, problems) -> bool:
    if not isinstance(value, bool):
        problems.append(error("kpb.toml", None, where,
                              f"fann {value!r}, väntade true eller false (utan citattecken)"))
        return key.default
    return value


def _name(key, value, where, problems) -> str:
    """A file or variable name: non-empty text."""
    if not isinstance(value, str) or not value.strip():
        problems.append(error("kpb.toml", None, where, f"fann {value!r}, väntade ett namn "
                              f"inom citattecken, t.ex. {key.default!r}"))
        return key.default
    return value


def _as_table(value, where: str, problems) -> dict:
    """A settings table, or {} and an error when kpb.toml holds another kind of value."""
    if isinstance(value, dict):
        return value
    problems.append(error("kpb.toml", None, where, f"fann {value!r}, väntade en tabell "
                                                   f"([{where}] med inställningar under)"))
    return {}


def _unknown_keys(given: dict, known, where: str, problems) -> None:
    """A misspelt setting must not be ignored: `timar = "Tid"` would lose every hour."""
    for name in sorted(set(given) - set(known)):
        problems.append(error("kpb.toml", None, f"{where}.{name}" if where else name,
                              f"okänd inställning, väntade en av {', '.join(known)}"))


def _source_of(where: str) -> str:
    return where.split(".")[1]  # "kalla.ledger.kolumner" -> "ledger"


def _columns(key, value, where, problems) -> dict[str, str]:
    """kolumner: canonical name -> the header in the file."""
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        problems.append(error("kpb.toml", None, where,
                              'väntade en tabell: kanoniskt namn = "rubrik i filen"'))
        return {}
    _unknown_keys(value, SOURCE_COLUMNS[_source_of(where)], where, problems)
    return {k.lower(): v for k, v in value.items()}


def _pseudonymised_columns(key, value, where, problems) -> tuple[str, ...]:
    """`pseudonymisera = ["utforare"]`: text columns of the source other than person."""
    allowed = [c for c in SOURCE_COLUMNS[_source_of(where)] if c not in PSEUDONYMISED_ELSEWHERE]
    if not isinstance(value, list) or not all(v in allowed for v in value):
        problems.append(error("kpb.toml", None, where, f"fann {value!r}, väntade en lista av "
                              f"kolumner bland {', '.join(allowed)}"))
        return ()
    return tuple(value)


def _dimensions(key, value, where, problems) -> dict[int, str]:
    if not isinstance(value, dict):
        problems.append(error("kpb.toml", None, where, f"fann {value!r}, väntade en tabell, "
                              't.ex. { 1 = "ansvar", 20 = "verksamhet" }'))
        return {}
    dims = {}
    for number, name in value.items():
        if not str(number).isdigit() or name not in DIMENSIONS:
            problems.append(error("kpb.toml", None, f"{where}.{number}", "väntade "
                                  f"dimensionsnummer = en av {', '.join(DIMENSIONS)}"))
            continue
        dims[int(number)] = name
    return dims


def _insatser(key, value, where, problems) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(error("kpb.toml", None, where, "väntade en lista av insatskoder, "
                              't.ex. ["ekonomiskt_bistand"]'))
        return None
    return tuple(value)


def _months(key, value, where, problems) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 12:
        problems.append(error("kpb.toml", None, where, f"fann {value!r}, väntade ett heltal "
                              "1–12 (Socialstyrelsen: 10)"))
        return key.default
    return value


def _min_persons(key, value, where, problems) -> int:
    """The fewest persons a published figure may describe: 2 at least (1 would publish a
    single person's figures)."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 2:
        problems.append(error("kpb.toml", None, where, f"fann {value!r}, väntade ett heltal 2 "
                              "eller större (antal personer en publicerad uppgift minst "
                              "beskriver; 1 skulle publicera enskilda personer; standard 3)"))
        return key.default
    return value


def _share(key, value, where, problems) -> Fraction:
    """A share strictly between 0 and 1, written as a decimal number (0.5 = 50 %)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not math.isfinite(value) or not 0 < value < 1:
        problems.append(error("kpb.toml", None, where, f"fann {value!r}, väntade en andel "
                              "mellan 0 och 1 skrivet som decimaltal, t.ex. 0.5 (= 50 %)"))
        return key.default
    return Fraction(str(value))


def _index(key, value, where, problems) -> dict[int, Fraction]:
    values = {}
    for year, number in _as_table(value, where, problems).items():
        if not str(year).isdigit() or isinstance(number, bool) or not isinstance(
                number, (int, float)) or not math.isfinite(number) or number <= 0:
            problems.append(error("kpb.toml", None, f"{where}.{year}",
                                  f"fann {number!r}, väntade år = ett positivt indextal"))
            continue
        values[int(year)] = Fraction(str(number))
    return values


def _avslutsorsak(key, value, where, problems) -> dict[str, str]:
    """category -> [codes of the case system] as code (lower, trimmed) -> category."""
    codes: dict[str, str] = {}
    groups = _as_table(value, where, problems)
    _unknown_keys(groups, AVSLUT_CATEGORIES, where, problems)
    for category in AVSLUT_CATEGORIES:
        listed = groups.get(category, [])
        if not isinstance(listed, list) or not all(isinstance(c, str) for c in listed):
            problems.append(error("kpb.toml", None, f"{where}.{category}",
                                  'väntade en lista av avslutsorsaker, t.ex. ["Arbete"]'))
            continue
        for code in listed:
            code_key = code.strip().lower()
            if code_key in codes and codes[code_key] != category:
                problems.append(error("kpb.toml", None, f"{where}.{category}",
                                      f"{code!r} står redan under {codes[code_key]}"))
            codes[code_key] = category
    return codes


def _nyckeltal(key, value, where, problems) -> dict[str, str]:
    """KPI id = "figure" or "figure:argument"; which figures exist, and whether each KPI's
    unit and concept match, the check stage decides (kpb.rules.kolada, with the rules)."""
    figures = {}
    for kpi, spec in _as_table(value, where, problems).items():
        name = str(spec).partition(":")[0]
        if not isinstance(spec, str) or not re.fullmatch(r"[a-z_0-9]+", name):
            problems.append(error("kpb.toml", None, f"{where}.{kpi}", (
                f"fann {spec!r}, väntade ett kpb-nyckeltal som text, t.ex. "
                '"kostnad_per_rapportenhet:hvb_barn" (docs/formats.md §9)')))
            continue
        figures[kpi] = spec
    return figures


def _eget_index(key, value, where, problems) -> dict[str, tuple[str, dict[int, Fraction]]]:
    """område or insats = { prisindex = "name", index = { year = value } }: a price index of
    its own (riksnormen for ekonomiskt bistånd), before the default [jamfor] index."""
    own = {}
    for target, table in _as_table(value, where, problems).items():
        table = _as_table(table, f"{where}.{target}", problems)
        _unknown_keys(table, ("prisindex", "index"), f"{where}.{target}", problems)
        name = str(table.get("prisindex", "")).strip()
        if not name:
            problems.append(error("kpb.toml", None, f"{where}.{target}.prisindex",
                                  "väntade indexets namn, t.ex. \"Riksnormen\""))
        own[str(target)] = (name, _index(key, table.get("index", {}),
                                         f"{where}.{target}.index", problems))
    return own


# -- the declaration ----------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """One key of kpb.toml. `name` is dotted: "invanare", "pseudonym.nyckelfil", and
    "kalla.*.kodning" for a key of every [kalla.<källa>] table (`sources`: of which ones)."""
    name: str
    default: object
    example: str  # the value as README's kpb.toml block shows it (TOML)
    doc: str      # what it does: the comment beside the example
    check: Callable  # (key, value, where, problems) -> the value kpb uses
    allowed: tuple = ()  # the values a choice may take (_choice)
    sources: tuple = SOURCES

    @property
    def table(self) -> str:
        return self.name.rpartition(".")[0]

    @property
    def leaf(self) -> str:
        return self.name.rpartition(".")[2]


KEYS = (
    Key("kommun", "", '"Exempelkommun"', "the municipality's name in the report", _text),
    Key("kommunkod", "", '"1489"', "SCB's four-digit code, for kpb dela's package",
        _kommunkod),
    Key("invanare", None, "15000", "for the per 1 000 invånare figures", _positive_int),
    Key("kalla.*.kolumner", {}, '{ belopp = "Utfall", konto = "Konto" }',
        "kpb's name = header in your file", _columns),
    Key("kalla.*.kodning", "auto", '"auto"', "auto (UTF-8, else Windows-1252) | utf-8 | "
        "cp1252 | cp437 | latin-1", _choice, ENCODINGS),
    Key("kalla.*.separator", "auto", '"auto"', 'auto | ";" | "," | "\\t" | "|"', _choice,
        SEPARATORS),
    Key("kalla.*.decimal", "auto", '"auto"', 'auto | "," | "."', _choice, DECIMALS),
    Key("kalla.*.period", "kolumn", '"kolumn"', 'ledger: "helar" reads a yearly export '
        "without a period column", _choice, PERIOD_KINDS, ("ledger",)),
    Key("kalla.*.pseudonymisera", (), '["motpart"]', "personnummer found there become "
        "pseudonyms, not errors", _pseudonymised_columns),
    Key("pseudonym.nyckelfil", "kpb.key", '"kpb.key"', "secret key file, created (mode 0600) "
        "when missing", _name),
    Key("pseudonym.miljovariabel", "KPB_PSEUDONYM_NYCKEL", '"KPB_PSEUDONYM_NYCKEL"',
        "an environment variable that holds the key instead", _name),
    Key("pseudonym.ogiltigt_id", "fel", '"fel"', '"varning" keeps rows with invalid ids, '
        "marked", _choice, ("fel", "varning")),
    Key("pseudonym.redan_pseudonym", False, "false", "true when `person` already holds "
        "pseudonyms", _boolean),
    Key("kontroll.utanfor_aret", "varning", '"varning"', 'hour/count rows dated outside the '
        'year: "varning" | "fel"', _choice, ("varning", "fel")),
    Key("sie.dimensioner", {1: "ansvar"}, '{ 1 = "ansvar", 20 = "verksamhet" }',
        "SIE object dimension -> kpb column", _dimensions),
    Key("sie.kodning", "auto", '"auto"', "auto (UTF-8 when it decodes, else cp437) | cp437 "
        "| ...", _choice, ENCODINGS),
    Key("hushall.bistand", None, '["ekonomiskt_bistand"]', 'default: the rules\' insatser of '
        'omrade "EB" in kronor', _insatser),
    Key("hushall.handlaggning", None, '["eb_handlaggning"]', 'default: the other insatser of '
        'omrade "EB"', _insatser),
    Key("hushall.langvarigt_manader", 10, "10", "months of 12 with bistånd that make it "
        "långvarigt", _months),
    Key("jamfor.prisindex", "", '"Prisindex för kommunal verksamhet (PKV), SKR"', "the price index the values "
        "come from (kpb jamfor)", _text),
    Key("jamfor.index", {}, "{ 2022 = 100.0, 2024 = 110.4 }", "year = index value; only the "
        "ratio is used", _index),
    Key("jamfor.eget_index", {}, '{ EB = { prisindex = "Riksnormen", index = { 2022 = 100.0, '
        '2024 = 112.3 } } }', "an index of its own per område or insats", _eget_index),
    Key("publicering.minsta_antal", 3, "3", "kpb rapport --publicera and kpb dela withhold "
        "figures of fewer persons (at least 2)", _min_persons),
    Key("publicering.dominans", Fraction(1, 2), "0.5", "... and where one person carries more "
        "than this share of the cost", _share),
    Key("utfall.avslutsorsak", {}, '{ arbete = ["Arbete"], studier = ["Studier"] }',
        "the case system's reasons by category", _avslutsorsak),
    Key("kolada.nyckeltal", {}, '{ N17001 = "kostnad_per_invanare:AMI" }',
        "Kolada KPI id = kpb's figure beside it", _nyckeltal),
)
KEY = {key.name: key for key in KEYS}
TABLES = tuple(dict.fromkeys(key.table.split(".")[0] for key in KEYS if key.table))


def _default(name: str):
    """A key's default, for the settings dataclasses (a copy: dicts are not shared)."""
    return copy.deepcopy(KEY[name].default)


def _read(table: str, given: dict, problems, where: str | None = None,
          source: str | None = None) -> dict:
    """The table's keys -> the values kpb uses: checked when given, else the defaults; a key
    the declaration does not have is an error. `where`: the table as messages name it
    ("kalla.ledger" for "kalla.*"); `source`: which source's keys a [kalla.*] table has."""
    where = table if where is None else where
    keys = [k for k in KEYS if k.table == table and (source is None or source in k.sources)]
    _unknown_keys(given, [k.leaf for k in keys], where, problems)
    return {k.leaf: (k.check(k, given[k.leaf], f"{where}.{k.leaf}" if where else k.leaf,
                             problems)
                     if k.leaf in given else _default(k.name)) for k in keys}


def toml_example() -> str:
    """README's kpb.toml block: every key of KEYS with its example and what it does."""
    lines = []
    for table in dict.fromkeys(key.table for key in KEYS):
        if table == "kalla.*":
            others = ", ".join(f"kalla.{s}" for s in SOURCES[1:])
            lines += ["", _commented("[kalla.ledger]", f"also {others}")]
        elif table:
            lines += ["", f"[{table}]"]
        lines += [_commented(f"{key.leaf} = {key.example}", key.doc)
                  for key in KEYS if key.table == table]
    return "\n".join(lines) + "\n"


def _commented(text: str, comment: str) -> str:
    return f"{text:<36} # {comment}" if len(text) < 36 else f"{text}  # {comment}"


README_BLOCK = re.compile(r"(<!-- kpb.toml: [^\n]*-->\n```toml\n)(.*?)(```)", re.DOTALL)


def readme_with_example(readme: str) -> str:
    """README's text with its kpb.toml block as toml_example() writes it."""
    if not README_BLOCK.search(readme):
        raise ValueError("README has no kpb.toml block after its <!-- kpb.toml: ... --> line")
    return README_BLOCK.sub(lambda m: m.group(1) + toml_example() + m.group(3), readme, count=1)


# -- the settings, as kpb uses them ------------------------------------------------------


@dataclass(frozen=True)
class SourceSettings:
    kodning: str = _default("kalla.*.kodning")
    separator: str = _default("kalla.*.separator")
    decimal: str = _default("kalla.*.decimal")
    kolumner: dict[str, str] = field(  # canonical -> file header
        default_factory=lambda: _default("kalla.*.kolumner"))
    # text columns whose personnummer-shaped values become keyed pseudonyms (stray_ids.py)
    pseudonymisera: tuple[str, ...] = _default("kalla.*.pseudonymisera")
    # ledger only: "kolumn" = a period column YYYYMM is required; "helar" = a yearly
    # kontoutfall without one, its rows booked on the whole year (period empty)
    period: str = _default("kalla.*.period")


@dataclass(frozen=True)
class PseudonymSettings:
    nyckelfil: str = _default("pseudonym.nyckelfil")
    miljovariabel: str = _default("pseudonym.miljovariabel")
    ogiltigt_id: str = _default("pseudonym.ogiltigt_id")  # "fel" | "varning"
    redan_pseudonym: bool = _default("pseudonym.redan_pseudonym")


@dataclass(frozen=True)
class SieSettings:
    kodning: str = _default("sie.kodning")  # UTF-8 when the bytes decode, else cp437 (PC8)
    dimensioner: dict[int, str] = field(default_factory=lambda: _default("sie.dimensioner"))


@dataclass(frozen=True)
class HushallSettings:
    """[hushall]: which insatser are bistånd payments and handläggning (None: the rules'
    insatser of omrade "EB", kronor ones as payments), and the långvarig threshold."""
    bistand: tuple[str, ...] | None = _default("hushall.bistand")
    handlaggning: tuple[str, ...] | None = _default("hushall.handlaggning")
    langvarigt_manader: int = _default("hushall.langvarigt_manader")


@dataclass(frozen=True)
class JamforSettings:
    """[jamfor]: a named price index (year -> exact value) for fixed-price comparisons."""
    prisindex: str = _default("jamfor.prisindex")
    index: dict[int, Fraction] = field(default_factory=lambda: _default("jamfor.index"))
    eget_index: dict[str, tuple[str, dict[int, Fraction]]] = field(
        default_factory=lambda: _default("jamfor.eget_index"))


@dataclass(frozen=True)
class PubliceringSettings:
    """[publicering]: the disclosure rule of the published report and the sharing package
    (kpb.report.disclosure): a figure of fewer than `minsta_antal` persons, or where one
    person carries more than `dominans` of the cost, is withheld."""
    minsta_antal: int = _default("publicering.minsta_antal")
    dominans: Fraction = _default("publicering.dominans")


@dataclass(frozen=True)
class UtfallSettings:
    """[utfall]: avslutsorsak codes of the case system -> arbete, studier, annan_insats,
    avbrott, ovrigt (codes compared case-insensitively, trimmed)."""
    avslutsorsak: dict[str, str] = field(  # code (lower) -> category
        default_factory=lambda: _default("utfall.avslutsorsak"))


@dataclass(frozen=True)
class KoladaSettings:
    """[kolada]: Kolada KPI id -> kpb's figure, e.g. "kostnad_per_invanare:AMI"."""
    nyckeltal: dict[str, str] = field(default_factory=lambda: _default("kolada.nyckeltal"))


@dataclass(frozen=True)
class KontrollSettings:
    """How strict the check stage is: hour and count rows dated outside the year are left out
    with a warning ("varning") or refused ("fel")."""

    utanfor_aret: str = _default("kontroll.utanfor_aret")


# the tables read into one settings object each, by the Project field of the same name
SECTIONS = {"pseudonym": PseudonymSettings, "kontroll": KontrollSettings, "sie": SieSettings,
            "hushall": HushallSettings, "jamfor": JamforSettings,
            "publicering": PubliceringSettings, "utfall": UtfallSettings,
            "kolada": KoladaSettings}


@dataclass(frozen=True)
class Project:
    root: Path
    kommun: str = _default("kommun")
    kommunkod: str = _default("kommunkod")
    invanare: int | None = _default("invanare")
    pseudonym: PseudonymSettings = PseudonymSettings()
    sources: dict[str, SourceSettings] = field(default_factory=dict)
    sie: SieSettings = SieSettings()
    kontroll: KontrollSettings = KontrollSettings()
    hushall: HushallSettings = HushallSettings()
    jamfor: JamforSettings = JamforSettings()
    publicering: PubliceringSettings = PubliceringSettings()
    utfall: UtfallSettings = UtfallSettings()
    kolada: KoladaSettings = KoladaSettings()

    # -- folder layout (formats.md §1): every path of a project comes from here ----------
    @property
    def settings_file(self) -> Path:
        return self.root / "kpb.toml"

    @property
    def database(self) -> Path:
        return self.root / "kpb.duckdb"

    @property
    def lock_file(self) -> Path:
        """The project lock, held while results or inputs are replaced (kpb/write/commit.py)."""
        return self.root / ".kpb.lock"

    @property
    def tmp_dir(self) -> Path:
        """Where the rows of an export read in pieces wait for the store (kpb/load/spill.py)."""
        return self.root / ".kpb-tmp"

    @property
    def cache_dir(self) -> Path:
        """The typed, pseudonymised inputs of the last load, reused while their files, key,
        mapping and kpb version are unchanged (kpb/load/cache.py)."""
        return self.root / ".kpb-cache"

    @property
    def store_dir(self) -> Path:
        """The loaded tables kpb.duckdb keeps as Parquet files and shows as views
        (kpb/load/file_tables.py): part of the database, not a cache."""
        return self.root / ".kpb-lager"

    @property
    def rules_dir(self) -> Path:
        return self.root / "regler"

    def rules_file(self, year: int) -> Path:
        return self.rules_dir / f"{year}.toml"

    @property
    def key_file(self) -> Path:
        """The pseudonym key's file (an absolute nyckelfil wins the join)."""
        return self.root / self.pseudonym.nyckelfil

    @property
    def data_root(self) -> Path:
        return self.root / "data"

    def data_dir(self, year: int, source: str | None = None) -> Path:
        """data/<year>/, or the folder of one source in it."""
        year_dir = self.data_root / str(year)
        return year_dir / source if source is not None else year_dir

    def population_file(self, year: int) -> Path:
        """The optional inhabitants per age of the year (formats.md)."""
        return self.data_dir(year) / "befolkning.csv"

    @property
    def kolada_dir(self) -> Path:
        """Optional Kolada values of comparison municipalities (*.csv)."""
        return self.root / "kolada"

    @property
    def ut(self) -> Path:
        """Everything kpb writes as results: ut/<year>/ and ut/jamfor_<fran>_<till>/."""
        return self.root / "ut"

    def output_dir(self, year: int) -> Path:
        return self.ut / str(year)

    def comparison_dir(self, fran: int, till: int) -> Path:
        return self.ut / f"jamfor_{fran}_{till}"

    @property
    def own_folders(self) -> tuple[Path, ...]:
        """The folders of the project's inputs and of what kpb writes: nothing else may write
        into them (kpb sql's exports, for one)."""
        return (self.ut, self.data_root, self.rules_dir, self.kolada_dir, self.tmp_dir,
                self.cache_dir, self.store_dir)

    @property
    def own_files(self) -> tuple[Path, ...]:
        """The project's own files: settings, database, lock and pseudonym key."""
        return (self.settings_file, self.database, self.lock_file, self.key_file)

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
    def open(cls, root: str | Path = ".") -> Project:
        root = Path(root)
        path = cls(root).settings_file
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
        top = [key.leaf for key in KEYS if not key.table]
        _unknown_keys(raw, top + list(TABLES), "", problems)
        settings = _read("", {k: v for k, v in raw.items() if k in top}, problems)
        sections = {name: kind(**_read(name, _as_table(raw.get(name, {}), name, problems),
                                       problems))
                    for name, kind in SECTIONS.items()}
        if sections["jamfor"].index and not sections["jamfor"].prisindex:
            problems.append(error("kpb.toml", None, "jamfor.prisindex",
                                  "saknas: ange vilket prisindex värdena kommer från"))
        sources = _sources(_as_table(raw.get("kalla", {}), "kalla", problems), problems)
        raise_if_errors("projekt", problems)
        return cls(root=root, sources=sources, **settings, **sections)


def _sources(tables: dict, problems) -> dict[str, SourceSettings]:
    """[kalla.<källa>] tables: one SourceSettings per source named."""
    sources = {}
    for name, given in tables.items():
        where = f"kalla.{name}"
        if name not in SOURCES:
            problems.append(error("kpb.toml", None, where,
                                  f"okänd källa, väntade en av {', '.join(SOURCES)}"))
            continue
        values = _read("kalla.*", _as_table(given, where, problems), problems, where, name)
        sources[name] = SourceSettings(**values)
    return sources


if __name__ == "__main__":  # python3 -m kpb.project README.md: its kpb.toml block from KEYS
    readme = Path(sys.argv[1])
    readme.write_text(readme_with_example(readme.read_text(encoding="utf-8")),
                      encoding="utf-8")
