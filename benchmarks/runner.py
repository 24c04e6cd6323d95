"""The benchmark runner: generate or reuse projects, run kpb compute, the baseline kernel and
the two end-to-end peers (DuckDB and Polars by hand) on each size in fresh processes, print
the tables, write JSON, check the targets of issues 4 and 11."""

from __future__ import annotations

import json
import os
import platform
import shutil
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
    nationell: bool = False  # add the national size's table and targets (issue 21)


def run(options: Options) -> dict:
    started = _load_average()
    results = {size: measure_size(size, options) for size in options.sizes}
    report = {"maskin": machine() | {"belastning_fore": started, "belastning_efter":
                                     _load_average()},
              "ar": options.year, "seed": SEED,
              "storlekar": {str(size): r for size, r in results.items()},
              "mal": targets.check(results), "mal_issue_11": targets.check_issue_11(results),
              "mal_issue_21": targets.check_issue_21(results)}
    if options.nationell:
        report["mal_nationell"] = targets.check_national(results)
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                           encoding="utf-8")
    print(table(results, report["maskin"]))
    print(verdicts(report["mal"]))
    print(peer_table(results))
    print(verdicts(report["mal_issue_11"], "Mål (issue 11)"))
    print(rerun_table(results))
    print(verdicts(report["mal_issue_21"], "Mål (issue 21)"))
    if options.nationell:
        print(national_table(results, report["maskin"]))
        print(verdicts(report["mal_nationell"], "Mål (issue 21, nationell storlek)"))
    return report


def _load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def measure_size(size: int, options: Options) -> dict:
    project = options.data_dir / f"kommun_{size}"
    result = {"generering": ensure_project(project, size, options)}
    first_run(project)
    csv_bytes = folder_bytes(project / "data")
    warm(project / "data")
    kpb_run = _child("compute", project, options.year, watch=project)
    kpb_run["disk"] = {"csv": csv_bytes, "topp_under_korning": kpb_run.pop("topp_mapp", None),
                       "efter": _parts(project)}
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
        _remove_spill(out)
        result |= ratios(kpb_run, result["baslinje"])
        for peer in PEERS:
            warm(project / "data")
            done = _child(peer, project, options.year, project / f"{peer}_for_hand.parquet",
                          watch=project)
            _remove_spill(project / f"{peer}_for_hand.parquet")
            result[f"{peer}_for_hand"] = done
            if done.get("sekunder"):
                result[f"hela_mot_{peer}"] = kpb_run["sekunder"] / done["sekunder"]
                if result["omkorning"].get("sekunder"):
                    result[f"omkorning_mot_{peer}"] = (result["omkorning"]["sekunder"]
                                                       / done["sekunder"])
    return result


def _remove_spill(out: Path) -> None:
    """DuckDB's temp folder of a child that was stopped (a finished child removes its own)."""
    shutil.rmtree(out.with_name(out.stem + ".tmp"), ignore_errors=True)


def _existing(path: Path) -> Path:
    """The folder itself or, before a child has made it (synth), its nearest parent."""
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


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


# a child above this share of the RAM is stopped (the machine is shared; no swap), and is
# reported as not finished, with why
MAX_CHILD_SHARE = 0.75
MIN_FREE_DISK = 6 * 10**9  # a child whose spill leaves less free disk is stopped likewise


def _child(kind: str, project: Path, year: int, *extra, watch: Path | None = None) -> dict:
    """Run one measurement in a fresh Python process; a failure is recorded, not raised.
    While it runs, its RSS is watched (stopped above MAX_CHILD_SHARE of the RAM) and, with
    `watch`, the size of that folder sampled each second (`topp_mapp`: the peak bytes)."""
    import threading
    import time

    command = [sys.executable, "-m", "benchmarks.child", kind, str(project), str(year),
               *map(str, extra)]
    env = os.environ | {"PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, cwd=REPO, env=env)
    limit_kib = memory_mib() * 1024 * MAX_CHILD_SHARE
    seen = {"mapp": 0, "stoppad": None}

    def guard():
        tick = 0
        while process.poll() is None:
            if _rss_kib(process.pid) > limit_kib:
                seen["stoppad"] = (f"stoppad: över {limit_kib / 2**20:.0f} GiB RSS "
                                   f"({MAX_CHILD_SHARE:.0%} av maskinens minne)")
                process.kill()
                return
            if shutil.disk_usage(_existing(project)).free < MIN_FREE_DISK:
                seen["stoppad"] = (f"stoppad: disken nästan full (under "
                                   f"{MIN_FREE_DISK / 1e9:.0f} GB kvar)")
                process.kill()
                return
            if watch is not None and tick % 10 == 0:
                seen["mapp"] = max(seen["mapp"], folder_bytes(watch))
            tick += 1
            time.sleep(0.1)

    thread = threading.Thread(target=guard, daemon=True)
    thread.start()
    stdout, stderr = process.communicate()
    thread.join()
    if process.returncode != 0:
        lines = stderr.strip().splitlines()[-12:]
        why = seen["stoppad"] or (f"avbruten av signal {-process.returncode}"
                                  + (" (slut på minne?)" if process.returncode == -9 else "")
                                  if process.returncode < 0 else (lines or ["okänt fel"])[-1])
        return {"fel": lines + [why], "orsak": why}
    result = json.loads(stdout)
    if watch is not None:
        result["topp_mapp"] = seen["mapp"]
    return result


def warm(folder: Path) -> None:
    """Read every file under `folder` once, untimed, so that each contender reads the CSV
    from the page cache. Without it kpb, measured first, could pay for the disk (a project
    whose files a larger size had pushed out of the cache) where the peers after it did not:
    at 1M invånare about 0.4 s (1 GB at 1 GB/s, most of it hidden behind the parse)."""
    for root, _, names in os.walk(folder):
        for name in names:
            try:
                with open(os.path.join(root, name), "rb", buffering=0) as file:
                    while file.readinto(WARM_BUFFER):
                        pass
            except OSError:
                pass


WARM_BUFFER = bytearray(8 * 2**20)


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as file:
            return next((int(line.split()[1]) for line in file if line.startswith("VmRSS")), 0)
    except OSError:
        return 0


def folder_bytes(folder: Path) -> int:
    """Bytes on disk under a folder (allocated blocks; files vanishing meanwhile skipped)."""
    total = 0
    for root, _, names in os.walk(folder):
        for name in names:
            try:
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                pass
    return total


def _parts(project: Path) -> dict:
    return {"kpb_cache": folder_bytes(project / ".kpb-cache"),
            "kpb_lager": folder_bytes(project / ".kpb-lager"),
            "kpb_duckdb": sum(folder_bytes(p) if p.is_dir() else p.stat().st_blocks * 512
                              for p in project.glob("kpb.duckdb*")),
            "ut": folder_bytes(project / "ut")}


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


NATIONAL = 10_000_000


def national_table(results: dict[int, dict], machine_info: dict) -> str:
    """The national size against the 1M run of the same invocation, and the peers (issue 21)."""
    lines = ["", "Nationell storlek (10 000 000 invånare) mot 1M i samma körning, och för hand:"]
    result, big = results.get(NATIONAL, {}), results.get(targets.BIG, {})
    first = result.get("kpb", {})
    if "fel" in first or not first:
        lines.append(f"  kpb compute: {first.get('orsak', 'inte körd')}")
        return "\n".join(lines)
    header = (f"{'':<22} {'sekunder':>9} {'× 1M':>7} {'topp RSS GiB':>13} {'kpb ÷ den':>10}  "
              "samma öre")
    lines += [header, "-" * len(header)]
    rerun = result.get("omkorning", {})
    for name, run, base in (("kpb första körningen", first, big.get("kpb")),
                            ("kpb omräkning", rerun, big.get("omkorning")),
                            ("DuckDB för hand", result.get("duckdb_for_hand", {}),
                             big.get("duckdb_for_hand")),
                            ("Polars för hand", result.get("polars_for_hand", {}),
                             big.get("polars_for_hand"))):
        if not run.get("sekunder"):
            lines.append(f"{name:<22} {'-':>9} {'-':>7} {'-':>13} {'-':>10}  "
                         f"inte klar: {run.get('orsak', 'inte körd')}")
            continue
        growth = run["sekunder"] / base["sekunder"] if base and base.get("sekunder") else None
        versus = first["sekunder"] / run["sekunder"] if "hand" in name else None
        note = (f"omräkning ÷ första: {run['sekunder'] / first['sekunder']:.2f}"
                if run is rerun else _same(run))
        lines.append(f"{name:<22} {run['sekunder']:>9.1f} {_ratio(growth):>7} "
                     f"{_gib(run):>13} {_ratio(versus):>10}  {note}")
    stages = {s["namn"]: s["sekunder"] for s in first.get("steg", [])}
    lines.append("kpb per steg: " + ", ".join(f"{k} {v:.1f} s" for k, v in stages.items()))
    disk = first.get("disk", {})
    if disk:
        after = disk.get("efter", {})
        peak = disk.get("topp_under_korning")
        lines.append(
            f"disk: CSV {_gb(disk.get('csv'))}, under kpb compute högst {_gb(peak)} i projektet "
            f"(CSV, .kpb-cache, .kpb-lager, kpb.duckdb, .kpb-tmp, ut), efter: .kpb-cache "
            f"{_gb(after.get('kpb_cache'))}, .kpb-lager {_gb(after.get('kpb_lager'))}, "
            f"kpb.duckdb {_gb(after.get('kpb_duckdb'))}, "
            f"ut {_gb(after.get('ut'))}")
    for peer in PEERS:
        peak = result.get(f"{peer}_for_hand", {}).get("topp_mapp")
        if peak:
            lines.append(f"disk under {peer} för hand: högst {_gb(peak)} i projektet "
                         "(med dess temp-mapp)")
    load = machine_info.get("belastning_fore"), machine_info.get("belastning_efter")
    lines.append(f"belastning (1, 5, 15 min) före: {load[0]}, efter: {load[1]}")
    return "\n".join(lines)


def _gb(value) -> str:
    return f"{value / 1e9:.1f} GB" if value else "-"


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
