"""`kpb vem`: the pseudonym of one personnummer, for a handläggare who holds the key.

The number is normalised and validated exactly as at load (kpb.load.personnummer) and hashed
with the same keyed HMAC (kpb.load.pseudonym), so the answer is the person_id in the outputs.
The number itself never appears in a message: problems show it masked.
"""

from __future__ import annotations

import os

import polars as pl

from kpb.errors import KpbError, error
from kpb.load import personnummer as pnr
from kpb.load.key_fingerprint import checked_key
from kpb.load.pseudonym import _key_path, person_id
from kpb.project import Project


def person_id_of(project: Project, year: int, number: str) -> tuple[str, bool]:
    """(person_id, whether the person is among the year's brukare)."""
    if project.pseudonym.redan_pseudonym:
        raise KpbError("vem", [error(project.relative(project.settings_file), None,
                                     "pseudonym.redan_pseudonym",
                                     "projektets person-kolumn innehåller redan pseudonymer: "
                                     "kpb känner inte personnumren")])
    checked = pl.select(normalised=pnr.normalised(pl.lit(number.strip()), year)).with_columns(
        valid=pnr.is_valid(pl.col("normalised")))
    normalised, valid = checked.row(0)
    if not valid:
        raise KpbError("vem", [error(None, None, "personnummer",
                                     f"fann {pnr.mask(number)}, väntade ett giltigt "
                                     "personnummer eller samordningsnummer (10 eller 12 siffror)")])
    pid = person_id(_key(project), normalised)
    brukare = project.output_dir(year) / "brukare.parquet"
    among = brukare.is_file() and not (pl.scan_parquet(brukare, glob=False)
                                       .filter(pl.col("person_id") == pid).head(1)
                                       .collect().is_empty())
    return pid, among


def _key(project: Project) -> bytes:
    """The project's key, read and checked as at load; never a new one, since a new key would
    give a pseudonym that matches nothing."""
    if os.environ.get(project.pseudonym.miljovariabel) or _key_path(project).is_file():
        return checked_key(project).key  # the key the data was loaded with, or an error
    raise KpbError("vem", [error(project.relative(_key_path(project)), None, None,
                                 "nyckeln saknas: ange miljövariabeln "
                                 f"{project.pseudonym.miljovariabel} eller lägg nyckelfilen "
                                 "här (samma nyckel som vid inläsningen)")])
