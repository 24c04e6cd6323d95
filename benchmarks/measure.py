"""Per-stage measurements inside one process: wall time (from kpb's own StepTimings), CPU
time and I/O, so a slow stage can be told apart as CPU-, I/O- or memory-bound.

kpb's Timer announces every step as "label ..." and closes it with "label: klart ...";
sub-steps nest inside. The probe snapshots CPU and I/O counters when a top-level step opens
and closes, and pairs those with the StepTimings in order.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

OPEN_SUFFIX = " ..."
CLOSE_MARK = ": klart"


def counters() -> dict:
    """CPU seconds of all threads, and bytes read/written (incl. page cache and disk)."""
    times = os.times()
    io = {}
    try:
        with open("/proc/self/io", encoding="ascii") as file:
            io = dict(line.split(": ") for line in file.read().splitlines())
    except OSError:
        pass
    return {"wall": time.perf_counter(), "cpu": times.user + times.system,
            "read": int(io.get("rchar", 0)), "write": int(io.get("wchar", 0)),
            "disk_read": int(io.get("read_bytes", 0)), "disk_write": int(io.get("write_bytes", 0))}


@dataclass
class StageProbe:
    stages: list[dict] = field(default_factory=list)
    _open: list[str] = field(default_factory=list)
    _start: dict | None = None

    def __call__(self, message: str) -> None:
        if message.endswith(OPEN_SUFFIX):
            if not self._open:
                self._start = counters()
            self._open.append(message[: -len(OPEN_SUFFIX)])
        elif CLOSE_MARK in message and self._open:
            self._open.pop()
            if not self._open and self._start is not None:
                self.stages.append(_delta(self._start, counters()))


def _delta(start: dict, end: dict) -> dict:
    delta = {key: end[key] - start[key] for key in start}
    return {"cpu_sekunder": round(delta["cpu"], 3),
            "cpu_per_vaggsekund": round(delta["cpu"] / delta["wall"], 2) if delta["wall"] else 0,
            "last_mib": round(delta["read"] / 2**20, 1),
            "skrivet_mib": round(delta["write"] / 2**20, 1),
            "disk_last_mib": round(delta["disk_read"] / 2**20, 1),
            "disk_skrivet_mib": round(delta["disk_write"] / 2**20, 1)}


def bound(stage: dict, peak_rss_mib: float, memory_limit_mib: float) -> str:
    """What limits a stage, from what was measured (not guessed)."""
    if peak_rss_mib > 0.8 * memory_limit_mib:
        return "minne"
    if "cpu_per_vaggsekund" not in stage:
        return "ej mätt för sig (ingår i steget runt det)"
    per_second = stage["cpu_per_vaggsekund"]
    if per_second >= 1.5:
        return "CPU (båda kärnorna)"
    if per_second >= 0.8:
        return "CPU (en kärna: entrådigt)"
    return "I/O eller väntan"
