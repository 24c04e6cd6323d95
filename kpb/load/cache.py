"""The typed, pseudonymised rows of each source, kept between runs in `.kpb-cache/<year>/`.

Economists load a year's exports once and then change the rules again and again: every
recompute would read, type and pseudonymise the same files. So each source loaded without an
error is kept as Arrow IPC files (its rows, the person attributes the person table is built
from) with a JSON record of what it was loaded from, and the next load reuses it when that
*fingerprint* is unchanged:

- every entry of the source folder: its name, and for a file its SHA-256. A file whose size,
  mtime_ns and inode are those recorded is taken to be unchanged (unless it was changed
  within two seconds before that stat: then it is hashed, as git does); when they differ it
  is hashed, and only a different SHA-256 reloads the source (a `touch` or a copied project
  costs one hash, not a load);
- the key's fingerprint (key_fingerprint.py): another key gives other pseudonyms;
- the kpb.toml settings that read the source (`[kalla.<source>]`, `[pseudonym]`, `[sie]`);
- the year, kpb's version, the SHA-256 of the loader's code and this cache's format.

The record also holds the files' facts for `inlast_fil` and the source's warnings, already
masked, so a reused source reports exactly what a fresh load reported. The cache holds what
kpb.duckdb holds: typed rows with pseudonyms, never a personnummer (the raw exports' texts
never reach it: a Categorical column is written as codes with the dictionary of the values
its rows use).

The entries are written by one thread beside the rest of the run (`keep` returns the
fingerprint at once; `Loaded.close` waits for the writes). A killed run leaves the cache
consistent: each file is written under a temporary name and
renamed, the JSON last, and the JSON records the size, mtime_ns and inode of each data file
it belongs to. A data file that is missing, was changed or replaced (another stat), or
cannot be read back to the source's schema and height makes the entry be ignored and
rebuilt; nothing about it is trusted. `--ny-nyckel` reuses nothing.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polars as pl
import pyarrow as pa

from kpb import __version__
from kpb.errors import Problem, Severity
from kpb.load import schemas
from kpb.load.folder import skipped
from kpb.load.personnummer import mask_within
from kpb.load.spill import Spill, running
from kpb.project import Project

WRITER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kpb-cache")
FORMAT = 2  # raised whenever what the cache holds or how changes
TMP = ".tmp-"  # <name>.tmp-<pid>-<random>: a file being written
CHUNK = 1 << 24
SETTLED_NS = 2 * 10**9  # a file changed this close to its stat is hashed the next time


@dataclass
class Reused:
    """A source as a fresh load would hand it over, read from the cache."""
    rows: pl.DataFrame
    attributes: pl.DataFrame | None
    listed: list[dict]          # file, sha256, height, kodning, separator, decimal
    warnings: list[Problem]
    fingerprint: str
    files: int                  # the source folder's files (for "återanvände ...")
    summaries: dict[str, pl.DataFrame] = field(default_factory=dict)  # summaries.py


@dataclass
class Listing:
    """The source folder's entries with their stat, taken before the read."""
    entries: list[dict] = field(default_factory=list)


class SourceCache:
    """The cache of one project year: `reuse` before the load, `keep` after it."""

    def __init__(self, project: Project, year: int, key_fingerprint: str, reuse: bool = True):
        self.project, self.year, self.key = project, year, key_fingerprint
        self.folder = project.cache_dir / str(year)
        self.enabled = reuse
        self.spill: Spill | None = None  # links to the files of a source scanned lazily
        self.writing: list[Future] = []

    # -- fingerprints ------------------------------------------------------------------------

    def settings(self, source: str) -> str:
        """The kpb.toml settings that read and type the source."""
        return json.dumps({"kalla": asdict(self.project.source(source)),
                           "pseudonym": asdict(self.project.pseudonym),
                           "sie": asdict(self.project.sie) if source == "ledger" else None},
                          sort_keys=True, default=str)

    def fingerprint(self, source: str, files: list) -> str:
        text = json.dumps([FORMAT, __version__, code(), self.year, source, self.key,
                           self.settings(source), files], default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def listing(self, source: str) -> Listing | None:
        """The folder's entries and their stat (None: the folder cannot be listed)."""
        folder = self.project.data_dir(self.year, source)
        try:
            paths = sorted(folder.iterdir()) if folder.is_dir() else []
        except OSError:
            return None
        entries = []
        for path in paths:
            entry: dict = {"namn": path.name}
            try:
                found = path.stat()
            except OSError:
                entry["art"] = "oläslig"
            else:
                if skipped(path.name):
                    entry["art"] = "hoppas över"
                elif stat.S_ISREG(found.st_mode):
                    entry |= _stat(found) | {"sedd_ns": time.time_ns()}
                else:
                    entry["art"] = "ingen fil"
            entries.append(entry)
        return Listing(entries)

    # -- before the load ---------------------------------------------------------------------

    def reuse(self, source: str) -> Reused | None:
        """The source from the cache, when its fingerprint is the one recorded."""
        if not self.enabled:
            return None
        try:
            return self._reuse(source)
        except Exception:  # whatever is wrong with an entry, it is rebuilt
            return None

    def _reuse(self, source: str) -> Reused | None:
        record = self._record(source)
        listing = self.listing(source)
        if record is None or listing is None or record.get("format") != FORMAT:
            return None
        known = {entry["namn"]: entry for entry in record["filer"]}
        folder = self.project.data_dir(self.year, source)
        files, rehashed = [], False
        for entry in listing.entries:
            if "art" in entry:
                files.append([entry["namn"], entry["art"]])
                continue
            before = known.get(entry["namn"])
            if before is None or "sha256" not in before or before["size"] != entry["size"]:
                return None  # a new file, or another size: another content
            if _same_stat(before, entry) and _settled(before):
                entry["sha256"] = before["sha256"]
            else:
                entry["sha256"] = file_sha256(folder / entry["namn"])
                rehashed = True
            files.append([entry["namn"], entry["sha256"]])
        fingerprint = self.fingerprint(source, files)
        if fingerprint != record["avtryck"]:
            return None
        rows, attributes = self._data(source, record)
        summaries = {name: _read(self.folder, recorded, None, None)
                     for name, recorded in record["data"]["sammanfattningar"].items()}
        if rehashed:  # touched but unchanged: the new stat spares the next run a hash
            record["filer"] = listing.entries
            self._write_json(source, record)
        warnings = [Problem(p["fil"], p["rad"], p["kolumn"], p["meddelande"],
                            Severity(p["allvar"]), p["art"]) for p in record["varningar"]]
        return Reused(rows, attributes, record["inlasta"], warnings, fingerprint,
                      sum("art" not in entry for entry in listing.entries), summaries)

    def _record(self, source: str) -> dict | None:
        try:
            record = json.loads((self.folder / f"{source}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return record if isinstance(record, dict) else None

    def _data(self, source: str, record: dict):
        data = record["data"]
        if data.get("lat"):  # spilled when loaded: too many rows to hold, scanned as then
            rows = self._scan(data["rader"], data.get("ordbok"), schemas.TABLES[source])
        else:
            rows = _read(self.folder, data["rader"], data.get("ordbok"), schemas.TABLES[source])
            if rows.height != record["hojd"]:
                raise ValueError("fel antal rader")
        attributes = None
        if data.get("personer") is not None:
            attributes = _read(self.folder, data["personer"], None, None)
        return rows, attributes

    def _scan(self, rows: dict, dictionary: dict | None, schema: dict) -> pl.LazyFrame:
        """A lazy scan of a hard link to the rows' file in the run's own temporary folder:
        the file scanned is the one checked, whatever another run writes into the cache
        meanwhile (the link keeps it; the folder goes when the command ends)."""
        path = self.folder / rows["namn"]
        if not _same_stat(rows, _stat(path.stat())):
            raise ValueError("filen har ändrats")
        if self.spill is None:
            self.spill = Spill(self.project)
        link = self.spill.folder / f"cache-{rows['namn']}"
        os.link(path, link)
        lazy = pl.scan_ipc(link)
        if dictionary is not None:
            words = _read_file(self.folder, dictionary)
            lazy = lazy.with_columns([
                pl.col(c).map_batches(_Decoder(words.filter(pl.col("kolumn") == c)),
                                      return_dtype=pl.Categorical, is_elementwise=True)
                for c in dictionary["kolumner"]])
        if dict(lazy.collect_schema()) != schema:
            raise ValueError("fel kolumner")
        return lazy

    # -- after the load ----------------------------------------------------------------------

    def keep(self, source: str, listing: Listing | None, listed: list[dict],
             warnings: list[Problem], rows, attributes: pl.DataFrame | None,
             summaries: dict[str, pl.DataFrame] | None = None) -> str | None:
        """The source's fingerprint, its entry written by a thread beside the rest of the run
        (`Loaded.close` waits for it); None when it cannot be kept (a folder that could not
        be listed). A write that fails (a full disk) leaves no entry: the next load reads the
        source."""
        if listing is None:
            return None
        if any(mask_within(entry["namn"]) != entry["namn"] for entry in listing.entries):
            # a skipped file named with a personnummer: the cache never holds one
            return None
        try:
            fingerprint = self._fingerprint_of(source, listing, listed)
        except OSError:
            return None
        self.writing.append(WRITER.submit(self._keep, source, fingerprint, listing, listed,
                                          warnings, rows, attributes, summaries or {}))
        return fingerprint

    def written(self) -> None:
        """Wait for the entries being written (their failures only cost the next run a load)."""
        while self.writing:
            try:
                self.writing.pop(0).result()
            except Exception:  # noqa: BLE001 - the cache is never needed to be right
                pass

    def _fingerprint_of(self, source, listing, listed) -> str:
        folder = self.project.data_dir(self.year, source)
        read = {_whole_file(t["file"]): t["sha256"] for t in listed}
        files = []
        for entry in listing.entries:
            if "art" in entry:
                files.append([entry["namn"], entry["art"]])
                continue
            # the SHA-256 of the read, or the file's now: the stat was taken before the read,
            # so a file changed meanwhile has another stat next time and is hashed then
            digest = read.get(self.project.relative(folder / entry["namn"]))
            entry["sha256"] = digest or file_sha256(folder / entry["namn"])
            files.append([entry["namn"], entry["sha256"]])
        return self.fingerprint(source, files)

    def _keep(self, source, fingerprint, listing, listed, warnings, rows, attributes,
              summaries) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        remove_stale(self.folder)
        # the JSON goes first: an older data file beside the new JSON has another stat
        (self.folder / f"{source}.json").unlink(missing_ok=True)
        data = {"rader": None, "ordbok": None, "personer": None}
        data["rader"], data["ordbok"] = _write(self.folder, source, rows)
        data["lat"] = isinstance(rows, pl.LazyFrame)
        height = (rows.select(pl.len()).collect().item() if isinstance(rows, pl.LazyFrame)
                  else rows.height)
        if attributes is not None:
            data["personer"], _ = _write(self.folder, f"{source}.personer", attributes)
        data["sammanfattningar"] = {name: _write(self.folder, f"{source}.{name}", frame)[0]
                                    for name, frame in summaries.items()}
        record = {"format": FORMAT, "kpb": __version__, "avtryck": fingerprint,
                  "filer": listing.entries, "inlasta": listed, "hojd": height, "data": data,
                  "varningar": [{"fil": p.file, "rad": p.line, "kolumn": p.column,
                                 "meddelande": p.message, "allvar": p.severity.value,
                                 "art": p.kind} for p in warnings]}
        self._write_json(source, record)

    def _write_json(self, source: str, record: dict) -> None:
        target = self.folder / f"{source}.json"
        temporary = _temporary(target)
        temporary.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, target)


@functools.cache
def code() -> str:
    """The SHA-256 of the loader's own code (kpb/load/*.py): a kpb changed without a new
    version number (a development copy, a patch) types nothing from an older cache."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


# -- files ------------------------------------------------------------------------------------

def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _stat(found: os.stat_result) -> dict:
    return {"size": found.st_size, "mtime_ns": found.st_mtime_ns, "ino": found.st_ino}


def _settled(recorded: dict) -> bool:
    """The file's mtime was well before its stat was taken. A file written in the same tick
    of the file system's clock as the stat (a few milliseconds) could be written again in
    that tick with the same size and mtime: such a file is hashed, as git does with
    "racily clean" files."""
    return recorded["mtime_ns"] < recorded.get("sedd_ns", 0) - SETTLED_NS


def _same_stat(recorded: dict, now: dict) -> bool:
    return all(recorded.get(k) == now.get(k) for k in ("size", "mtime_ns", "ino"))


def _whole_file(name: str) -> str:
    """`hb.xlsx[Blad2]` -> `hb.xlsx`."""
    return name.rsplit("[", 1)[0] if name.endswith("]") else name


def _temporary(target: Path) -> Path:
    return target.with_name(f"{target.name}{TMP}{os.getpid()}-{uuid.uuid4().hex[:8]}")


def remove_stale(folder: Path) -> None:
    """Temporary files of processes that no longer run (killed while writing the cache)."""
    for path in folder.glob(f"*{TMP}*"):
        pid = path.name.rsplit(TMP, 1)[1].split("-", 1)[0]
        if pid.isdigit() and not running(int(pid)):
            path.unlink(missing_ok=True)


def _write(folder: Path, name: str, frame) -> tuple[dict, dict | None]:
    """The frame as Arrow IPC, each Categorical column as codes 0, 1, ... into the list of the
    values its rows use (`<name>.ordbok.arrow`, in code order); each file's name and stat."""
    lazy = frame.lazy()
    schema = lazy.collect_schema()
    codes = [c for c, dtype in schema.items() if dtype == pl.Categorical]
    dictionary = None
    if codes:
        # the codes each column uses, one column at a time by the streaming engine: all six
        # in one query held every column's distinct set over 245M spilled rows at 10M
        # invånare (40 s, 7.7 GiB beside the check; now 7.6 s, 0.2 GiB)
        used = {c: lazy.group_by(pl.col(c).to_physical()).agg().collect(engine="streaming")
                .to_series().drop_nulls() for c in codes}
        local, words = {}, []
        for column in codes:
            ids = used[column].cast(pl.UInt32).sort()
            # this process's code -> its place in the list (a Series indexed by code)
            local[column] = pl.zeros(int(ids.max()) + 1 if ids.len() else 0, pl.UInt32,
                                     eager=True).scatter(ids, pl.int_range(ids.len(), eager=True,
                                                                           dtype=pl.UInt32))
            words.append(pl.DataFrame({
                "kolumn": pl.Series([column] * ids.len(), dtype=pl.String),
                "text": ids.cat.to(pl.Categorical).cast(pl.String)}))
        dictionary = pl.concat(words)
        lazy = lazy.with_columns([
            pl.col(c).to_physical().map_batches(local[c].gather, return_dtype=pl.UInt32,
                                                is_elementwise=True) for c in codes])
    # streamed, eager or not: the codes of a morsel at a time, never a second copy of the rows
    rows = _write_file(folder / f"{name}.arrow", lazy, True)
    if dictionary is not None:
        dictionary = _write_file(folder / f"{name}.ordbok.arrow", dictionary.lazy(), False)
        dictionary["kolumner"] = codes
    return rows, dictionary


def _write_file(target: Path, lazy: pl.LazyFrame, streaming: bool) -> dict:
    temporary = _temporary(target)
    try:
        if streaming:  # a spilled source: never whole in memory
            lazy.sink_ipc(temporary, compression="uncompressed")
        else:
            lazy.collect().write_ipc(temporary, compression="uncompressed")
        # the stat of what this process wrote (a rename keeps inode and mtime): another
        # process renaming its file over it meanwhile leaves a stat the record does not hold
        written = _stat(temporary.stat())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return {"namn": target.name} | written


def _read(folder: Path, rows: dict, dictionary: dict | None, schema: dict | None
          ) -> pl.DataFrame:
    frame = _read_file(folder, rows)
    if dictionary is not None:
        words = _read_file(folder, dictionary)
        frame = frame.with_columns([_decoded(frame[c], words.filter(pl.col("kolumn") == c))
                                    for c in dictionary["kolumner"]])
    if schema is not None and dict(frame.schema) != schema:
        raise ValueError("fel kolumner")
    return frame


def _read_file(folder: Path, recorded: dict) -> pl.DataFrame:
    """Memory-mapped: the columns are the file's pages, read as the steps touch them (1.5 GB
    of activity rows at 1M invånare open in a few hundredths of a second)."""
    path = folder / recorded["namn"]
    if not _same_stat(recorded, _stat(path.stat())):
        raise ValueError("filen har ändrats")
    with pa.memory_map(str(path)) as mapped:
        return pl.from_arrow(pa.ipc.open_file(mapped).read_all())


class _Decoder:
    """_decoded for the batches of a lazy scan; it holds the Categorical values it gathers
    from (Polars may let go of a category no Series holds)."""

    def __init__(self, words: pl.DataFrame):
        self.values = words["text"].cast(pl.Categorical)

    def __call__(self, codes: pl.Series) -> pl.Series:
        return self.values.gather(codes).alias(codes.name)


def _decoded(codes: pl.Series, words: pl.DataFrame) -> pl.Series:
    """Codes into the column's list of values -> this process's Categorical, by a gather (a
    code outside the list fails the read: the entry is rebuilt)."""
    return words["text"].cast(pl.Categorical).gather(codes).alias(codes.name)
