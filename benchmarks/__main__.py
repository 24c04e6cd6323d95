"""python -m benchmarks [--sizes 50000,250000,1000000,2000000,4000000] [--smoke] [--nationell]
[--out FILE] [--data-dir DIR]"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.runner import Options, run

DEFAULT_SIZES = "50000,250000,1000000,2000000,4000000"  # 4M: the memory bound (issue 11)
SMOKE_SIZE = "1000"
NATIONAL_SIZES = "1000000,10000000"  # the national size and the 1M run it is measured against
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
    parser.add_argument("--nationell", action="store_true",
                        help=f"nationell storlek: {NATIONAL_SIZES} invånare (inte i CI; "
                             "se README: disk och tid)")
    args = parser.parse_args(argv)
    sizes = args.sizes or (SMOKE_SIZE if args.smoke else NATIONAL_SIZES if args.nationell
                           else DEFAULT_SIZES)
    if args.nationell and "1000000" not in sizes.split(","):
        sizes = "1000000," + sizes  # the 10M target is a ratio to the 1M run of the same run
    name = "smoke.json" if args.smoke else "nationell.json" if args.nationell else "latest.json"
    return Options(sizes=[int(s) for s in sizes.split(",")], year=args.year,
                   out=args.out or HERE / "results" / name, data_dir=args.data_dir,
                   regenerate=args.regenerate, nationell=args.nationell)


def main(argv=None) -> int:
    report = run(parse(argv))
    failed = any("fel" in r.get("kpb", {}) or "fel" in r.get("generering", {})
                 for r in report["storlekar"].values())
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
