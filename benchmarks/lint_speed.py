"""Lint 1,000 post files (parse front matter + every rule pack) and report the median time.

Target (issue 7): 1,000 posts linted in under 2 s. Run:
    .venv/bin/python -m benchmarks.lint_speed
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks._cli import no_options

N_POSTS = 1000
RUNS = 5
PLATFORMS = ("instagram", "facebook", "x", "linkedin", "tiktok", "threads")
INDUSTRIES = ("general", "finance", "health", "legal")
SENTENCES = (
    "Our winter menu is here with a spiced oat latte and a cardamom bun.",
    "Come in from the cold and tell us which one you try first ☕",
    "HUGE SALE TODAY only at our Kreuzberg shop!",
    "Guaranteed returns on your coffee fund, sign up now.",
    "Our tea relieves headaches for most people.",
    "We will win your case, call us at +1 555 123 4567.",
    "Read the full story: https://example.com/blog/winter-menu-2026",
    "Thanks @acme for the beans, click here for more.",
    "Paid training, fair tips and a team that cares.",
)
TAGS = (
    "#coffeelovers",
    "#WinterMenu",
    "#ad",
    "#spon",
    "#smallbusiness",
    "#OatLatte",
    "#mondaymotivation",
)


def make_posts(folder: Path, n: int = N_POSTS, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    paths = []
    for i in range(n):
        body = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 6)))
        body += "\n" + " ".join(rng.sample(TAGS, rng.randint(0, 5))) + "\n"
        alt = "    alt: A latte on a wooden table.\n" if rng.random() < 0.7 else ""
        front = (
            f"---\nplatform: {rng.choice(PLATFORMS)}\nindustry: {rng.choice(INDUSTRIES)}\n"
            f"publish_at: 2026-12-{1 + i % 28:02d} {8 + i % 10}:00 Europe/Berlin\n"
            f"author: Sam\nstatus: draft\nsponsored: {str(rng.random() < 0.2).lower()}\n"
            f"assets:\n  - image: assets/p{i}.jpg\n{alt}---\n"
        )
        path = folder / f"post-{i:04d}.md"
        path.write_text(front + body, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    no_options(__doc__)
    from socialproof.content.linter import lint_targets
    from socialproof.content.rules import builtin_rules

    builtin_rules()  # packs load once per process; time the linting itself
    with tempfile.TemporaryDirectory() as tmp:
        paths = make_posts(Path(tmp))
        times, findings = [], 0
        for _ in range(RUNS):
            t0 = time.perf_counter()
            results, _ = lint_targets(paths)
            times.append(time.perf_counter() - t0)
            findings = sum(len(r.findings) for r in results)
        builtin_rules.cache_clear()
        t0 = time.perf_counter()
        builtin_rules()
        load_s = time.perf_counter() - t0
    med = statistics.median(times)
    print(f"lint_speed: {N_POSTS} post files, {findings} findings per run")
    print(f"  median {med:.3f} s over {RUNS} runs (min {min(times):.3f}, max {max(times):.3f})")
    print(f"  {N_POSTS / med:,.0f} posts/s; target < 2 s: {'met' if med < 2 else 'NOT met'}")
    print(f"  loading the rule packs (once per process): {load_s * 1000:.0f} ms")


if __name__ == "__main__":
    main()
