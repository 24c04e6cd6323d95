"""`kpb jamfor`: the comparison tables written as one unit, under the project lock.

The tables and manifest.json are staged in `ut/.jamfor_F_T.tmp-…` and swapped in for
`ut/jamfor_F_T` with two renames; `kpb.write.commit.recover` finishes or undoes a swap cut
between them, so the folder always holds one comparison, the old or the new.
"""

from __future__ import annotations

from pathlib import Path

from kpb.write.commit import project_lock
from kpb.write.decimal_columns import to_user_columns
from kpb.write.outputs import staged, swap_in, write_manifest


def write_comparison(project, tables: dict, target: Path, manifest: dict) -> Path:
    """The tables as Parquet (money DECIMAL(18,2)) and manifest.json, swapped in at once."""
    def fill(staging: Path) -> None:
        for name, frame in tables.items():
            to_user_columns(frame).write_parquet(staging / f"{name}.parquet", compression="zstd")
        write_manifest(staging, manifest)

    with project_lock(project):
        swap_in(staged(target, fill), target)
    return target
