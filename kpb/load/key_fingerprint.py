"""The pseudonym key's fingerprint: stored with the data, so another key is never used silently.

A key that changes gives every person another person_id, and nothing in the data says so:
`kpb jamfor` then reports every person as new. So the first load stores the key's fingerprint
in kpb.duckdb (table `nyckelavtryck`, `store_fingerprint`) and in each year's manifest.json
(field `nyckelavtryck`, `manifest_entry`), and every later command reads its key through
`checked_key`, which compares it with kpb.duckdb's; `check_same_key` keeps `kpb jamfor` from
comparing two years computed with different keys. A message names where the key came from
(the key file or the environment variable) and `--ny-nyckel`, to start over on purpose.

The fingerprint is HMAC-SHA-256 under the key of a fixed text, `FINGERPRINT_TEXT`, cut to
`LENGTH` hex digits: it can be compared and shown, but neither the key nor any pseudonym can
be computed from it (an HMAC without the key is a one-way value; the fixed text is no id, so
the fingerprint is no person's pseudonym either).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

import duckdb

from kpb.errors import error, raise_if_errors
from kpb.load.pseudonym import PseudonymKey, read_key
from kpb.project import Project
from kpb.steps import Progress, silent

# never an id kpb hashes: ids are digits, "hushall:…" or "<column>:…" with a column name
FINGERPRINT_TEXT = b"kpb nyckelavtryck v1"
LENGTH = 32  # 128 bits: two keys never share one by chance
TABLE = "nyckelavtryck"
MANIFEST_FIELD = "nyckelavtryck"
STAGE = "pseudonymnyckel"


def fingerprint(key: bytes) -> str:
    """The key's fingerprint, e.g. '3f9c…' (32 hex digits)."""
    return hmac.new(key, FINGERPRINT_TEXT, hashlib.sha256).hexdigest()[:LENGTH]


def check_fingerprint(stored: str | None, key: PseudonymKey, stored_in: str = "kpb.duckdb"
                      ) -> None:
    """KpbError when the key is not the one the stored fingerprint was made with.

    `stored` None (nothing stored yet: a new project, or data from before fingerprints) passes.
    `stored_in` names where the stored fingerprint was read (kpb.duckdb, ut/2024/manifest.json).
    """
    if stored is None or hmac.compare_digest(stored, fingerprint(key.key)):
        return
    raise_if_errors(STAGE, [error(stored_in, None, None, _other_key(key.source))])


def _other_key(source: str) -> str:
    return (f"nyckeln från {source} är inte den som projektets data lästes in med (dess "
            "avtryck skiljer sig från det som sparades då): med den skulle varje person få "
            "ett nytt person_id. Väntade samma nyckel: återställ nyckelfilen från "
            "säkerhetskopian, eller ta bort eller rätta miljövariabeln; eller kör med "
            "--ny-nyckel för att börja om med den här nyckeln med avsikt (då får alla "
            "personer nya person_id och tidigare år går inte att jämföra med kpb jamfor)")


def checked_key(project: Project, progress: Progress = silent, new_key: bool = False
                ) -> PseudonymKey:
    """The project's key (pseudonym.read_key), checked against the fingerprint in kpb.duckdb.

    `new_key` (`--ny-nyckel`) starts over on purpose: no check, and the caller stores the new
    key's fingerprint with the data it stores."""
    key = read_key(project, progress, new_key)
    if not new_key:
        check_project_key(project, key)
    return key


def check_project_key(project: Project, key: PseudonymKey) -> None:
    """The check every command makes before it reads or writes a person_id: the key against
    the fingerprint in kpb.duckdb (none there: nothing to check)."""
    check_fingerprint(project_fingerprint(project), key, project.relative(project.database))


def project_fingerprint(project: Project) -> str | None:
    """The fingerprint kpb.duckdb holds, read through a read-only connection of its own."""
    if not project.database.is_file():
        return None
    with duckdb.connect(str(project.database), read_only=True) as con:
        return stored_fingerprint(con)


# -- kpb.duckdb: one row, replaced when the key is replaced on purpose ------------------------

def store_fingerprint(con, avtryck: str) -> None:
    """Write a key's fingerprint (`fingerprint(key)`) into kpb.duckdb, replacing the one
    there, inside the caller's transaction."""
    con.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (avtryck VARCHAR NOT NULL)").fetchall()
    con.execute(f"DELETE FROM {TABLE}").fetchall()
    con.execute(f"INSERT INTO {TABLE} VALUES (?)", [avtryck]).fetchall()


def stored_fingerprint(con) -> str | None:
    """The fingerprint kpb.duckdb holds, or None when it holds none."""
    tables = {row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name = ?", [TABLE]).fetchall()}
    if TABLE not in tables:
        return None
    rows = con.execute(f"SELECT avtryck FROM {TABLE}").fetchall()
    return rows[0][0] if rows else None


# -- manifest.json ----------------------------------------------------------------------------

def manifest_entry(avtryck: str) -> dict[str, str]:
    """The field each manifest.json carries: {"nyckelavtryck": fingerprint(key)}."""
    return {MANIFEST_FIELD: avtryck}


def manifest_fingerprint(manifest: Path) -> str | None:
    """The fingerprint a manifest.json carries, or None (none, or written before them)."""
    try:
        stored = json.loads(manifest.read_text(encoding="utf-8")).get(MANIFEST_FIELD)
    except (OSError, ValueError, AttributeError):
        return None  # a manifest that cannot be read is left to the command that reads it
    return stored if isinstance(stored, str) else None


def check_same_key(earlier: Path, later: Path, names: tuple[str, str]) -> None:
    """KpbError when two years' results were computed with different keys (kpb jamfor): their
    person_id cannot be compared. `names` are the manifests as the project names them."""
    first, second = manifest_fingerprint(earlier), manifest_fingerprint(later)
    if first is None or second is None or hmac.compare_digest(first, second):
        return
    raise_if_errors(STAGE, [error(names[1], None, None, (
        f"resultaten beräknades med en annan pseudonymnyckel än {names[0]}: samma person har "
        "olika person_id i de två åren, så flödena (nya, kvarstående, avslutade) skulle bli "
        "fel. Väntade samma nyckel: beräkna båda åren med projektets nyckel"))])
