"""Time named steps and tell the user what is happening.

`Timer.run(name, label, fn, ...)` runs one step: it announces it, times it, records peak
memory and keeps the timings for the manifest and the benchmarks. `step(label)` makes a
property of a dataflow (kpb.flow.Facts, kpb.allocate.engine.AllocationFlow) such a step that
runs once, when first asked for.
"""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass, field
from functools import cached_property, wraps
from typing import Callable, Protocol


class Progress(Protocol):
    def __call__(self, message: str) -> None: ...


def silent(message: str) -> None:
    """A Progress that says nothing (library use, tests)."""


@dataclass
class StepTiming:
    name: str
    seconds: float
    peak_rss_mib: float
    rows: int | None = None


@dataclass
class Timer:
    progress: Progress = silent
    timings: list[StepTiming] = field(default_factory=list)

    def run(self, name: str, label: str, fn: Callable, *args, rows_of=None, **kwargs):
        """Run one step: announce it, time it, record peak memory, return its result."""
        self.progress(f"{label} ...")
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        seconds = time.perf_counter() - start
        rows = rows_of(result) if rows_of else None
        self.timings.append(StepTiming(name, seconds, peak_rss_mib(), rows))
        self.progress(f"{label}: klart på {seconds:.2f} s")
        return result

    def as_dict(self) -> dict:
        return {t.name: {"sekunder": round(t.seconds, 4), "topp_rss_mib": round(t.peak_rss_mib, 1),
                         "rader": t.rows} for t in self.timings}


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step(label: str):
    """A named, timed step of a dataflow that runs once (a cached property, in the manner of
    Hamilton: the property's name is its output, the names it reads are its inputs). The
    owning object holds a `timer`."""
    def decorate(fn):
        @wraps(fn)
        def timed(self):
            return self.timer.run(fn.__name__, label, fn, self)
        return cached_property(timed)
    return decorate
