"""`kpb jamfor`: the comparison tables written as one unit, under the project lock.

The tables and manifest.json are staged in `ut/.jamfor_F_T.tmp-…` and swapped in for
`ut/jamfor_F_T` with two renames; `kpb.write.commit.recover` finishes or undoes a swap cut
between them, so the folder always holds one comparison, the old or the new.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from kpb.write.commit import project_lock
from kpb.write.decimal_columns import to_user_columns
from kpb.write.outputs import staging_folder, swap_in


def write_comparison(project, tables: dict, target: Path, manifest: dict) -> Path:
    """The tables as Parquet (money DECIMAL(18,2)) and manifest.json, swapped in at once."""
    with project_lock(project):
        staging = staging_folder(target)
        staging.mkdir(parents=True)
        try:
            for name, frame in tables.items():
                to_user_columns(frame).write_parquet(staging / f"{name}.parquet",
                                                     compression="zstd")
            (staging / "manifest.json").write_text(
                json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                encoding="utf-8")
            swap_in(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return target
