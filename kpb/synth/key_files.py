"""Allocation keys: premises (m²) per pool, årsarbetare per ÄO pool, IFO staff shares.

Key values follow each pool's size with noise, as a real lokalförteckning or HR extract
would; IFO shares are whole per mille so they sum to exactly 1.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from kpb.synth.organisation import Organisation

M2_PER_MNKR = 35.0  # premises per million kronor of cost
COST_PER_ARSARBETARE = 620_000.0
IFO_SHARE_RECEIVERS = ("bou_myndighet", "vux_myndighet", "hvb_barn", "familjehem",
                       "oppenvard", "kontaktperson", "eb_handlaggning", "ami")


def lokalyta(rng, org: Organisation, cost: dict[str, float]) -> pl.DataFrame:
    """m² with one decimal for the staff pools and every pool with premises of its own."""
    receivers = [p.namn for p in org.pools if p.namn not in ("ledning", "it_lokal")
                 and p.typ != "ej_brukar" and p.profil in ("egen_regi", "myndighet", "ledning")]
    m2 = [cost.get(name, 0.0) / 1e6 * M2_PER_MNKR for name in receivers]
    tenths = np.maximum(np.rint(np.array(m2) * rng.uniform(0.7, 1.3, len(m2)) * 10), 10)
    return _key_rows("lokalyta", receivers, tenths.astype(np.int64), 10)


def arsarbetare(rng, org: Organisation, cost: dict[str, float]) -> pl.DataFrame:
    """Full-time equivalents with two decimals for the ÄO pools below the ÄO staff."""
    receivers = [p.namn for p in org.pools if p.omrade == "ÄO" and p.typ == "verksamhet"]
    fte = np.array([cost.get(name, 0.0) / COST_PER_ARSARBETARE for name in receivers])
    hundredths = np.maximum(np.rint(fte * rng.uniform(0.8, 1.2, fte.size) * 100), 50)
    return _key_rows("arsarbetare", receivers, hundredths.astype(np.int64), 100)


def ifo_shares(rng, cost: dict[str, float]) -> dict[str, int]:
    """Per mille of the IFO staff per receiving pool, summing to exactly 1000."""
    weights = np.array([cost.get(name, 0.0) for name in IFO_SHARE_RECEIVERS]) + 1.0
    permille = np.maximum(np.floor(weights / weights.sum() * 1000 * rng.uniform(0.8, 1.2,
                                                                                   weights.size)), 1)
    permille[np.argmax(permille)] += 1000 - permille.sum()
    return dict(zip(IFO_SHARE_RECEIVERS, permille.astype(np.int64).tolist()))


def _key_rows(key: str, receivers: list[str], units: np.ndarray, per: int) -> pl.DataFrame:
    """Exact decimal text with a comma, the way a Swedish spreadsheet saves it."""
    digits = len(str(per)) - 1
    text = pl.Series(units // per).cast(pl.String) + "," + \
        pl.Series(units % per).cast(pl.String).str.zfill(digits)
    return pl.DataFrame({"nyckel": [key] * len(receivers), "mottagare": receivers,
                         "varde": text})
