"""Shared helpers of the text-model benchmarks (need ../shared/data beside the checkout)."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def single_thread() -> None:
    """One core: BLAS and OpenMP pools limited to one thread (set before numpy loads)."""
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")


def need(path: Path) -> Path:
    if not path.exists():
        raise SystemExit(f"{path} not found: this benchmark needs ../shared/data beside the repo")
    return path


def cpu_rate(fn: Callable[[], object], n_items: int, runs: int = 5) -> tuple[float, float]:
    """Median items per CPU-second and per wall-second over several runs.

    CPU time (process_time) is what one core delivers even when the shared
    machine is busy; wall time is reported beside it.
    """
    cpu: list[float] = []
    wall: list[float] = []
    for _ in range(runs):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        cpu.append(n_items / max(time.process_time() - c0, 1e-9))
        wall.append(n_items / max(time.perf_counter() - w0, 1e-9))
    return statistics.median(cpu), statistics.median(wall)
