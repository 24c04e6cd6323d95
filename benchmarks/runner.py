"""The benchmark runner: generate or reuse projects, run kpb compute, the baseline kernel and
the two end-to-end peers (DuckDB and Polars by hand) on each size in fresh processes, print
the tables, write JSON, check the targets of issues 4 and 11."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from benchmarks import targets
from benchmarks.measure import bound

REPO = Path(__file__).resolve().parents[1]
SEED = 1


@dataclass(frozen=True)
class Options:
    sizes: list[int]
    year: int
    out: Path
    data_dir: Path
    regenerate: bool = False


def run(options: Options) -> dict:
    results = {size: measure_size(size, options) for size in options.sizes}
    report = {"maskin": machine(), "ar": options.year, "seed": SEED,
              "storlekar": {str(size): r for size, r in results.items()},
              "mal": targets.check(results), "mal_issue_11": targets.check_issue_11(results),
              "mal_issue_21": targets.check_issue_21(results)}
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                           encoding="utf-8")
    print(table(results, report["maskin"]))
    print(verdicts(report["mal"]))
    print(peer_table(results))
    print(verdicts(report["mal_issue_11"], "Mål (issue 11)"))
    print(rerun_table(results))
    print(verdicts(report["mal_issue_21"], "Mål (issue 21)"))
    return report


def measure_size(size: int, options: Options) -> dict:
    project = options.data_dir / f"kommun_{size}"
    result = {"generering": ensure_project(project, size, options)}
    first_run(project)
    kpb_run = _child("compute", project, options.year)
    result["kpb"] = kpb_run
    if "fel" not in kpb_run:
        # the economist's everyday: a rules edit, then compute again (issue 21)
        rules = project / "regler" / f"{options.year}.toml"
        original = rules.read_bytes()
        try:
            edit_rules(rules)
            rerun = _child("compute", project, options.year)
        finally:
            rules.write_bytes(original)
        result["omkorning"] = rerun
        if rerun.get("sekunder"):
            result["omkorning_mot_forsta"] = rerun["sekunder"] / kpb_run["sekunder"]
        out = project / "baslinje.parquet"
        result["baslinje"] = _child("baseline", project, options.year, out)
        result |= ratios(kpb_run, result["baslinje"])
        for peer in PEERS:
            done = _child(peer, project, options.year, project / f"{peer}_for_hand.parquet")
            result[f"{peer}_for_hand"] = done
            if done.get("sekunder"):
                result[f"hela_mot_{peer}"] = kpb_run["sekunder"] / done["sekunder"]
                if result["omkorning"].get("sekunder"):
                    result[f"omkorning_mot_{peer}"] = (result["omkorning"]["sekunder"]
                                                       / done["sekunder"])
    return result


def first_run(project: Path) -> None:
    """What makes the next compute a first run: no cache of loaded inputs (.kpb-cache/) and
    no kpb.duckdb holding them, with its activity files (.kpb-lager/; the key file stays: the
    same pseudonyms)."""
    import shutil

    shutil.rmtree(project / ".kpb-cache", ignore_errors=True)
    shutil.rmtree(project / ".kpb-lager", ignore_errors=True)
    for name in ("kpb.duckdb", "kpb.duckdb.wal"):
        (project / name).unlink(missing_ok=True)


def edit_rules(rules: Path) -> None:
    """A change of the rules as an economist makes it: one share of the first pool that splits
    by fixed shares moved by a hundredth between its first two insatser (TOML text edited in
    place), else a comment; everything after the load is recomputed either way, since kpb
    keeps no results of the rules between runs."""
    import re

    text = rules.read_text(encoding="utf-8")
    edited = re.sub(r"(andelar\s*=\s*\{\s*[^=}]+=\s*)(0\.\d+)(\s*,\s*[^=}]+=\s*)(0\.\d+)",
                    _moved_share, text, count=1)
    if edited == text:
        edited = text + "\n# regeländring (benchmark)\n"
    rules.write_text(edited, encoding="utf-8")


def _moved_share(match) -> str:
    first, second = float(match.group(2)), float(match.group(4))
    step = 0.01 if first > 0.01 else -0.01
    return (f"{match.group(1)}{round(first - step, 6)}{match.group(3)}"
            f"{round(second + step, 6)}")


PEERS = ("duckdb", "polars")


def ensure_project(project: Path, size: int, options: Options) -> dict:
    """Reuse a project generated with the same size, year, seed and generator version."""
    from kpb.synth.generate import GENERATOR_VERSION, MARKER

    marker = project / MARKER
    if marker.is_file() and not options.regenerate:
        made = json.loads(marker.read_text(encoding="utf-8"))
        if (made.get("invanare"), made.get("ar"), made.get("seed"), made.get("generator")) == (
                size, options.year, SEED, GENERATOR_VERSION):
            return {"ateranvand": True, "rader": made["rader"]}
    return _child("synth", project, options.year, size, SEED)


def ratios(kpb_run: dict, baseline: dict) -> dict:
    if "fel" in baseline or not baseline.get("sekunder"):
        return {}
    per_stage = {s["namn"]: s["sekunder"] / baseline["sekunder"] for s in kpb_run["steg"]}
    return {"allokering_mot_baslinje": per_stage.get("allocate"),
            "steg_mot_baslinje": per_stage,
            "hela_mot_baslinje": kpb_run["sekunder"] / baseline["sekunder"]}


def _child(kind: str, project: Path, year: int, *extra) -> dict:
    """Run one measurement in a fresh Python process; a failure is recorded, not raised."""
    command = [sys.executable, "-m", "benchmarks.child", kind, str(project), str(year),
               *map(str, extra)]
    env = os.environ | {"PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, env=env)
    if done.returncode != 0:
        return {"fel": done.stderr.strip().splitlines()[-12:]}
    return json.loads(done.stdout)


def machine() -> dict:
    import duckdb
    import polars

    import kpb

    return {"processor": _cpu_model(), "karnor": os.cpu_count(), "minne_mib": memory_mib(),
            "system": platform.platform(), "python": platform.python_version(),
            "polars": polars.__version__, "duckdb": duckdb.__version__, "kpb": kpb.__version__,
            "commit": _commit()}


def memory_mib() -> float:
    with open("/proc/meminfo", encoding="ascii") as file:
        total_kib = int(file.readline().split()[1])
    return round(total_kib / 1024)


def _cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace").splitlines()
        return next(l.split(":", 1)[1].strip() for l in lines if l.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor()


def _commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True, cwd=REPO)
    return done.stdout.strip()


# -- printing -------------------------------------------------------------------------

HEADER = (f"{'invånare':>10} {'steg':<10} {'sekunder':>9} {'rader/s':>11} {'topp RSS MiB':>13} "
          f"{'× baslinje':>11} {'CPU/vägg':>9}  begränsas av")


def table(results: dict[int, dict], machine_info: dict) -> str:
    lines = [f"Maskin: {machine_info['processor']}, {machine_info['karnor']} kärnor, "
             f"{machine_info['minne_mib'] / 1024:.0f} GiB", HEADER, "-" * len(HEADER)]
    for size, result in results.items():
        lines += _size_lines(size, result, machine_info["minne_mib"])
    return "\n".join(lines)


def _size_lines(size: int, result: dict, memory: float) -> list[str]:
    kpb_run, base = result["kpb"], result.get("baslinje", {})
    if "fel" in kpb_run:
        return [f"{size:>10} kpb compute misslyckades: {' / '.join(kpb_run['fel'][-2:])}"]
    rows = _input_rows(result)
    lines = [_line(size, s["namn"], s["sekunder"],
                   s.get("rader") or (rows if s["namn"] != "rules" else None), s["topp_rss_mib"],
                   s["sekunder"] / base["sekunder"] if base.get("sekunder") else None,
                   s.get("cpu_per_vaggsekund"), bound(s, s["topp_rss_mib"], memory))
             for s in kpb_run["steg"]]
    lines.append(_line(size, "HELA", kpb_run["sekunder"], rows, kpb_run["topp_rss_mib"],
                       result.get("hela_mot_baslinje"), None, ""))
    if base.get("sekunder"):
        lines.append(_line(size, "baslinje", base["sekunder"], rows, base["topp_rss_mib"], 1.0,
                           None, _agreement(base)))
    return lines


def _input_rows(result: dict) -> int:
    rows = result["generering"].get("rader", {})
    return rows.get("ledger", 0) + rows.get("aktivitet", 0) + rows.get("direkt", 0)


def _agreement(base: dict) -> str:
    same = base.get("stammer_med_kpb", {})
    return f"samma öre som kpb: {same.get('lika')}/{same.get('rader')} rader"


def _line(size, name, seconds, rows, rss, ratio, cpu, limit) -> str:
    ratio_text = f"{ratio:.2f}" if ratio is not None else "-"
    cpu_text = f"{cpu:.2f}" if cpu is not None else "-"
    per_second = f"{rows / seconds:,.0f}".replace(",", " ") if rows and seconds else "-"
    return (f"{size:>10} {name:<10} {seconds:>9.2f} {per_second:>11} {rss:>13.0f} "
            f"{ratio_text:>11} {cpu_text:>9}  {limit}")


PEER_HEADER = (f"{'invånare':>10} {'kpb compute':>12} {'DuckDB hand':>12} {'Polars hand':>12} "
               f"{'× DuckDB':>9} {'× Polars':>9} {'kpb RSS GiB':>12} {'DuckDB RSS':>11} "
               f"{'Polars RSS':>11}  samma öre")


def peer_table(results: dict[int, dict]) -> str:
    """The whole run against what an analyst would write by hand (issue 11)."""
    lines = ["", "Hela körningen mot för hand skrivna motsvarigheter (samma CSV, samma öre):",
             PEER_HEADER, "-" * len(PEER_HEADER)]
    for size, result in results.items():
        kpb_run = result["kpb"]
        if "fel" in kpb_run:
            continue
        duck, polars = (result.get(f"{p}_for_hand", {}) for p in PEERS)
        lines.append(
            f"{size:>10} {kpb_run['sekunder']:>11.2f}s {_seconds(duck):>12} {_seconds(polars):>12} "
            f"{_ratio(result.get('hela_mot_duckdb')):>9} {_ratio(result.get('hela_mot_polars')):>9} "
            f"{kpb_run['topp_rss_mib'] / 1024:>12.2f} {_gib(duck):>11} {_gib(polars):>11}  "
            f"{_same(duck)} / {_same(polars)}")
    return "\n".join(lines)


RERUN_HEADER = (f"{'invånare':>10} {'första':>9} {'omräkning':>10} {'× första':>9} "
                f"{'DuckDB hand':>12} {'Polars hand':>12} {'× DuckDB':>9} {'× Polars':>9} "
                f"{'inläsning':>10} {'skrivning':>9}")


def rerun_table(results: dict[int, dict]) -> str:
    """The first run and the rerun after a rules edit, the peers beside them (issue 21)."""
    lines = ["", "Första körningen och omräkningen efter en regeländring (indata oförändrade):",
             RERUN_HEADER, "-" * len(RERUN_HEADER)]
    for size, result in results.items():
        first, rerun = result["kpb"], result.get("omkorning", {})
        if "fel" in first:
            continue
        if "fel" in rerun or not rerun:
            lines.append(f"{size:>10} omräkningen misslyckades: "
                         f"{' / '.join(rerun.get('fel', ['-'])[-2:])}")
            continue
        duck, polars = (result.get(f"{p}_for_hand", {}) for p in PEERS)
        stages = {s["namn"]: s["sekunder"] for s in rerun["steg"]}
        lines.append(
            f"{size:>10} {first['sekunder']:>8.2f}s {rerun['sekunder']:>9.2f}s "
            f"{_ratio(result.get('omkorning_mot_forsta')):>9} {_seconds(duck):>12} "
            f"{_seconds(polars):>12} {_ratio(result.get('omkorning_mot_duckdb')):>9} "
            f"{_ratio(result.get('omkorning_mot_polars')):>9} "
            f"{stages.get('load', 0):>9.2f}s {stages.get('write', 0):>8.2f}s")
    return "\n".join(lines)


def _seconds(run: dict) -> str:
    return f"{run['sekunder']:.2f}s" if run.get("sekunder") else "fel" if "fel" in run else "-"


def _ratio(value) -> str:
    return f"{value:.2f}" if value is not None else "-"


def _gib(run: dict) -> str:
    return f"{run['topp_rss_mib'] / 1024:.2f}" if run.get("topp_rss_mib") else "-"


def _same(run: dict) -> str:
    same = run.get("stammer_med_kpb", {})
    return f"{same.get('lika')}/{same.get('rader')}" if same else "-"


def verdicts(checks: list[dict], title: str = "Mål (issue 4)") -> str:
    lines = ["", f"{title}:"]
    for check in checks:
        detail = check.get("marginal") or ""
        lines.append(f"  {check['status']:<8} {check['mal']}  {detail}")
    return "\n".join(lines)
