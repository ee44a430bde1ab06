"""The statistics behind pilots (A/B tests), anchored on scipy and statsmodels.

Every function here is pure (numbers in, a frozen dataclass out) and needs no
workspace, so it can be checked against textbook cases:

- :func:`two_proportion_test`: rates built from counts summed per variant
  (link CTR = link clicks / impressions). Pooled two-proportion z-test
  (statsmodels ``proportions_ztest``), a Wald interval for the difference and a
  log (Katz) interval for the ratio, which gives the relative lift.
- :func:`welch_test`: per-post rates (engagement rate of each post). Welch's
  t-test (scipy ``ttest_ind(equal_var=False)``), its interval for the
  difference in means, and a delta-method interval for the relative lift.
- :func:`bootstrap_test`: the same question when posts are few or the rates
  very skewed: a seeded BCa bootstrap (scipy ``bootstrap``) of the difference
  in means and of the relative lift; the p-value is the smallest two-sided
  level at which the percentile interval would exclude zero.
- :func:`choose_mean_test`: which of the two applies, and why (Cochran's rule).
- :func:`srm_check`: sample-ratio mismatch, a chi-square goodness-of-fit test
  of the observed allocation against the planned split.
- :func:`adjust_pvalues`: Holm's step-down correction for several comparisons
  against the control (statsmodels ``multipletests``).
- :func:`sample_size_proportions` / :func:`sample_size_means`: power analysis
  (statsmodels ``NormalIndPower``), with Cohen's h for proportions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from socialproof.errors import BadInput, UsageError

if TYPE_CHECKING:
    from collections.abc import Sequence

#: Flag a sample-ratio mismatch below this p-value (Kohavi, Tang & Xu, "Trustworthy
#: Online Controlled Experiments", 2020, ch. 21 use 0.001 so real mismatches stand out).
SRM_ALPHA = 0.001

#: Welch's t-test needs roughly normal sample means: Cochran's rule asks for
#: n > 25 * skewness**2 in each group (Cochran 1977, "Sampling Techniques", 2.15),
#: and at least this many observations.
MIN_N_WELCH = 30

#: Below this many values in a variant the bootstrap interval is too narrow (it cannot
#: see values the sample lacks; Efron & Tibshirani 1993, ch. 13 on small samples), so
#: Welch's t-test with its few degrees of freedom is the more cautious choice.
MIN_N_BOOTSTRAP = 10

BOOTSTRAP_RESAMPLES = 5_000

_PRECISION = "Precision loss occurred in moment calculation"

TestName = Literal["two-proportion z-test", "Welch t-test", "bootstrap"]


@dataclass(frozen=True)
class Comparison:
    """One variant compared with the control (B vs A): effect, interval, test."""

    test: TestName
    n_a: float  # impressions (proportions) or posts (per-post rates)
    n_b: float
    value_a: float  # the metric in A (a proportion or a mean)
    value_b: float
    diff: float  # value_b - value_a
    diff_low: float
    diff_high: float
    lift: float | None  # value_b / value_a - 1; None when value_a is 0
    lift_low: float | None
    lift_high: float | None
    statistic: float | None  # z or t; None for the bootstrap
    df: float | None  # Welch-Satterthwaite degrees of freedom
    p_value: float
    confidence: float  # e.g. 0.95

    @property
    def significant(self) -> bool:
        return self.p_value < 1 - self.confidence


@dataclass(frozen=True)
class SRMResult:
    """Sample-ratio mismatch: observed allocation against the planned split."""

    observed: tuple[float, ...]
    expected: tuple[float, ...]
    planned: tuple[float, ...]  # shares summing to 1
    chi2: float
    p_value: float
    mismatch: bool  # p < SRM_ALPHA


@dataclass(frozen=True)
class SampleSize:
    """Units needed per variant to detect an effect with the given power."""

    per_variant: int
    effect_size: float  # Cohen's h (proportions) or d (means)
    baseline: float
    target: float
    alpha: float
    power: float
    variants: int

    @property
    def total(self) -> int:
        return self.per_variant * self.variants


# -- checks ---------------------------------------------------------------------


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise UsageError(
            f"The confidence level must be between 0 and 1, got {confidence}.",
            hint="Use 0.95 for 95 % intervals.",
        )


def _check_counts(successes: float, trials: float, label: str) -> None:
    if any(math.isnan(v) or math.isinf(v) for v in (successes, trials)):
        raise BadInput(f"Variant {label} has a missing or infinite count.", hint="Check the data.")
    if trials <= 0:
        raise BadInput(
            f"Variant {label} has no trials (impressions) to compare.",
            hint="Check that the variant's filter matches rows with impressions.",
        )
    if successes < 0 or successes > trials:
        raise BadInput(
            f"Variant {label} has {successes:g} successes out of {trials:g} trials; "
            "a proportion needs 0 <= successes <= trials.",
            hint="Pick a metric whose numerator is part of its denominator "
            "(link clicks of impressions), or a per-post metric.",
        )


def _clean(values: Sequence[float], label: str, minimum: int = 2) -> list[float]:
    out = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    if any(math.isinf(v) for v in out):
        raise BadInput(f"Variant {label} has an infinite value.", hint="Check the data.")
    if len(out) < minimum:
        raise BadInput(
            f"Variant {label} has {len(out)} usable value(s); this test needs at least {minimum}.",
            hint="Widen the period or the variant's filter.",
        )
    return out


# -- proportions --------------------------------------------------------------------


def two_proportion_test(
    successes_a: float,
    trials_a: float,
    successes_b: float,
    trials_b: float,
    *,
    confidence: float = 0.95,
) -> Comparison:
    """Pooled two-proportion z-test of B against A, with intervals for the difference and lift.

    The z statistic and p-value use the pooled standard error (the null hypothesis
    is p_a = p_b); the interval for the difference uses the unpooled (Wald)
    standard error; the interval for the ratio p_b / p_a is Katz's log interval.
    """
    import numpy as np
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    _check_confidence(confidence)
    _check_counts(successes_a, trials_a, "A")
    _check_counts(successes_b, trials_b, "B")
    alpha = 1 - confidence
    p_a, p_b = successes_a / trials_a, successes_b / trials_b
    counts = np.array([successes_b, successes_a], dtype=float)
    nobs = np.array([trials_b, trials_a], dtype=float)
    if successes_a + successes_b in (0, trials_a + trials_b):
        z, p = 0.0, 1.0  # both all-or-nothing: no variance, nothing to tell apart
    else:
        z_raw, p_raw = proportions_ztest(counts, nobs)
        z, p = float(z_raw), float(p_raw)
    low, high = confint_proportions_2indep(
        successes_b, trials_b, successes_a, trials_a, method="wald", compare="diff", alpha=alpha
    )
    lift = lift_low = lift_high = None
    if successes_a > 0 and successes_b > 0:
        r_low, r_high = confint_proportions_2indep(
            successes_b,
            trials_b,
            successes_a,
            trials_a,
            method="log",
            compare="ratio",
            alpha=alpha,
        )
        lift, lift_low, lift_high = p_b / p_a - 1, float(r_low) - 1, float(r_high) - 1
    elif successes_a > 0:
        lift = p_b / p_a - 1
    return Comparison(
        test="two-proportion z-test",
        n_a=float(trials_a),
        n_b=float(trials_b),
        value_a=p_a,
        value_b=p_b,
        diff=p_b - p_a,
        diff_low=float(low),
        diff_high=float(high),
        lift=lift,
        lift_low=lift_low,
        lift_high=lift_high,
        statistic=z,
        df=None,
        p_value=p,
        confidence=confidence,
    )


# -- means of per-post rates ----------------------------------------------------------


def welch_test(a: Sequence[float], b: Sequence[float], *, confidence: float = 0.95) -> Comparison:
    """Welch's unequal-variance t-test of mean(B) - mean(A), with a delta-method lift interval."""
    import numpy as np
    from scipy import stats

    _check_confidence(confidence)
    xa, xb = np.asarray(_clean(a, "A")), np.asarray(_clean(b, "B"))
    mean_a, mean_b = float(xa.mean()), float(xb.mean())
    var_a, var_b = float(xa.var(ddof=1)), float(xb.var(ddof=1))
    if np.ptp(xa) == 0 and np.ptp(xb) == 0:
        same = math.isclose(mean_a, mean_b, rel_tol=1e-12, abs_tol=1e-15)
        return Comparison(
            "Welch t-test",
            float(len(xa)),
            float(len(xb)),
            mean_a,
            mean_b,
            mean_b - mean_a,
            mean_b - mean_a,
            mean_b - mean_a,
            None if mean_a == 0 else mean_b / mean_a - 1,
            None,
            None,
            0.0 if same else math.inf,
            None,
            1.0 if same else 0.0,
            confidence,
        )
    import warnings

    with warnings.catch_warnings():  # nearly constant rates: harmless rounding noise
        warnings.filterwarnings("ignore", message=_PRECISION, category=RuntimeWarning)
        res = stats.ttest_ind(xb, xa, equal_var=False)
    ci = res.confidence_interval(confidence_level=confidence)
    lift = lift_low = lift_high = None
    if mean_a > 0 and mean_b > 0:
        # Delta method on log(mean_b / mean_a), interval mapped back: stays positive.
        se_log = math.sqrt(var_b / (len(xb) * mean_b**2) + var_a / (len(xa) * mean_a**2))
        t_crit = float(stats.t.ppf(1 - (1 - confidence) / 2, float(res.df)))
        log_ratio = math.log(mean_b / mean_a)
        lift = mean_b / mean_a - 1
        lift_low = math.exp(log_ratio - t_crit * se_log) - 1
        lift_high = math.exp(log_ratio + t_crit * se_log) - 1
    elif mean_a > 0:
        lift = mean_b / mean_a - 1
    return Comparison(
        test="Welch t-test",
        n_a=float(len(xa)),
        n_b=float(len(xb)),
        value_a=mean_a,
        value_b=mean_b,
        diff=mean_b - mean_a,
        diff_low=float(ci.low),
        diff_high=float(ci.high),
        lift=lift,
        lift_low=lift_low,
        lift_high=lift_high,
        statistic=float(res.statistic),
        df=float(res.df),
        p_value=float(res.pvalue),
        confidence=confidence,
    )


def bootstrap_test(
    a: Sequence[float],
    b: Sequence[float],
    *,
    confidence: float = 0.95,
    seed: int = 0,
    resamples: int = BOOTSTRAP_RESAMPLES,
) -> Comparison:
    """Seeded BCa bootstrap of mean(B) - mean(A) and of mean(B) / mean(A) - 1.

    Each variant is resampled on its own (posts are independent units). The
    p-value inverts the percentile interval: the smallest two-sided level at
    which the bootstrap distribution of the difference excludes zero.
    """
    import numpy as np
    from scipy import stats

    _check_confidence(confidence)
    xa, xb = np.asarray(_clean(a, "A")), np.asarray(_clean(b, "B"))
    mean_a, mean_b = float(xa.mean()), float(xb.mean())
    if resamples < 100:
        raise UsageError("The bootstrap needs at least 100 resamples.", hint="Use 5000.")
    rng = np.random.default_rng(seed)
    # One set of resamples serves both statistics (and the p-value).
    ia = rng.integers(0, len(xa), size=(resamples, len(xa)))
    ib = rng.integers(0, len(xb), size=(resamples, len(xb)))
    boot_a = xa[ia].mean(axis=1)
    boot_b = xb[ib].mean(axis=1)
    boot_diff = boot_b - boot_a
    degenerate = bool(np.ptp(boot_diff) == 0)

    def diff_stat(x: object, y: object, axis: int = -1) -> object:
        return np.mean(y, axis=axis) - np.mean(x, axis=axis)  # type: ignore[call-overload]

    if degenerate:
        low = high = mean_b - mean_a
    else:
        res = stats.bootstrap(
            (xa, xb),
            diff_stat,
            confidence_level=confidence,
            n_resamples=resamples,
            method="BCa",
            random_state=np.random.default_rng(seed),
            vectorized=True,
        )
        low, high = float(res.confidence_interval.low), float(res.confidence_interval.high)
    lift = lift_low = lift_high = None
    if mean_a > 0:
        lift = mean_b / mean_a - 1
        ratios = boot_b[boot_a > 0] / boot_a[boot_a > 0] - 1
        if len(ratios) and not degenerate:
            tail = (1 - confidence) / 2
            lift_low, lift_high = (float(v) for v in np.quantile(ratios, [tail, 1 - tail]))
    if degenerate:
        p = 1.0 if mean_b == mean_a else 0.0
    else:
        below = float(np.mean(boot_diff <= 0))
        above = float(np.mean(boot_diff >= 0))
        p = min(1.0, 2 * min(below, above))
        p = max(p, 1 / resamples)  # a bootstrap cannot show p smaller than 1 / B
    return Comparison(
        test="bootstrap",
        n_a=float(len(xa)),
        n_b=float(len(xb)),
        value_a=mean_a,
        value_b=mean_b,
        diff=mean_b - mean_a,
        diff_low=float(low),
        diff_high=float(high),
        lift=lift,
        lift_low=lift_low,
        lift_high=lift_high,
        statistic=None,
        df=None,
        p_value=p,
        confidence=confidence,
    )


def choose_mean_test(*samples: Sequence[float]) -> tuple[TestName, str]:
    """Welch when every sample is large enough for its skew (Cochran's rule), else bootstrap.

    With fewer than :data:`MIN_N_BOOTSTRAP` values in some variant neither is reliable;
    Welch's t-test is used then, because its wide small-sample intervals are the
    cautious error.
    """
    import warnings

    from scipy import stats

    reasons: list[str] = []
    tiny: list[str] = []
    for label, values in zip("ABCDEFGH", samples, strict=False):
        clean = [float(v) for v in values if v is not None and not math.isnan(float(v))]
        n = len(clean)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=_PRECISION, category=RuntimeWarning)
            skew = float(stats.skew(clean)) if n > 2 and len(set(clean)) > 1 else 0.0
        if math.isnan(skew):
            skew = 0.0
        need = max(MIN_N_WELCH, math.ceil(25 * skew**2))
        if n < MIN_N_BOOTSTRAP:
            tiny.append(f"{label} has {n}")
        if n < need:
            reasons.append(
                f"{label} has {n} posts, fewer than the {need} its skewness ({skew:.1f}) needs"
            )
    if tiny:
        return "Welch t-test", (
            "Per-post rates compared with Welch's t-test although there are very few posts ("
            + ", ".join(tiny)
            + f"; under {MIN_N_BOOTSTRAP} a bootstrap interval is too narrow, while the "
            "t-test's few degrees of freedom keep its interval honestly wide). Treat the "
            "result as a first indication."
        )
    if reasons:
        return "bootstrap", (
            "Per-post rates compared with a bootstrap (BCa, seeded) because the t-test's "
            "normal approximation is doubtful: " + "; ".join(reasons) + " (Cochran's rule: "
            f"n ≥ max({MIN_N_WELCH}, 25 × skewness²))."
        )
    return "Welch t-test", (
        "Per-post rates compared with Welch's t-test (unequal variances): every variant has "
        f"at least max({MIN_N_WELCH}, 25 × skewness²) posts, so the means are close to normal "
        "(Cochran's rule)."
    )


# -- allocation, multiple comparisons ----------------------------------------------------------


def srm_check(observed: Sequence[float], planned: Sequence[float] | None = None) -> SRMResult:
    """Chi-square test of the observed allocation against the planned split (default equal)."""
    from scipy import stats

    obs = [float(v) for v in observed]
    if len(obs) < 2:
        raise UsageError("A sample-ratio check needs at least two variants.", hint="Add --b.")
    if any(v < 0 or math.isnan(v) for v in obs):
        raise BadInput("Allocation counts must be zero or more.", hint="Check the data.")
    shares = [1.0] * len(obs) if planned is None else [float(v) for v in planned]
    if len(shares) != len(obs) or any(v <= 0 or math.isnan(v) for v in shares):
        raise UsageError(
            f"The planned split needs one positive share per variant ({len(obs)}), got {planned}.",
            hint="Write it like 50,50 or 1,1,2.",
        )
    total_share = sum(shares)
    shares = [s / total_share for s in shares]
    total = sum(obs)
    expected = [total * s for s in shares]
    if total == 0:
        return SRMResult(tuple(obs), tuple(expected), tuple(shares), 0.0, 1.0, False)
    res = stats.chisquare(obs, f_exp=expected)
    p = float(res.pvalue)
    return SRMResult(
        tuple(obs), tuple(expected), tuple(shares), float(res.statistic), p, p < SRM_ALPHA
    )


def adjust_pvalues(p_values: Sequence[float], *, method: str = "holm") -> list[float]:
    """Family-wise error control for several comparisons (Holm by default; or bonferroni).

    Holm (1979): sort the m p-values, multiply the k-th smallest (k = 0, 1, ...) by
    m - k, carry the running maximum, cap at 1. The same as statsmodels'
    ``multipletests`` (a test checks), without its ``gc.collect()`` call, which
    costs a quarter of a second in a process holding Ibis expressions.
    """
    if method not in ("holm", "bonferroni"):
        raise UsageError(f"Unknown correction {method!r}.", hint="Use holm or bonferroni.")
    ps = [float(p) for p in p_values]
    m = len(ps)
    if m <= 1:
        return ps
    if method == "bonferroni":
        return [min(1.0, p * m) for p in ps]
    order = sorted(range(m), key=lambda i: ps[i])
    adjusted = [0.0] * m
    running = 0.0
    for k, i in enumerate(order):
        running = max(running, min(1.0, (m - k) * ps[i]))
        adjusted[i] = running
    return adjusted


# -- power and sample size ------------------------------------------------------------------


def _check_power(alpha: float, power: float, variants: int) -> None:
    if not 0 < alpha < 1:
        raise UsageError(f"alpha must be between 0 and 1, got {alpha}.", hint="Use 0.05.")
    if not 0 < power < 1:
        raise UsageError(f"power must be between 0 and 1, got {power}.", hint="Use 0.8.")
    if variants < 2:
        raise UsageError("A pilot needs at least two variants.", hint="Use --variants 2.")


def _solve_n(effect_size: float, alpha: float, power: float) -> float:
    """Units per group for a two-sided test: statsmodels' ``NormalIndPower.power`` solved
    with a bracketing root finder.

    ``NormalIndPower.solve_power`` uses ``fsolve``, which can step to negative sample
    sizes for large effects (a NaN and a RuntimeWarning); the closed form
    n = 2 ((z_{1-α/2} + z_{1-β}) / es)², which ignores the far tail, brackets the root.
    """
    from scipy.optimize import brentq
    from scipy.stats import norm
    from statsmodels.stats.power import NormalIndPower

    if power <= alpha:
        raise UsageError(
            f"Power {power:g} must exceed the significance level {alpha:g}.", hint="Use 0.8."
        )
    upper = 2 * ((float(norm.ppf(1 - alpha / 2)) + float(norm.ppf(power))) / effect_size) ** 2
    calc = NormalIndPower()

    def gap(n: float) -> float:
        return float(calc.power(effect_size, n, alpha, ratio=1.0, alternative="two-sided")) - power

    if gap(upper) <= 0:
        return upper
    return float(brentq(gap, 1e-9, upper, xtol=1e-9))


def _per_comparison_alpha(alpha: float, variants: int) -> float:
    # Plan for the worst case of Holm's correction (Bonferroni over variants - 1 comparisons).
    return alpha / max(1, variants - 1)


def target_value(baseline: float, mde: float, *, relative: bool) -> float:
    """The value a variant must reach: baseline × (1 + mde) or baseline + mde."""
    return baseline * (1 + mde) if relative else baseline + mde


def sample_size_proportions(
    baseline: float,
    mde: float,
    *,
    relative: bool = True,
    alpha: float = 0.05,
    power: float = 0.8,
    variants: int = 2,
) -> SampleSize:
    """Trials (impressions) per variant to detect ``baseline`` → target (Cohen's h, normal)."""
    from statsmodels.stats.proportion import proportion_effectsize

    _check_power(alpha, power, variants)
    if not 0 < baseline < 1:
        raise UsageError(
            f"The baseline of a proportion must be between 0 and 1, got {baseline}.",
            hint="Write a CTR of 1.2 % as 0.012 or 1.2%.",
        )
    target = target_value(baseline, mde, relative=relative)
    if mde == 0 or not 0 < target < 1:
        raise UsageError(
            f"A minimum detectable effect of {mde:g} takes the baseline {baseline:g} to "
            f"{target:g}, which is not a different proportion.",
            hint="Use a non-zero effect that keeps the rate between 0 and 1, e.g. --mde 10%.",
        )
    h = abs(float(proportion_effectsize(target, baseline)))
    n = _solve_n(h, _per_comparison_alpha(alpha, variants), power)
    return SampleSize(math.ceil(float(n)), h, baseline, target, alpha, power, variants)


def sample_size_means(
    baseline: float,
    mde: float,
    sd: float,
    *,
    relative: bool = True,
    alpha: float = 0.05,
    power: float = 0.8,
    variants: int = 2,
) -> SampleSize:
    """Units (posts) per variant to detect a shift of the mean (Cohen's d = delta / sd)."""

    _check_power(alpha, power, variants)
    if not sd > 0 or math.isinf(sd):
        raise UsageError(
            f"The standard deviation must be positive, got {sd}.",
            hint="Pass --sd, or import posts so it can be estimated.",
        )
    target = target_value(baseline, mde, relative=relative)
    if target == baseline:
        raise UsageError("The minimum detectable effect must not be zero.", hint="e.g. --mde 10%.")
    d = abs(target - baseline) / sd
    n = _solve_n(d, _per_comparison_alpha(alpha, variants), power)
    return SampleSize(math.ceil(float(n)), d, baseline, target, alpha, power, variants)
