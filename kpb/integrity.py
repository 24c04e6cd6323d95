"""Is a results folder still what its run wrote? manifest.json records each output file's
SHA-256 and size (`utdata`); a comparison's records the year files it read (`indata`).

A report rendered from a folder changed by hand would show totals that contradict the
manifest, and a comparison read after one of its years was computed again shows the old year:
`changed_outputs` and `stale_comparisons` name them, so `kpb rapport` refuses the first and
the report and `kpb sql` say the second.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def output_record(folder: Path, names) -> dict:
    """{file name: {sha256, bytes, mtime_ns}} of the outputs just written into `folder` (the
    renames of the commit keep a file's modification time; a copy or an edit changes it)."""
    record = {}
    for name in names:
        path = folder / f"{name}.parquet"
        facts = path.stat()
        record[path.name] = {"sha256": file_sha256(path), "bytes": facts.st_size,
                             "mtime_ns": facts.st_mtime_ns}
    return record


def _manifest(folder: Path) -> dict | None:
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def changed_outputs(folder: Path, by_content: bool = True) -> list[str]:
    """The output files of `folder` that are missing or differ from what manifest.json
    records (by SHA-256; with `by_content=False` by size and modification time only, for a
    quick look). A folder whose manifest records none (an older kpb) is taken as it is."""
    recorded = (_manifest(folder) or {}).get("utdata") or {}
    changed = []
    for name, facts in sorted(recorded.items()):
        path = folder / name
        if not path.is_file():
            changed.append(f"{name} saknas")
        elif _differs(path, facts, by_content):
            changed.append(f"{name} har ändrats")
    return changed


def stale_comparisons(ut: Path) -> list[str]:
    """The comparisons `ut/jamfor_F_T` and follow-ups `ut/uppfoljning_Y` whose years were
    computed again (or changed) after them: their manifest's `indata` no longer matches."""
    stale = []
    folders = [*ut.glob("jamfor_*_*"), *ut.glob("uppfoljning_*")] if ut.is_dir() else []
    for folder in sorted(f for f in folders if not f.name.startswith(".")):
        for item in (_manifest(folder) or {}).get("indata", []):
            path = ut.parent / item["fil"]
            if not path.is_file() or file_sha256(path) != item["sha256"]:
                stale.append(folder.name)
                break
    return stale


def _differs(path: Path, facts: dict, by_content: bool) -> bool:
    """By size first; a file of the recorded size whose time differs (a copy, a backup put
    back, an edit) is read and compared by SHA-256, so identical bytes never count as changed."""
    found = path.stat()
    if found.st_size != facts["bytes"]:
        return True
    if by_content or found.st_mtime_ns != facts.get("mtime_ns", found.st_mtime_ns):
        return file_sha256(path) != facts["sha256"]
    return False


def stale_for(comparison: Path, year: int, year_folder: Path) -> bool:
    """Does a comparison or follow-up folder no longer match the outputs of `year` in
    `year_folder` (the committed ut/<year>, or the staging folder of a run about to replace
    it)? Its other year is read from ut/ as it stands."""
    ut = comparison.parent
    for item in (_manifest(comparison) or {}).get("indata", []):
        path = Path(item["fil"])
        if path.parent.name == str(year):
            path = year_folder / path.name
        else:
            path = ut.parent / path
        if not path.is_file() or file_sha256(path) != item["sha256"]:
            return True
    return False
