"""Pseudonyms: person_id = first 20 hex characters of HMAC-SHA-256(key, normalised id).

Household ids get the same treatment, as HMAC(key, "hushall:" + id): municipalities often
use the applicant's personnummer as household id, so the raw id never reaches kpb.duckdb.
The prefix keeps a household's pseudonym apart from its applicant's person_id.

The key is the municipality's secret: the same person gets the same pseudonym across files
and years as long as the key is kept. It comes from the environment variable named in
kpb.toml or from the key file, and the same text means the same key in both places:

- A key written as 64 hex digits is decoded into its 32 bytes; any other content is the key
  itself, as bytes. Text (UTF-8) follows exact rules, so that no invisible byte changes the
  key: one final line break (`\n` or `\r\n`, as an editor adds it) is allowed and is not
  part of the key, so `echo $KEY > kpb.key` and `KPB_PSEUDONYM_NYCKEL=$KEY` give the same
  pseudonyms; a byte order mark, whitespace anywhere else (a trailing space, a tab, a second
  line break) is an error naming it, never a key of other bytes. A binary key file (not
  UTF-8, as kpb wrote before 0.2) is used byte for byte.
- When both the variable is set and the key file exists they must hold the same key, else it
  is an error naming both: a variable left from another project must not win silently.
- A key shorter than 32 bytes, an empty variable, a key file that group or others may read,
  and a nyckelfil that is a folder are errors naming the fix.
- A missing key file is created (64 hex digits from `secrets`, mode 0600) only for a project
  without earlier data: once kpb.duckdb or a year under ut/ exists, a missing key is an error
  (every person_id would change) unless the caller asks for a new key on purpose
  (`kpb compute --ny-nyckel`).

`read_key` also says where the key came from (`PseudonymKey.source`), for the messages of
key_fingerprint.py, which checks the key against the fingerprint stored with the data.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import re
import secrets
import stat
from pathlib import Path
from typing import NamedTuple

import polars as pl

from kpb.errors import error, raise_if_errors
from kpb.project import Project
from kpb.steps import Progress, silent

PERSON_ID_LENGTH = 20
HOUSEHOLD_PREFIX = "hushall:"
KEY_BYTES = 32
HEX_KEY = re.compile(rb"[0-9a-fA-F]{64}")
UTF8_BOM = b"\xef\xbb\xbf"
STAGE = "pseudonymnyckel"
MAKE_KEY = "t.ex. 64 hextecken från `python3 -c 'import secrets; print(secrets.token_hex(32))'`"


class PseudonymKey(NamedTuple):
    key: bytes
    source: str  # where it came from, as a message names it: "nyckelfilen kpb.key", ...


def load_key(project: Project, progress: Progress = silent, new_key: bool = False) -> bytes:
    """The project's key, or KpbError naming the fix; `new_key` creates a missing one."""
    return read_key(project, progress, new_key).key


def read_key(project: Project, progress: Progress = silent, new_key: bool = False
             ) -> PseudonymKey:
    """The project's key and where it came from, or KpbError naming the fix."""
    variable = project.pseudonym.miljovariabel
    path = _key_path(project)
    name = project.relative(path)
    from_variable = None
    if variable in os.environ:
        text = _key_text(os.environ[variable].encode("utf-8"), variable, "miljövariabeln")
        from_variable = PseudonymKey(_checked(text, variable, "miljövariabeln"),
                                     f"miljövariabeln {variable}")
    if path.is_dir():
        _fail(name, "är en mapp: väntade en fil med nyckeln (ändra [pseudonym] nyckelfil "
                    "i kpb.toml)")
    if path.exists() or path.is_symlink():  # a broken link or /dev/null is named, not made
        from_file = PseudonymKey(_checked(_key_from_file(_read_private(path, name), name), name,
                                          "nyckelfilen"), f"nyckelfilen {name}")
        if from_variable is None:
            return from_file
        if from_variable.key != from_file.key:
            _fail(variable, f"miljövariabeln {variable} och nyckelfilen {name} har olika "
                            "nycklar: väntade en och samma nyckel (ta bort miljövariabeln "
                            "eller nyckelfilen, eller rätta den som inte är nyckeln som "
                            "projektets data lästes in med)")
        return from_variable._replace(source=f"{from_variable.source} (samma nyckel som i "
                                             f"nyckelfilen {name})")
    if from_variable is not None:
        return from_variable
    if not new_key and _has_earlier_data(project):
        _fail(name, "nyckelfilen saknas men projektet har redan inlästa data eller resultat: "
                    "återställ nyckeln från säkerhetskopian, eller kör med --ny-nyckel för att "
                    "skapa en ny (då får alla personer nya person_id)")
    return PseudonymKey(_create_key(path, name, progress), f"nyckelfilen {name}")


def _key_path(project: Project) -> Path:
    return project.root / project.pseudonym.nyckelfil  # an absolute nyckelfil wins the join


def _fail(where: str, message: str) -> None:
    raise_if_errors(STAGE, [error(where, None, None, message)])


def _read_private(path: Path, name: str) -> bytes:
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            _fail(name, "nyckelfilen är ingen vanlig fil: väntade en fil med nyckeln (ändra "
                        "[pseudonym] nyckelfil i kpb.toml)")
        if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
            _fail(name, f"nyckelfilen kan läsas av andra (rättigheter {stat.S_IMODE(mode):o}): "
                        f"väntade att bara ägaren kan läsa den, kör `chmod 600 {path}`")
        return path.read_bytes()
    except OSError as exc:
        _fail(name, f"nyckelfilen kunde inte läsas ({exc.strerror}): väntade en läsbar fil")


def _key_from_file(raw: bytes, name: str) -> bytes:
    """The key's bytes: a binary key (not UTF-8, as kpb wrote before 0.2) byte for byte,
    text by the exact rules of `_key_text`."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw
    return _key_text(raw, name, "nyckelfilen")


def _key_text(raw: bytes, where: str, what: str) -> bytes:
    """Text without its one final line break; a BOM or any other whitespace is an error."""
    if raw.startswith(UTF8_BOM):
        fix = "spara filen som UTF-8 utan BOM" if what == "nyckelfilen" else "ta bort det"
        _fail(where, f"{what} börjar med ett byte order mark (BOM): väntade bara nyckelns "
                     f"tecken ({fix})")
    for ending in (b"\r\n", b"\n"):
        if raw.endswith(ending):
            raw = raw[:-len(ending)]
            break
    text = raw.decode("utf-8")
    found = next((i for i, char in enumerate(text) if char.isspace()), None)
    if found is not None:
        place = ("sist" if not text[found:].strip() else "först" if found == 0
                 else f"efter {found} tecken")
        _fail(where, f"{what} har {_whitespace(text[found])} {place}: väntade nyckelns tecken "
                     "utan blanktecken och högst en radbrytning (\\n eller \\r\\n) sist (ta "
                     "bort tecknet: med det vore det en annan nyckel)")
    return raw


def _whitespace(char: str) -> str:
    names = {" ": "ett mellanslag", "\t": "en tabb", "\n": "en radbrytning (\\n) till",
             "\r": "en radbrytning (\\r)"}
    return names.get(char, f"ett blanktecken (U+{ord(char):04X})")


def _checked(text: bytes, where: str, what: str) -> bytes:
    """The key bytes: 64 hex digits decoded, anything else as it is; at least 32 bytes."""
    key = bytes.fromhex(text.decode()) if HEX_KEY.fullmatch(text) else text
    if not key:
        _fail(where, f"{what} är tom: väntade en nyckel på minst {KEY_BYTES} byte, {MAKE_KEY}")
    if len(key) < KEY_BYTES:
        _fail(where, f"nyckeln i {what} är för kort ({len(key)} byte): väntade minst "
                     f"{KEY_BYTES} byte, {MAKE_KEY}")
    return key


def _has_earlier_data(project: Project) -> bool:
    ut = project.ut
    years = ut.is_dir() and any(re.fullmatch(r"\d{4}", p.name) for p in ut.iterdir())
    return project.database.exists() or bool(years)


def _create_key(path: Path, name: str, progress: Progress) -> bytes:
    text = secrets.token_hex(KEY_BYTES)  # 32 bytes of entropy, as text a person can copy
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: never overwrite a key another process just made; 0600: only the owner reads it
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        _fail(name, "nyckelfilen skapades samtidigt av en annan körning: kör igen")
    except OSError as exc:
        _fail(name, f"nyckelfilen kunde inte skapas ({exc.strerror})")
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(text + "\n")
    progress(f"skapade en ny pseudonymnyckel i {name}: spara en kopia säkert, "
             "utan den får samma person ett annat person_id nästa år")
    return bytes.fromhex(text)


# a file read in pieces meets its persons again; load_year clears it when it is done
@functools.lru_cache(maxsize=2**19)
def person_id(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256
                    ).hexdigest()[:PERSON_ID_LENGTH]


def pseudonymise(ids: pl.Series, key: bytes) -> pl.Series:
    """Pseudonyms for a whole column: each distinct id is hashed once, then mapped back."""
    return _hashed_once(ids.drop_nulls().unique(), ids, key, "", None).rename("person_id")


def household_pseudonyms(households: pl.Series, key: bytes) -> pl.Series:
    """hushall -> HMAC(key, "hushall:" + id); "" (no household) stays "", hashed once each."""
    distinct = households.filter(households != "").unique()  # nulls fall out here too
    return _hashed_once(distinct, households, key, HOUSEHOLD_PREFIX, "").rename("hushall")


def _hashed_once(distinct: pl.Series, values: pl.Series, key: bytes, prefix: str,
                 otherwise: str | None) -> pl.Series:
    hashed = [person_id(key, prefix + text) for text in distinct.to_list()]  # distinct only
    return values.replace_strict(distinct, pl.Series(hashed, dtype=pl.Utf8), default=otherwise,
                                 return_dtype=pl.Utf8)
