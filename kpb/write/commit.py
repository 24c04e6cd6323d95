"""Inputs and results of a year change together, or not at all.

`kpb compute` reads, checks and allocates without writing anything. Then `commit`:
1. stages the results in `ut/.<year>.tmp-<pid>/` (complete, flushed to disk), while a thread
   writes the inputs' new Parquet files (kpb/load/database.py `prepare`; removed again if
   the staging fails);
2. stores the year's inputs in kpb.duckdb in one transaction that also records the staged
   folder's name (table kpb_korning): this commit is the moment the run succeeds;
3. swaps the staged folder in for `ut/<year>` (two renames) and clears the record.

A failure or kill before step 2 commits leaves kpb.duckdb and `ut/<year>` as they were (the
staged folder is removed at the next start). A kill after it leaves a committed run whose
results wait in the staged folder: `recover`, run at the start of every command that reads or
writes a project, finishes the swap. A kill between the two renames of a swap is finished the
same way, so `ut/<year>` always holds the results of the inputs in kpb.duckdb.

`commit` and the store of `kpb load` hold the project lock (`.kpb.lock`, an flock the kernel
releases when the process dies); `recover` skips while another process holds it, since the
staging folder it finds then belongs to a live run, not a dead one. A second writer waits.
"""

from __future__ import annotations

import fcntl
import re
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from kpb.load.database import clear_pending_run, discard, pending_runs, prepare, store
from kpb.load.spill import remove_stale
from kpb.project import Project
from kpb.write.outputs import restage, stage_outputs, swap_in, undo_swap

_LEFTOVER = re.compile(r"^\.(\d{4})\.(tmp|old)-[0-9a-f-]+$")
# a comparison's (`kpb jamfor`) or a follow-up's (`kpb uppfoljning`) folder, never recorded
_COMPARISON_LEFTOVER = re.compile(
    r"^\.(jamfor_\d{4}_\d{4}|uppfoljning_\d{4})\.(tmp|old)-[0-9a-f-]+$")


def commit(project: Project, year: int, loaded, frames: dict, manifest: dict,
           render: Callable[[Path], object] | None = None) -> Path:
    """Stage the results and (with `render`) the report beside them, store the inputs, swap:
    the report is part of the run, so a kill leaves the old results with the old report or
    the new with the new."""
    with project_lock(project):
        target = project.output_dir(year)
        prepared = prepare(project, year, loaded)  # the store's new files, written meanwhile
        try:
            staging = stage_outputs(target, year, frames, manifest, render)
        except BaseException:
            discard(project, prepared)
            raise
        try:
            store(project, year, loaded, results_folder=staging.name, prepared=prepared)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        swap_in(staging, target)
        clear_pending_run(project, year)
        return target


def rewrite_report(project: Project, year: int, render: Callable[[Path], object]) -> Path:
    """`kpb rapport`, `kpb jamfor`: the year's folder with its report rewritten, staged and
    swapped in under the project lock (recover undoes a swap cut between its renames)."""
    with project_lock(project):
        target = project.output_dir(year)
        swap_in(restage(target, render), target)
        return target


def store_inputs(project: Project, year: int, loaded) -> None:
    """`kpb load`: replace the year's inputs under the project lock, so that a load never
    clears the record of a compute that is between its commit and its swap."""
    with project_lock(project):
        store(project, year, loaded)


@contextmanager
def project_lock(project: Project, wait: bool = True):
    """Hold the project's write lock; yields False (not held) when `wait` is False and another
    process holds it. A project folder where the lock file cannot be made is not locked."""
    try:
        handle = open(project.lock_file, "a+b")
    except OSError:
        yield True
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def recover(project: Project, locked: bool = False) -> None:
    """Finish committed runs that were cut before their swap, undo half swaps of runs that
    never committed, and remove staging folders of runs that died before their commit.
    `locked`: the caller holds the project lock; otherwise recovery skips while a live run
    holds it."""
    if not locked:
        remove_stale(project)  # spilled rows of killed runs (kpb.load.spill)
        with project_lock(project, wait=False) as held:
            if held:
                recover(project, locked=True)
        return
    ut = project.ut
    names = sorted(p.name for p in ut.iterdir()) if ut.is_dir() else []
    for name in sorted({m.group(1) for m in map(_COMPARISON_LEFTOVER.match, names) if m}):
        undo_swap(ut / name)  # a comparison is never recorded: the old one stays
    leftovers = [ut / n for n in names if _LEFTOVER.match(n)]
    if not leftovers:
        return
    pending = pending_runs(project)
    for year in sorted({int(_LEFTOVER.match(p.name).group(1)) for p in leftovers}):
        _recover_year(project, year, pending.get(year))


def _recover_year(project: Project, year: int, committed_folder: str | None) -> None:
    target = project.output_dir(year)
    parent = target.parent
    committed = parent / committed_folder if committed_folder else None
    if committed is not None and (committed / "manifest.json").is_file():
        swap_in(committed, target)  # the run had committed: its results belong to the inputs
    undo_swap(target)
    if committed_folder:
        clear_pending_run(project, year)
