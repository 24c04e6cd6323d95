"""python -m benchmarks [--sizes 50000,250000,1000000,2000000,4000000] [--smoke] [--out FILE] [--data-dir DIR]"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.runner import Options, run

DEFAULT_SIZES = "50000,250000,1000000,2000000,4000000"  # 4M: the memory bound (issue 11)
SMOKE_SIZE = "1000"
HERE = Path(__file__).resolve().parent


def parse(argv=None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m benchmarks",
                                     description="kpb benchmarks (issues 4 and 11): kpb compute "
                                                 "per stage vs a plain DuckDB baseline kernel, "
                                                 "and the whole run vs DuckDB and Polars by hand")
    parser.add_argument("--sizes", help=f"invånare, kommaseparerat (standard {DEFAULT_SIZES})")
    parser.add_argument("--smoke", action="store_true",
                        help=f"en liten körning ({SMOKE_SIZE} invånare) för CI: sekunder")
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--out", type=Path, help="JSON-resultat (standard results/latest.json)")
    parser.add_argument("--data-dir", type=Path, default=HERE / "data",
                        help="genererade projekt återanvänds härifrån")
    parser.add_argument("--regenerate", action="store_true", help="generera projekten på nytt")
    args = parser.parse_args(argv)
    sizes = args.sizes or (SMOKE_SIZE if args.smoke else DEFAULT_SIZES)
    default_out = HERE / "results" / ("smoke.json" if args.smoke else "latest.json")
    return Options(sizes=[int(s) for s in sizes.split(",")], year=args.year,
                   out=args.out or default_out, data_dir=args.data_dir,
                   regenerate=args.regenerate)


def main(argv=None) -> int:
    report = run(parse(argv))
    failed = any("fel" in r.get("kpb", {}) or "fel" in r.get("generering", {})
                 for r in report["storlekar"].values())
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
