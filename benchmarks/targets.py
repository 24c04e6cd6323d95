"""The targets of issue 4, checked against one benchmark run's results."""

from __future__ import annotations

BIG, SMALL = 1_000_000, 50_000
MAX_SECONDS_BIG = 60.0
MAX_RSS_MIB_BIG = 8 * 1024
MAX_GROWTH = 25.0


def check(results: dict[int, dict]) -> list[dict]:
    return [_whole_run(results), _memory(results), _allocate_vs_baseline(results),
            _linear(results)]


def _verdict(name: str, measured, limit, unit: str, lower_is_better: bool = True) -> dict:
    if measured is None:
        return {"mal": name, "status": "EJ MÄTT", "uppmatt": None, "grans": limit, "enhet": unit}
    passed = measured <= limit if lower_is_better else measured >= limit
    margin = measured - limit
    return {"mal": name, "status": "PASS" if passed else "MISS", "uppmatt": round(measured, 3),
            "grans": limit, "enhet": unit,
            "marginal": f"{abs(margin):.2f} {unit} {'under' if margin <= 0 else 'över'} "
                        f"({abs(margin) / limit:.0%})"}


def _whole_run(results) -> dict:
    run = results.get(BIG, {}).get("kpb")
    return _verdict("1M invånare: hela kpb compute från CSV < 60 s",
                    run["sekunder"] if run else None, MAX_SECONDS_BIG, "s")


def _memory(results) -> dict:
    run = results.get(BIG, {}).get("kpb")
    return _verdict("1M invånare: topp-RSS < 8 GiB", run["topp_rss_mib"] if run else None,
                    MAX_RSS_MIB_BIG, "MiB")


def _allocate_vs_baseline(results) -> dict:
    """Allocate ÷ baseline at the largest size that has both (≤ 1 passes)."""
    ratios = {size: r["allokering_mot_baslinje"] for size, r in results.items()
              if r.get("allokering_mot_baslinje") is not None}
    largest = max(ratios) if ratios else None
    verdict = _verdict("allocate-steget inte långsammare än DuckDB-baslinjen",
                       ratios.get(largest), 1.0, "× baslinjen")
    return verdict | {"storlek": largest, "per_storlek": ratios}


def _linear(results) -> dict:
    big, small = results.get(BIG, {}).get("kpb"), results.get(SMALL, {}).get("kpb")
    growth = big["sekunder"] / small["sekunder"] if big and small else None
    return _verdict("linjär tillväxt: 1M-körningen högst 25 × 50 000-körningen", growth,
                    MAX_GROWTH, "×")
