"""Run every benchmark module in this folder, one after another; print what each reports.

Each module is also runnable alone: ``python -m benchmarks.<name>``. Accuracy
benchmarks need ../shared/data beside the checkout and say so when it is missing.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def main(argv: list[str]) -> int:
    names = sorted(
        m.name
        for m in pkgutil.iter_modules([str(HERE)])
        if m.name not in ("run",) and not m.name.startswith("_")
    )
    if argv:
        names = [n for n in names if any(a in n for a in argv)]
    failed = []
    for name in names:
        print(f"\n=== benchmarks.{name}", flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, "-m", f"benchmarks.{name}"], cwd=HERE.parent)
        print(f"=== {name}: exit {code} in {time.perf_counter() - start:.1f} s", flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"\nFailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    from benchmarks._cli import parser

    options = parser(__doc__)
    options.add_argument("names", nargs="*", help="run only the modules whose name holds one")
    raise SystemExit(main(options.parse_args().names))
