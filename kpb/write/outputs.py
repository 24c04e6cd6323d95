"""Write the outputs of one year as Parquet into a hidden staging folder beside `ut/<year>`.

`stage_outputs` builds the folder completely (files flushed to disk); kpb/write/commit.py
decides when it replaces `ut/<year>` (`swap_in`), so that inputs and results change together.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from pathlib import Path
from typing import Callable

import polars as pl

from kpb.analyse.kolada import KOLADA_COLUMNS
from kpb.analyse.outcomes import DELTAGARE_COLUMNS, UTFALL_COLUMNS
from kpb.write.decimal_columns import to_user_columns
from kpb.integrity import output_record

# The engine's columns of each output, in the order users meet them (formats.md §5). The
# names are the Parquet files and the DuckDB views; `*_ore` and `*_milli` become DECIMAL
# kronor and units on the way out (kpb.write.decimal_columns).
OUTPUT_COLUMNS = {
    "brukare_insats": ("person_id", "insats", "pool", "omrade", "enhet", "volym_milli",
                       "kostnad_ore", "kalla"),
    "brukare": ("person_id", "kon", "alder", "aldersgrupp", "omrade", "kostnad_ore",
                "antal_insatser", "insatskombination"),
    "insats": ("insats", "namn", "pool", "enhet", "volym_milli", "kostnad_ore", "styckkostnad",
               "antal_brukare", "rapportenhet", "rapportvolym_milli", "kostnad_per_rapportenhet"),
    "pool": ("pool", "typ", "bokfort_ore", "erhallen_gemensam_ore", "fordelad_gemensam_ore",
             "att_fordela_ore", "till_brukare_ore", "ofordelat_ore"),
    "fordelning": ("fran_pool", "till_pool", "nyckelvarde", "belopp_ore"),
    "ledger_pool": ("kalla_fil", "kalla_rad", "konto", "ansvar", "pool", "regel", "belopp_ore"),
    "avstamning": ("post", "pool", "orsak", "belopp_ore"),
    "hushall": ("rang", "hushall", "antal_medlemmar", "bistand_ore", "handlaggning_ore",
                "ovriga_insatser_ore", "kostnad_ore", "manader_med_utbetalning",
                "langvarigt_bistand", "andel_av_bistand", "kumulativ_andel_av_bistand"),
    "hushall_insats": ("hushall", "insats", "antal_medlemmar", "kostnad_ore"),
    "utfall_insats": UTFALL_COLUMNS,
    "utfall_deltagare": DELTAGARE_COLUMNS,
    "kolada": KOLADA_COLUMNS,
}
OUTPUTS = tuple(OUTPUT_COLUMNS)
# `kpb jamfor FRAN TILL` writes these to ut/jamfor_FRAN_TILL/ (kpb.analyse.compare)
COMPARISONS = ("jamfor_styckkostnad", "jamfor_omrade", "jamfor_floden", "jamfor_byten")
# `kpb uppfoljning YEAR` writes these to ut/uppfoljning_YEAR/ (kpb.analyse.uppfoljning)
FOLLOWUPS = ("manad_insats", "manad_omrade", "floden_manad", "punkt", "bistand_manad")


def stage_outputs(target: Path, year: int, frames: dict[str, pl.DataFrame],
                  manifest: dict, render: Callable[[Path], object] | None = None) -> Path:
    """Write every output frame and the manifest into `ut/.<year>.tmp-<pid>`, then let
    `render` write the report beside them (it reads the staged files); return the folder."""
    def fill(staging: Path) -> None:
        for name in OUTPUTS:
            user_frame = to_user_columns(frames[name].select(OUTPUT_COLUMNS[name]))
            user_frame = user_frame.select(pl.lit(year, pl.Int32).alias("ar"), pl.all())
            user_frame.write_parquet(staging / f"{name}.parquet", compression="zstd",
                                     statistics=True)
        write_manifest(staging, {**manifest, "utdata": output_record(staging, OUTPUTS)})
        if render is not None:
            render(staging)
    return staged(target, fill)


def restage(target: Path, render: Callable[[Path], object]) -> Path:
    """A staged copy of a computed folder with the report rewritten by `render`: for
    `kpb rapport` and `kpb jamfor`. The Parquet results, which nothing writes in place, are
    hard-linked; every other file is copied, since `render` writes over the report's files
    and a write into a hard link would change the original's bytes too."""
    def fill(staging: Path) -> None:
        for path in sorted(target.iterdir()):
            if not path.is_file() or path.name.startswith("."):
                continue
            if path.suffix == ".parquet":
                _link_or_copy(path, staging / path.name)
            else:
                shutil.copy2(path, staging / path.name)
        render(staging)
    return staged(target, fill)


def staged(target: Path, fill: Callable[[Path], object]) -> Path:
    """A new staging folder beside `target`, filled by `fill` and flushed to disk; removed
    whole when `fill` fails, so nothing half-written is ever swapped in."""
    staging = staging_folder(target)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        fill(staging)
        _sync_folder(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def write_manifest(folder: Path, manifest: dict) -> None:
    (folder / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
        encoding="utf-8")


def _link_or_copy(source: Path, destination: Path) -> None:
    try:
        os.link(source, destination)
    except OSError:  # a file system without hard links
        shutil.copy2(source, destination)


def refuse_foreign_folder(target: Path, marker: str, what: str) -> None:
    """A folder about to be replaced whole must be one kpb wrote (it holds `marker`): an
    existing folder of anything else, e.g. `--ut data/2024/ledger` by mistake, is refused and
    left as it is."""
    from kpb.errors import error, raise_if_errors

    foreign = target.exists() and not (target / marker).is_file()
    raise_if_errors("skrivning", [error(str(target), None, "--ut", (
        f"mappen finns redan och är ingen {what} som kpb skrev (den saknar {marker}): kpb "
        "ersätter bara sina egna mappar; välj en ny eller tom mapp"))] if foreign else [])


def staging_folder(target: Path) -> Path:
    """Unique per run (process id and a random part), so a stale record of a committed run
    can never name the staging folder of a later one."""
    return target.parent / f".{target.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"


def swap_in(staging: Path, target: Path) -> None:
    """Replace `target` by `staging` with two renames; `kpb.write.commit.recover` repairs a
    run cut between them."""
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    if target.exists():
        os.rename(target, old)
    os.rename(staging, target)
    shutil.rmtree(old, ignore_errors=True)


def undo_swap(target: Path) -> None:
    """A swap cut between its renames (a killed run): the previous folder goes back; staged
    and old leftovers of dead runs are removed (their hidden names are never read)."""
    parent = target.parent
    olds = sorted(parent.glob(f".{target.name}.old-*"))
    if olds and not target.exists():
        olds[-1].rename(target)
    for leftover in [*parent.glob(f".{target.name}.old-*"), *parent.glob(f".{target.name}.tmp-*")]:
        shutil.rmtree(leftover, ignore_errors=True)


def replace_folder(target: Path, fill: Callable[[Path], object], marker: str,
                   what: str) -> Path:
    """A folder kpb owns whole (a sharing package, a network comparison), written by `fill`
    into a staging folder and swapped in: a cut swap is undone first, an empty folder made
    for it is taken as new, and a folder kpb did not write (no `marker`) is refused."""
    undo_swap(target)
    if target.exists() and not any(target.iterdir()):
        target.rmdir()
    refuse_foreign_folder(target, marker, what)
    target.parent.mkdir(parents=True, exist_ok=True)
    swap_in(staged(target, fill), target)
    return target


def _sync_folder(folder: Path) -> None:
    """Flush the staged files to disk before they replace the previous results."""
    for path in folder.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
