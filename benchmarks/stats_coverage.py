"""Pilot statistics by simulation: do 95 % intervals cover the true effect 93-97 % of the time,
and do the verdict and the interval ever disagree?

    .venv/bin/python -m benchmarks.stats_coverage [--reps 2000] [--seed 2026]

Seeded; nothing is tuned on these runs (the methods were fixed before). Each scenario draws
two (or three) variants from distributions whose true difference is known, runs the test the
pilot report runs, and counts

- coverage: the share of runs whose interval holds the true difference (target 93-97 %);
- disagreements: runs where "significant" (p below alpha, Holm-adjusted with three variants)
  and "the interval leaves out zero" differ (target 0), for the difference and for the
  relative lift's interval.

The overdispersed ad-days scenario shows why the unit of analysis matters: the plain
binomial z-test (every impression an independent trial) against the same test with the
variance scaled by the spread between days (quasi-binomial), as the pilot report does.
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from socialproof.campaigns import stats

if TYPE_CHECKING:
    from collections.abc import Callable


@dataclass
class Tally:
    name: str
    runs: int = 0
    covered: int = 0
    disagree: int = 0
    lift_disagree: int = 0  # the lift interval (when bounded) against the verdict
    significant: int = 0
    target: bool = True  # a 95 % interval, held to the 93-97 % target

    def add(self, res: stats.Comparison, truth: float, *, significant: bool | None = None) -> None:
        sig = res.significant if significant is None else significant
        self.runs += 1
        self.covered += res.diff_low <= truth <= res.diff_high
        self.disagree += sig != (res.diff_low > 0 or res.diff_high < 0)
        if res.lift_low is not None and res.lift_high is not None:
            self.lift_disagree += sig != (res.lift_low > 0 or res.lift_high < 0)
        self.significant += sig

    def row(self) -> str:
        cov = self.covered / self.runs
        se = math.sqrt(cov * (1 - cov) / self.runs)
        if self.target:
            met = "met" if 0.93 <= cov <= 0.97 else "**not met**"
        else:
            met = "n/a (97.5 % / 95 % levels)"
        return (
            f"| {self.name} | {self.runs:,} | {cov:.1%} ± {1.96 * se:.1%} | {met} | "
            f"{self.significant / self.runs:.0%} | {self.disagree} | {self.lift_disagree} |"
        )


def _means(
    name: str,
    reps: int,
    rng: np.random.Generator,
    draw: Callable[[np.random.Generator], tuple[np.ndarray, np.ndarray]],
    truth: float,
    test: str,
) -> Tally:
    tally = Tally(name)
    for i in range(reps):
        a, b = draw(rng)
        if test == "auto":
            chosen, _ = stats.choose_mean_test(list(a), list(b))
        else:
            chosen = "Welch t-test" if test == "welch" else "bootstrap"
        if chosen == "Welch t-test":
            res = stats.welch_test(list(a), list(b))
        else:
            res = stats.bootstrap_test(list(a), list(b), seed=i)
        tally.add(res, truth)
    return tally


def _lognormal_mean(mu: float, sigma: float) -> float:
    return math.exp(mu + sigma**2 / 2)


def _ad_days(reps: int, rng: np.random.Generator, days: int = 30) -> tuple[Tally, Tally]:
    """Two ads, 30 days each; each day's CTR varies around the ad's mean (Beta, concentration
    400), impressions 3,000-6,000 a day."""
    means = (0.012, 0.013)
    plain, quasi = Tally("ad-days, plain binomial z (old)"), Tally("ad-days, quasi-binomial z")
    truth = means[1] - means[0]
    for _ in range(reps):
        groups = []
        for m in means:
            n = rng.integers(3_000, 6_000, days)
            rates = rng.beta(m * 400, (1 - m) * 400, days)
            groups.append((list(rng.binomial(n, rates).astype(float)), list(n.astype(float))))
        (sa, na), (sb, nb) = ((sum(s), sum(n)) for s, n in groups)
        plain.add(stats.two_proportion_test(sa, na, sb, nb), truth)
        phi, df = stats.dispersion(groups)
        quasi.add(stats.two_proportion_test(sa, na, sb, nb, phi=phi, phi_df=df), truth)
    return plain, quasi


def _holm_three(reps: int, rng: np.random.Generator) -> tuple[Tally, int]:
    """Three variants (per-post rates, n = 40): Holm-adjusted verdicts beside intervals at
    the level of Holm's step; also the family-wise coverage (both intervals hold)."""
    tally = Tally("three variants, Holm-level intervals (Welch, each comparison)", target=False)
    family = 0
    mu = (0.050, 0.054, 0.058)
    for _ in range(reps):
        samples = [rng.normal(m, 0.012, 40) for m in mu]
        first = [stats.welch_test(list(samples[0]), list(s)) for s in samples[1:]]
        ps = [r.p_value for r in first]
        adjusted = stats.adjust_pvalues(ps)
        levels = stats.holm_levels(ps, 0.05)
        both = True
        for s, m, p_adj, level in zip(samples[1:], mu[1:], adjusted, levels, strict=True):
            res = stats.welch_test(list(samples[0]), list(s), confidence=level)
            truth = m - mu[0]
            tally.add(res, truth, significant=p_adj < 0.05)
            both &= res.diff_low <= truth <= res.diff_high
        family += both
    return tally, family


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args(argv)
    reps = args.reps
    started = time.perf_counter()
    rows: list[Tally] = []

    rng = np.random.default_rng(args.seed)
    rows.append(
        _means(
            "per-post rates, normal, n = 40 + 40, Welch",
            reps,
            rng,
            lambda r: (r.normal(0.050, 0.012, 40), r.normal(0.055, 0.015, 40)),
            0.005,
            "welch",
        )
    )
    rows.append(
        _means(
            "per-post rates, normal, n = 6 + 8 (very few), Welch",
            reps,
            rng,
            lambda r: (r.normal(0.050, 0.012, 6), r.normal(0.055, 0.015, 8)),
            0.005,
            "welch",
        )
    )
    sigma = 0.8
    truth = _lognormal_mean(math.log(0.05) + 0.2, sigma) - _lognormal_mean(math.log(0.05), sigma)
    rows.append(
        _means(
            "skewed (lognormal σ 0.8), n = 20 + 20, bootstrap",
            reps,
            rng,
            lambda r: (
                r.lognormal(math.log(0.05), sigma, 20),
                r.lognormal(math.log(0.05) + 0.2, sigma, 20),
            ),
            truth,
            "bootstrap",
        )
    )
    rows.append(
        _means(
            "skewed (lognormal σ 0.8), n = 60 + 60, as chosen (Cochran's rule)",
            reps,
            rng,
            lambda r: (
                r.lognormal(math.log(0.05), sigma, 60),
                r.lognormal(math.log(0.05) + 0.2, sigma, 60),
            ),
            truth,
            "auto",
        )
    )
    binom = Tally("link CTR, binomial, 20,000 impressions a side, Wald z")
    for _ in range(reps):
        xa, xb = rng.binomial(20_000, 0.012), rng.binomial(20_000, 0.0138)
        binom.add(stats.two_proportion_test(xa, 20_000, xb, 20_000), 0.0138 - 0.012)
    rows.append(binom)
    plain, quasi = _ad_days(reps, rng)
    rows.extend([plain, quasi])
    holm, family = _holm_three(reps, rng)
    rows.append(holm)

    print(f"seed {args.seed}, {reps:,} runs per scenario, {time.perf_counter() - started:.0f} s")
    print(
        "| scenario | runs | coverage of the 95 % interval | 93–97 % | significant "
        "| disagree | lift disagrees |"
    )
    print("|---|---|---|---|---|---|---|")
    for t in rows:
        print(t.row())
    print(f"three variants: both Holm-level intervals hold together in {family / reps:.1%} of runs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
