"""Typed rows too many to hold: written to Parquet beside kpb.duckdb, scanned back lazily.

When a source has a file read in pieces (csvpieces.py), each typed piece is written to
`.kpb-tmp/<pid>-<random>/` in the project as soon as it is typed, so the load holds one
piece at a time. The source is then a `pl.LazyFrame` over those files: the check, volume and
household steps are lazy queries that Polars' streaming engine runs in morsels, and the store
hard-links the files into `.kpb-lager/` as the year's activity rows (kpb/load/file_tables.py;
a table kept inside kpb.duckdb is read from them by DuckDB, kpb.load.database). The folder is removed when
the command ends; a folder left by a killed process (its pid no longer running) is removed by
the next command (kpb.write.commit.recover) or the next spill.
"""

from __future__ import annotations

import os
import shutil
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import polars as pl

from kpb.load.file_tables import COMPRESSION, LEVEL, STATISTICS
from kpb.project import Project

FOLDER = Project(Path()).tmp_dir.name  # ".kpb-tmp", for tests that look for it
WRITER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kpb-spill")


class Spill:
    def __init__(self, project: Project):
        remove_stale(project)
        self.folder = project.tmp_dir / f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.folder.mkdir(parents=True)
        self.files: dict[str, list[Path]] = {}
        self.writing: list[Future] = []

    def write(self, source: str, frame: pl.DataFrame) -> None:
        """One piece of `source`, in order (typed and pseudonymised: no personnummer).
        Written as the store writes its files (zstd level 1, null counts only: as fast to
        write as snappy, half the size), since the store links the pieces of a file table
        in as they are (kpb/load/file_tables.py)."""
        files = self.files.setdefault(source, [])
        path = self.folder / f"{source}-{len(files):05d}.parquet"
        # written by one thread beside the next piece's read (Polars lets go of the GIL)
        self.writing.append(WRITER.submit(frame.write_parquet, path, compression=COMPRESSION,
                                          compression_level=LEVEL, statistics=STATISTICS))
        files.append(path)

    def scan(self, source: str) -> pl.LazyFrame:
        self.written()
        return pl.scan_parquet(self.files[source], glob=False)

    def written(self) -> None:
        """Wait for the pieces being written; a failed write raises here."""
        while self.writing:
            self.writing.pop(0).result()

    def close(self) -> None:
        for pending in self.writing:
            pending.cancel()
        for pending in self.writing:
            if not pending.cancelled():
                pending.exception()  # wait, whatever happened: the folder goes next
        self.writing.clear()
        shutil.rmtree(self.folder, ignore_errors=True)
        try:
            self.folder.parent.rmdir()  # only when no other run has a folder there
        except OSError:
            pass


def remove_stale(project: Project | Path) -> None:
    """Folders of processes that no longer run (killed mid-run). `project`: a Project, or
    the root folder of one (kept for callers that pass project.root)."""
    base = (project if isinstance(project, Project) else Project(Path(project))).tmp_dir
    if not base.is_dir():
        return
    for folder in base.iterdir():
        pid = folder.name.split("-", 1)[0]
        if pid.isdigit() and not running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
