"""Pseudonyms: person_id = first 20 hex characters of HMAC-SHA-256(key, normalised id).

Household ids get the same treatment, as HMAC(key, "hushall:" + id): municipalities often
use the applicant's personnummer as household id, so the raw id never reaches kpb.duckdb.
The prefix keeps a household's pseudonym apart from its applicant's person_id.

The key is the municipality's secret: the same person gets the same pseudonym across files
and years as long as the key is kept. It comes from the environment variable named in
kpb.toml (wins) or from the key file; a missing key file is created once with 32 random bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import polars as pl

from kpb.project import Project
from kpb.steps import Progress, silent

PERSON_ID_LENGTH = 20
HOUSEHOLD_PREFIX = "hushall:"
KEY_BYTES = 32


def load_key(project: Project, progress: Progress = silent) -> bytes:
    from_env = os.environ.get(project.pseudonym.miljovariabel)
    if from_env:
        return _key_from_text(from_env.encode())
    path = _key_path(project)
    if path.is_file():
        return _key_from_text(path.read_bytes())
    return _create_key(path, progress)


def _key_path(project: Project) -> Path:
    return project.root / project.pseudonym.nyckelfil  # an absolute nyckelfil wins the join


def _key_from_text(raw: bytes) -> bytes:
    """A key written as 64 hex digits is decoded; any other content is the key itself."""
    text = raw.strip()
    if len(text) == 2 * KEY_BYTES and all(c in b"0123456789abcdefABCDEF" for c in text):
        return bytes.fromhex(text.decode())
    return raw


def _create_key(path: Path, progress: Progress) -> bytes:
    key = secrets.token_bytes(KEY_BYTES)
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: never overwrite a key another process just made; 0600: only the owner reads it
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(key)
    progress(f"skapade en ny pseudonymnyckel i {path.name}: spara en kopia säkert, "
             "utan den får samma person ett annat person_id nästa år")
    return key


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
