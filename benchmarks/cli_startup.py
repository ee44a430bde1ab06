"""CLI start-up: wall time of ``socialproof --help`` and of ``import socialproof``.

Each figure is the median of 10 fresh interpreter runs (subprocess), so it includes
Python's own start-up; the bare interpreter is measured too for comparison. Byte code is
cached (in a temporary PYTHONPYCACHEPREFIX, after one warm-up run) as it is for an installed
package, even when this shell sets PYTHONDONTWRITEBYTECODE.
Run: ``.venv/bin/python -m benchmarks.cli_startup``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = 10


def _median_wall(args: list[str], env: dict[str, str]) -> float:
    subprocess.run(args, check=True, capture_output=True, env=env)  # noqa: S603 (warm-up)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, env=env)  # noqa: S603
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    py = sys.executable
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        bare = _median_wall([py, "-c", "pass"], env)
        imp = _median_wall([py, "-c", "import socialproof"], env)
        helps = _median_wall([py, "-m", "socialproof.cli.main", "--help"], env)
    print(f"python -c pass           median of {RUNS}: {bare * 1000:.0f} ms")
    print(f"import socialproof       median of {RUNS}: {imp * 1000:.0f} ms")
    print(f"socialproof --help       median of {RUNS}: {helps * 1000:.0f} ms (target < 300 ms)")


if __name__ == "__main__":
    main()
