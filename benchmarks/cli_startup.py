"""CLI start-up: wall time of ``socialproof --help`` and of ``import socialproof``.

Each figure is the median of 10 fresh interpreter runs (subprocess), so it includes
Python's own start-up; the bare interpreter is measured too for comparison. Byte code is
cached (in a temporary PYTHONPYCACHEPREFIX, after one warm-up run) as it is for an installed
package, even when this shell sets PYTHONDONTWRITEBYTECODE.
Run: ``.venv/bin/python -m benchmarks.cli_startup``.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 10


def _median_wall(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Median wall and CPU (user + system) seconds of ``args`` in a fresh process."""
    subprocess.run(args, check=True, capture_output=True, env=env)  # noqa: S603 (warm-up)
    walls, cpus = [], []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, env=env)  # noqa: S603
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    py = sys.executable
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        bare = _median_wall([py, "-c", "pass"], env)
        imp = _median_wall([py, "-c", "import socialproof"], env)
        script = Path(py).parent / "socialproof"  # the installed console script
        helps = _median_wall([str(script), "--help"], env)
    for label, (wall, cpu) in (
        ("python -c pass", bare),
        ("import socialproof", imp),
        ("socialproof --help", helps),
    ):
        print(f"{label:<20} median of {RUNS}: {wall * 1000:4.0f} ms wall, {cpu * 1000:4.0f} ms CPU")
    print("target: socialproof --help under 300 ms wall")


if __name__ == "__main__":
    main()
