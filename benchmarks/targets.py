"""The targets of issues 4 and 11, checked against one benchmark run's results."""

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


# -- issue 11: the whole run against the peers by hand, memory, growth -------------------

DOUBLE, LARGE = 2_000_000, 4_000_000
MAX_VS_DUCKDB, MAX_VS_POLARS = 1.3, 2.5
MAX_RSS_MIB_1M, MAX_RSS_MIB_4M = 3 * 1024, 6 * 1024
MAX_GROWTH_2M = 2.2


def check_issue_11(results: dict[int, dict]) -> list[dict]:
    big = results.get(BIG, {})
    return [
        _verdict("1M invånare: hela kpb compute ≤ 1,3 × DuckDB för hand",
                 big.get("hela_mot_duckdb"), MAX_VS_DUCKDB, "×"),
        _verdict("1M invånare: hela kpb compute ≤ 2,5 × Polars för hand",
                 big.get("hela_mot_polars"), MAX_VS_POLARS, "×"),
        _verdict("1M invånare: topp-RSS ≤ 3 GiB", _rss(results, BIG), MAX_RSS_MIB_1M, "MiB"),
        _verdict("4M invånare: topp-RSS ≤ 6 GiB", _rss(results, LARGE), MAX_RSS_MIB_4M, "MiB"),
        _verdict("linjär tid: 2M-körningen högst 2,2 × 1M-körningen", _growth(results),
                 MAX_GROWTH_2M, "×"),
    ]


def _rss(results, size):
    run = results.get(size, {}).get("kpb")
    return run["topp_rss_mib"] if run and "fel" not in run else None


def _growth(results):
    big, double = results.get(BIG, {}).get("kpb"), results.get(DOUBLE, {}).get("kpb")
    if not big or not double or "fel" in big or "fel" in double:
        return None
    return double["sekunder"] / big["sekunder"]


# -- issue 21: a rules edit recomputes from the inputs kept in .kpb-cache -------------------

MAX_RERUN = 0.2


def check_issue_21(results: dict[int, dict]) -> list[dict]:
    """The rerun after a rules edit ÷ the first run, at 1M when it was run, else at the
    largest size measured (the verdict names it)."""
    ratios = {size: r["omkorning_mot_forsta"] for size, r in results.items()
              if r.get("omkorning_mot_forsta") is not None}
    size = BIG if BIG in ratios else max(ratios) if ratios else None
    verdict = _verdict(f"{size or BIG} invånare: omräkning efter regeländring ≤ 20 % av "
                       "första körningen", ratios.get(size), MAX_RERUN, "× första")
    return [verdict | {"storlek": size, "per_storlek": ratios}]


# -- issue 21, deliverable 4: a national size on one machine ------------------------------

NATIONAL = 10_000_000
MAX_RSS_MIB_NATIONAL = 6 * 1024
MAX_GROWTH_NATIONAL = 11.0


def check_national(results: dict[int, dict]) -> list[dict]:
    """Peak RSS of the 10M first run ≤ 6 GiB; its time ≤ 11 × the 1M run of the same
    invocation (10 × the rows, one × of slack)."""
    run, big = results.get(NATIONAL, {}).get("kpb"), results.get(BIG, {}).get("kpb")
    growth = None
    if run and big and "fel" not in run and "fel" not in big:
        growth = run["sekunder"] / big["sekunder"]
    return [_verdict("10M invånare: topp-RSS ≤ 6 GiB", _rss(results, NATIONAL),
                     MAX_RSS_MIB_NATIONAL, "MiB"),
            _verdict("10M invånare: tid ≤ 11 × 1M-körningen", growth, MAX_GROWTH_NATIONAL, "×")]
