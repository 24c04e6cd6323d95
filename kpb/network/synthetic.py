"""`kpb synth --kommuner N`: a network of synthetic municipalities of varied size and cost.

Each kommun is a complete project from kpb.synth (its own seed), in `<out>/<kod>/`, where the
code 9001, 9002, … is no real SCB code (real ones end at 2584), so synthetic packages can
never be taken for a real kommun's. Sizes are drawn log-uniformly between `smallest` and
`largest` invånare; the cost level is varied by scaling the personnel accounts (5*) of the
ledger by a factor between 0.80 and 1.25, drawn per kommun, so unit costs differ the way
wage levels and staffing do. The same seed gives the same network.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from kpb.steps import Progress, silent

FIRST_CODE = 9001
LEVELS = (0.80, 1.25)


def synth_network(out: Path, kommuner: int, year: int = 2024, seed: int = 1,
                  smallest: int = 3_000, largest: int = 60_000,
                  progress: Progress = silent) -> list:
    """Generate `kommuner` projects under `out`; returns their kpb.synth summaries."""
    from kpb.synth import generate

    rng = np.random.default_rng(seed)
    sizes = np.exp(rng.uniform(np.log(smallest), np.log(largest), kommuner)).round(-2)
    levels = rng.uniform(*LEVELS, kommuner).round(2)
    summaries = []
    for i, (size, level) in enumerate(zip(sizes, levels)):
        code = f"{FIRST_CODE + i:04d}"
        progress(f"kommun {code}: {int(size)} invånare, personalkostnad × {level:.2f}")
        summary = generate(Path(out) / code, int(size), year, seed * 1000 + i)
        for path in summary.files["ledger"]:
            scale_personnel(path, float(level))
        summaries.append(summary)
    return summaries


def scale_personnel(path: Path, level: float) -> None:
    """The ledger export's amounts on accounts 5* × `level`, rounded to the öre, written back
    in the same shape (UTF-8 with BOM, `;`, decimal comma). Whole columns, no row loop."""
    ledger = pl.read_csv(path, separator=";", infer_schema=False, encoding="utf8-lossy")
    amount = ledger.columns[-1]
    ore = pl.col(amount).str.replace(",", ".", literal=True).cast(pl.Decimal(18, 2)) * 100
    factor = round(level * 100)
    scaled = pl.when(pl.col("Konto").str.starts_with("5")).then(
        (ore.cast(pl.Int64) * factor + 50).floordiv(100)).otherwise(ore.cast(pl.Int64))
    text = (pl.when(scaled < 0).then(pl.lit("-")).otherwise(pl.lit(""))
            + (scaled.abs() // 100).cast(pl.Utf8) + pl.lit(",")
            + (scaled.abs() % 100).cast(pl.Utf8).str.zfill(2))
    ledger = ledger.with_columns(text.alias(amount))
    body = ledger.write_csv(separator=";", quote_style="never")
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
