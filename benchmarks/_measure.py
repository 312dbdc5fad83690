"""Helpers for benchmarks: wall time and peak extra resident memory of a call."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import psutil

__all__ = ["best_of", "measure"]


def best_of(call: Callable[[], Any], repeats: int = 3) -> float:
    """The shortest wall time (seconds) of ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return min(times)


def measure(call: Callable[[], Any], interval: float = 0.02) -> tuple[Any, float, float]:
    """Run ``call``; return its result, wall seconds, and peak RSS above the start (MB).

    RSS is sampled every ``interval`` seconds in a background thread (children included),
    so short spikes between samples may be missed.
    """
    process = psutil.Process()
    baseline = _rss(process)
    peak = [baseline]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _rss(process))
            stop.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        result = call()
    finally:
        elapsed = time.perf_counter() - started
        stop.set()
        sampler.join()
    return result, elapsed, (max(peak[0], _rss(process)) - baseline) / 2**20


def _rss(process: psutil.Process) -> int:
    total = process.memory_info().rss
    for child in process.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total
