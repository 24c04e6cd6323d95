"""Write the outputs of one year as Parquet, all or nothing.

Everything is built in a hidden staging folder beside `ut/<year>` and swapped in with two
renames at the end. A failure or a kill before the swap leaves the previous results as they
were; a kill between the two renames is repaired by `recover` at the start of the next run.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import polars as pl

from kpb.write.money import to_user_columns

# The engine's columns of each output, in the order users meet them (formats.md §5). The
# names are the Parquet files and the DuckDB views; `*_ore` and `*_milli` become DECIMAL
# kronor and units on the way out (kpb.write.money).
OUTPUT_COLUMNS = {
    "brukare_insats": ("person_id", "insats", "pool", "omrade", "enhet", "volym_milli",
                       "kostnad_ore", "kalla"),
    "brukare": ("person_id", "kon", "alder", "aldersgrupp", "omrade", "kostnad_ore",
                "antal_insatser", "insatskombination"),
    "insats": ("insats", "pool", "enhet", "volym_milli", "kostnad_ore", "styckkostnad",
               "antal_brukare"),
    "pool": ("pool", "typ", "bokfort_ore", "erhallen_gemensam_ore", "fordelad_gemensam_ore",
             "att_fordela_ore", "till_brukare_ore", "ofordelat_ore"),
    "fordelning": ("fran_pool", "till_pool", "nyckelvarde", "belopp_ore"),
    "ledger_pool": ("kalla_fil", "kalla_rad", "pool", "regel", "belopp_ore"),
    "avstamning": ("post", "pool", "orsak", "belopp_ore"),
    "hushall": ("rang", "hushall", "antal_medlemmar", "bistand_ore", "handlaggning_ore",
                "ovriga_insatser_ore", "kostnad_ore", "manader_med_utbetalning",
                "langvarigt_bistand", "andel_av_bistand", "kumulativ_andel_av_bistand"),
    "hushall_insats": ("hushall", "insats", "antal_medlemmar", "kostnad_ore"),
}
OUTPUTS = tuple(OUTPUT_COLUMNS)


def write_outputs(target: Path, year: int, frames: dict[str, pl.DataFrame],
                  manifest: dict) -> Path:
    """Write every output frame and the manifest into `target` (e.g. ut/2024) atomically."""
    recover(target)
    staging = target.parent / f".{target.name}.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        for name in OUTPUTS:
            user_frame = to_user_columns(frames[name].select(OUTPUT_COLUMNS[name]))
            user_frame = user_frame.select(pl.lit(year, pl.Int32).alias("ar"), pl.all())
            user_frame.write_parquet(staging / f"{name}.parquet", compression="zstd",
                                     statistics=True)
        (staging / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
            encoding="utf-8")
        _sync_folder(staging)
        swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def swap_in(staging: Path, target: Path) -> None:
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    if target.exists():
        os.rename(target, old)
    os.rename(staging, target)
    shutil.rmtree(old, ignore_errors=True)


def recover(target: Path) -> None:
    """Undo a swap that was cut between its two renames, and drop stale staging folders."""
    parent = target.parent
    if not parent.is_dir():
        return
    olds = sorted(parent.glob(f".{target.name}.old-*"))
    if olds and not target.exists():
        os.rename(olds[-1], target)
        olds = olds[:-1]
    for leftover in [*olds, *parent.glob(f".{target.name}.tmp-*")]:
        shutil.rmtree(leftover, ignore_errors=True)


def _sync_folder(folder: Path) -> None:
    """Flush the staged files to disk before they replace the previous results."""
    for path in folder.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
