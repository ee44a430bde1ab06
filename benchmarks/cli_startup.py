"""CLI start-up: ``socialproof --help`` and every subcommand's ``--help`` against typer.

Each figure is the median wall time of fresh processes (subprocess), so it includes
Python's own start-up. The reference is a bare ``python -c "import typer"`` (target:
every ``--help`` within 2x of it), measured between the commands' runs so that both
share the same load. Byte code is cached (in a temporary PYTHONPYCACHEPREFIX, after
one warm-up run) as it is for an installed package, even when this shell sets
PYTHONDONTWRITEBYTECODE. Also prints ``python -c pass`` and ``import socialproof``.

Run: ``.venv/bin/python -m benchmarks.cli_startup [--runs N]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _once(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of ``args`` in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, env=env)  # noqa: S603
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def _median(args: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    subprocess.run(args, check=True, capture_output=True, env=env)  # noqa: S603 (warm-up)
    walls, cpus = zip(*(_once(args, env) for _ in range(runs)), strict=True)
    return statistics.median(walls), statistics.median(cpus)


def command_paths() -> list[list[str]]:
    """Every command and subcommand, as the words that name it ([] is the root)."""
    import typer

    from socialproof.cli.main import app

    root = typer.main.get_command(app)
    paths: list[list[str]] = [[]]
    for name, cmd in root.commands.items():  # type: ignore[attr-defined]
        paths.append([name])
        paths.extend([name, sub] for sub in getattr(cmd, "commands", {}))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs per command (median)")
    args = parser.parse_args()
    py = sys.executable
    script = str(Path(py).parent / "socialproof")  # the installed console script
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        bare = _median([py, "-c", "pass"], env, args.runs)
        imp = _median([py, "-c", "import socialproof"], env, args.runs)
        typer_walls: list[float] = []
        typer_cpus: list[float] = []
        rows: list[tuple[str, float, float, float, float]] = []
        for path in command_paths():
            typer_wall, typer_cpu = _median([py, "-c", "import typer"], env, args.runs)
            typer_walls.append(typer_wall)
            typer_cpus.append(typer_cpu)
            wall, cpu = _median([script, *path, "--help"], env, args.runs)
            label = " ".join(["socialproof", *path, "--help"])
            rows.append((label, wall, cpu, wall / typer_wall, cpu / typer_cpu))
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    for label, (wall, cpu) in (("python -c pass", bare), ("import socialproof", imp)):
        print(f"{label:<44} {wall * 1000:5.0f} ms wall {cpu * 1000:5.0f} ms CPU")
    label = "python -c 'import typer' (median of all)"
    print(
        f"{label:<44} {statistics.median(typer_walls) * 1000:5.0f} ms wall "
        f"{statistics.median(typer_cpus) * 1000:5.0f} ms CPU"
    )
    print(f"{'':<44} {'wall':>8} {'CPU':>12}  ratio to typer: wall, CPU")
    for label, wall, cpu, ratio, cpu_ratio in rows:
        print(
            f"{label:<44} {wall * 1000:5.0f} ms {cpu * 1000:9.0f} ms  x{ratio:.2f}  x{cpu_ratio:.2f}"
        )
    for what, k in (("wall", 3), ("CPU", 4)):
        worst = max(rows, key=lambda r: r[k])
        met = "met" if worst[k] <= 2 else "NOT MET"
        print(
            f"{len(rows)} commands, {what} ratio to 'import typer' (measured beside each): "
            f"median {statistics.median(r[k] for r in rows):.2f}, worst {worst[k]:.2f} "
            f"({worst[0]}); target <= 2: {met}"
        )


if __name__ == "__main__":
    main()
