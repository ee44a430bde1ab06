"""The statistics behind pilots (A/B tests), anchored on scipy and statsmodels.

Every function here is pure (numbers in, a frozen dataclass out) and needs no
workspace, so it can be checked against textbook cases:

- :func:`two_proportion_test`: rates built from counts summed per variant
  (link CTR = link clicks / impressions). A Wald z-test of the difference with
  the Wald interval it inverts (statsmodels ``test_proportions_2indep`` and
  ``confint_proportions_2indep``, method "wald"), so the verdict and the
  interval always agree, and Fieller's interval for the ratio, which gives the
  relative lift (it inverts the same test, so it holds 0 % lift exactly when the
  interval for the difference holds 0). When the counts come from several units per variant (ads,
  ad-days, posts) and vary between units more than binomial chance allows, the
  variance is scaled by the Pearson dispersion (quasi-binomial, as a
  statsmodels GLM with ``scale="X2"``) and the reference is Student's t:
  impressions of one unit are not independent trials.
- :func:`dispersion`: that Pearson dispersion from per-unit counts.
- :func:`welch_test`: per-post rates (engagement rate of each post). Welch's
  t-test (scipy ``ttest_ind(equal_var=False)``), its interval for the
  difference in means, and Fieller's interval for the relative lift.
- :func:`bootstrap_test`: the same question when posts are few or the rates
  very skewed: a seeded, expanded percentile bootstrap (Hesterberg 2015) of the
  difference in means and of the relative lift. The p-value is the smallest
  two-sided level at which the same interval leaves out zero, so the two can
  never disagree.
- :func:`choose_mean_test`: which of the two applies, and why (Cochran's rule).
- :func:`srm_check`: sample-ratio mismatch, a chi-square goodness-of-fit test
  of the observed allocation against the planned split (its p exact, or simulated,
  where a count is expected below 5).
- :func:`adjust_pvalues`: Holm's step-down correction for several comparisons
  against the control (statsmodels ``multipletests``); :func:`holm_levels`:
  the confidence level of each comparison's interval that matches Holm's
  decision, so an interval leaves out zero exactly when its adjusted p-value
  is below alpha.
- :func:`sample_size_proportions` / :func:`sample_size_means`: power analysis,
  with Cohen's h for proportions (statsmodels ``NormalIndPower``) and Cohen's d for
  means (``TTestIndPower``: the noncentral t of the t-test that compares them).
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
    df: float | None  # Welch-Satterthwaite, or the quasi-binomial residual df; None for z
    p_value: float
    confidence: float  # e.g. 0.95
    # Two-proportion test only: a variant had 0 % or 100 %, so the interval and the
    # test are Agresti-Caffo's (one success and one failure added to each variant).
    adjusted: bool = False
    # Means tests only: no spread within either variant and different means. There is no
    # measure of chance (t is infinite, a bootstrap has one value), so the difference is
    # not taken as evidence: p is 1, and the pilot report says why.
    degenerate: bool = False

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
    #: how p was found: "chi-square"; with an expected count under 5 (few posts), "exact"
    #: (the binomial test, two variants) or "simulated" (the multinomial, seeded draws)
    method: str = "chi-square"


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


def fieller_lift(
    mean_a: float, mean_b: float, var_a: float, var_b: float, crit: float
) -> tuple[float | None, float | None]:
    """Fieller's interval for mean_b / mean_a - 1 (Fieller 1954), given the variances of the
    two estimates and the critical value of the test of the difference.

    It holds every ratio R that the same Wald-type test does not reject,
    |mean_b - R mean_a| <= crit sqrt(var_b + R² var_a); at R = 1 that is the test of
    the difference, so the lift interval holds 0 exactly when the difference's does.
    The ends solve a quadratic; when mean_a is itself indistinguishable from 0
    (mean_a² <= crit² var_a) the set is unbounded and (None, None) is returned.
    """
    lead = mean_a**2 - crit**2 * var_a
    if not lead > 0:
        return None, None
    root = crit * math.sqrt(var_a * mean_b**2 + var_b * lead)
    low = (mean_a * mean_b - root) / lead
    high = (mean_a * mean_b + root) / lead
    return max(low, 0.0) - 1, high - 1  # a ratio of rates is never negative


def dispersion(
    groups: Sequence[tuple[Sequence[float], Sequence[float]]],
) -> tuple[float, float]:
    """Pearson dispersion of per-unit counts around each variant's pooled rate.

    ``groups`` holds, per variant, the successes and the trials of each unit (ad,
    ad-day or post). Returns ``(phi, df)`` with phi = X² / df and df = units -
    variants, the quasi-binomial scale a statsmodels GLM fitted with
    ``scale="X2"`` reports. phi is 1 (and df 0) when it cannot be estimated: one
    unit per variant, or a variant whose rate is 0 or 1.
    """
    chi2 = 0.0
    units = 0
    for successes, trials in groups:
        s = [float(v) for v in successes]
        n = [float(v) for v in trials]
        if len(s) != len(n):
            raise BadInput("Successes and trials differ in length.", hint="Check the data.")
        total_n = sum(n)
        if total_n <= 0:
            return 1.0, 0.0
        rate = sum(s) / total_n
        if rate <= 0 or rate >= 1:
            return 1.0, 0.0
        var = rate * (1 - rate)
        for si, ni in zip(s, n, strict=True):
            if ni > 0:
                chi2 += (si - ni * rate) ** 2 / (ni * var)
                units += 1
    df = float(units - len(groups))
    if df <= 0:
        return 1.0, 0.0
    return chi2 / df, df


def two_proportion_test(
    successes_a: float,
    trials_a: float,
    successes_b: float,
    trials_b: float,
    *,
    confidence: float = 0.95,
    phi: float = 1.0,
    phi_df: float = 0.0,
) -> Comparison:
    """Wald z-test of p_b - p_a with the Wald interval it inverts, and Fieller's lift interval.

    The test and the interval share one standard error (unpooled), so the interval
    leaves out zero exactly when p < 1 - confidence. With a dispersion ``phi`` above
    1 (see :func:`dispersion`) the variances are scaled by it and the reference
    distribution is Student's t with ``phi_df`` degrees of freedom (quasi-binomial).

    A variant at 0 % or 100 % has no Wald variance at all (0 of 3 against 3 of 3
    would be "certain", p = 0, an interval of no width), so then the standard error,
    the interval and the test are Agresti and Caffo's (2000): one success and one
    failure are added to each variant (statsmodels method "agresti-caffo"). The
    reported rates and difference stay the observed ones; ``adjusted`` says so.
    """
    from scipy import stats

    _check_confidence(confidence)
    _check_counts(successes_a, trials_a, "A")
    _check_counts(successes_b, trials_b, "B")
    alpha = 1 - confidence
    scale = phi if phi > 1 and phi_df > 0 else 1.0
    df = phi_df if scale > 1 else None
    p_a, p_b = successes_a / trials_a, successes_b / trials_b
    diff = p_b - p_a
    adjusted = any(p in (0.0, 1.0) for p in (p_a, p_b))
    if adjusted:  # Agresti-Caffo: no variant without variance
        n_a, n_b = trials_a + 2, trials_b + 2
        e_a, e_b = (successes_a + 1) / n_a, (successes_b + 1) / n_b
    else:
        n_a, n_b, e_a, e_b = trials_a, trials_b, p_a, p_b
    centre = e_b - e_a
    se = math.sqrt(scale * (e_a * (1 - e_a) / n_a + e_b * (1 - e_b) / n_b))

    def tail(z: float) -> float:  # two-sided p
        return float(2 * (stats.t.sf(abs(z), df) if df else stats.norm.sf(abs(z))))

    crit = float(stats.t.ppf(1 - alpha / 2, df) if df else stats.norm.ppf(1 - alpha / 2))
    z = centre / se  # se > 0: every rate above is strictly between 0 and 1
    p = tail(z)
    # A difference of two proportions lies in [-1, 1]; cutting the ends there moves
    # neither end across zero, so the interval still agrees with the test.
    low, high = max(centre - crit * se, -1.0), min(centre + crit * se, 1.0)
    lift = lift_low = lift_high = None
    if successes_a > 0:
        lift = p_b / p_a - 1
        lift_low, lift_high = fieller_lift(
            e_a,
            e_b,
            scale * e_a * (1 - e_a) / n_a,
            scale * e_b * (1 - e_b) / n_b,
            crit,
        )
    return Comparison(
        test="two-proportion z-test",
        n_a=float(trials_a),
        n_b=float(trials_b),
        value_a=p_a,
        value_b=p_b,
        diff=diff,
        diff_low=float(low),
        diff_high=float(high),
        lift=lift,
        lift_low=lift_low,
        lift_high=lift_high,
        statistic=z,
        df=df,
        p_value=p,
        confidence=confidence,
        adjusted=adjusted,
    )


# -- means of per-post rates ----------------------------------------------------------


def welch_test(a: Sequence[float], b: Sequence[float], *, confidence: float = 0.95) -> Comparison:
    """Welch's unequal-variance t-test of mean(B) - mean(A), with Fieller's lift interval."""
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
            1.0,  # equal: no difference; apart: no measure of chance (``degenerate``)
            confidence,
            degenerate=not same,
        )
    import warnings

    with warnings.catch_warnings():  # nearly constant rates: harmless rounding noise
        warnings.filterwarnings("ignore", message=_PRECISION, category=RuntimeWarning)
        res = stats.ttest_ind(xb, xa, equal_var=False)
    ci = res.confidence_interval(confidence_level=confidence)
    lift = lift_low = lift_high = None
    if mean_a > 0:
        t_crit = float(stats.t.ppf(1 - (1 - confidence) / 2, float(res.df)))
        lift = mean_b / mean_a - 1
        lift_low, lift_high = fieller_lift(mean_a, mean_b, var_a / len(xa), var_b / len(xb), t_crit)
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


def _percentile_rank(alpha: float, resamples: int) -> int:
    """How many bootstrap values lie beyond each end of the percentile interval.

    The largest count c with 2c / B < alpha: the interval runs from the (c+1)-th
    smallest to the (c+1)-th largest value, so it leaves out zero exactly when at most
    c values lie on the far side of zero, which is when the p-value 2c / B < alpha.
    """
    c = max(0, math.floor(alpha * resamples / 2))
    while c > 0 and 2 * c / resamples >= alpha:
        c -= 1
    while 2 * (c + 1) / resamples < alpha:
        c += 1
    return c


def bootstrap_test(
    a: Sequence[float],
    b: Sequence[float],
    *,
    confidence: float = 0.95,
    seed: int = 0,
    resamples: int = BOOTSTRAP_RESAMPLES,
) -> Comparison:
    """Seeded bootstrap of mean(B) - mean(A) and of mean(B) / mean(A) - 1.

    Each variant is resampled on its own (its units are independent). The interval
    is the *expanded* percentile interval (Hesterberg, "What Teachers Should Know
    About the Bootstrap", The American Statistician 69(4), 2015): plain percentile
    intervals are too narrow in small samples (90-92 % coverage for 20 skewed values
    a side), so the tail share is taken at 2 Φ(-√(n/(n-1)) t(1-α/2, n-1)) instead of
    α, with n the smaller variant. The p-value comes from the same resamples: the
    share of resampled differences on the far side of zero (at least 1 / B), mapped
    back through the same expansion, so the interval leaves out zero exactly when
    p < 1 - confidence.
    """
    import numpy as np
    from scipy import stats

    _check_confidence(confidence)
    xa, xb = np.asarray(_clean(a, "A")), np.asarray(_clean(b, "B"))
    mean_a, mean_b = float(xa.mean()), float(xb.mean())
    n_small = min(len(xa), len(xb))
    k, df = math.sqrt(n_small / (n_small - 1)), n_small - 1
    alpha = float(2 * stats.norm.sf(k * float(stats.t.isf((1 - confidence) / 2, df))))
    if alpha * 10_000_000 <= 1:
        raise UsageError(
            f"{n_small} values in a variant are too few for a bootstrap at {confidence:.4g} "
            "confidence.",
            hint="Use Welch's t-test (--test welch), or widen the period or the filter.",
        )
    if resamples < 100 or alpha * resamples <= 1:
        need = max(100, math.floor(1 / alpha) + 1)
        # Few values widen the expanded interval's tails beyond what the resamples can
        # show; a pilot cannot ask for more resamples, so the way out is said first.
        raise UsageError(
            f"A bootstrap at {confidence:.4g} confidence with {n_small} values in a variant "
            f"needs more than {need - 1:,} resamples (this one has {resamples:,}).",
            hint="Use Welch's t-test (--test welch), or widen the period or the filter so "
            "each variant has more values.",
        )
    rng = np.random.default_rng(seed)
    # One set of resamples serves the difference, the lift and the p-value.
    ia = rng.integers(0, len(xa), size=(resamples, len(xa)))
    ib = rng.integers(0, len(xb), size=(resamples, len(xb)))
    boot_a = xa[ia].mean(axis=1)
    boot_b = xb[ib].mean(axis=1)
    boot_diff = np.sort(boot_b - boot_a)
    degenerate = bool(boot_diff[-1] == boot_diff[0])
    c = _percentile_rank(alpha, resamples)
    if degenerate:
        low = high = mean_b - mean_a
        p = 1.0  # equal: no difference; apart: no measure of chance (``degenerate``)
    else:
        low, high = float(boot_diff[c]), float(boot_diff[resamples - 1 - c])
        far = min(int(np.sum(boot_diff <= 0)), int(np.sum(boot_diff >= 0)))
        share = min(1.0, max(2 * far, 1) / resamples)  # cannot be shown below 1 / B
        # The level whose expanded tail share is `share`: p < 1 - confidence exactly
        # when share < alpha, i.e. when the interval leaves out zero.
        p = min(1.0, float(2 * stats.t.sf(float(stats.norm.isf(share / 2)) / k, df)))
    lift = lift_low = lift_high = None
    if mean_a > 0:
        lift = mean_b / mean_a - 1
        ok = boot_a > 0
        ratios = np.sort(boot_b[ok] / boot_a[ok] - 1)
        if len(ratios) and not degenerate:
            if len(ratios) == resamples:  # same order statistics: the same verdict
                lift_low, lift_high = float(ratios[c]), float(ratios[resamples - 1 - c])
            else:
                tail = alpha / 2
                lift_low, lift_high = (float(v) for v in np.quantile(ratios, [tail, 1 - tail]))
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
        degenerate=degenerate and mean_b != mean_a,
    )


def choose_mean_test(*samples: Sequence[float], unit: str = "posts") -> tuple[TestName, str]:
    """Welch when every sample is large enough for its skew (Cochran's rule), else bootstrap.

    With fewer than :data:`MIN_N_BOOTSTRAP` values in some variant neither is reliable;
    Welch's t-test is used then, because its wide small-sample intervals are the
    cautious error. ``unit`` names what the values are per (posts, ads, ad-days).
    """
    one = {"posts": "post", "ads": "ad", "ad-days": "ad-day"}.get(unit, unit)
    per = f"Per-{one} values"
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
                f"{label} has {n} {unit}, fewer than the {need} its skewness ({skew:.1f}) needs"
            )
    if tiny:
        return "Welch t-test", (
            f"{per} compared with Welch's t-test although there are very few {unit} ("
            + ", ".join(tiny)
            + f"; under {MIN_N_BOOTSTRAP} a bootstrap interval is too narrow, while the "
            "t-test's few degrees of freedom keep its interval honestly wide). Treat the "
            "result as a first indication."
        )
    if reasons:
        return "bootstrap", (
            f"{per} compared with an expanded percentile bootstrap (seeded) because the t-test's "
            "normal approximation is doubtful: " + "; ".join(reasons) + " (Cochran's rule: "
            f"n ≥ max({MIN_N_WELCH}, 25 × skewness²))."
        )
    return "Welch t-test", (
        f"{per} compared with Welch's t-test (unequal variances): every variant has "
        f"at least max({MIN_N_WELCH}, 25 × skewness²) {unit}, so the means are close to normal "
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
    method = "chi-square"
    if min(expected) < SRM_MIN_EXPECTED and all(float(v).is_integer() for v in obs):
        # The chi-square's p is too small where a count is expected below 5 (10 posts
        # against 90 : 10, 5 in B: p = 0.00003 where the exact binomial p is 0.0016).
        method, p = _small_count_p(obs, shares, float(res.statistic))
    return SRMResult(
        tuple(obs), tuple(expected), tuple(shares), float(res.statistic), p, p < SRM_ALPHA, method
    )


#: Cochran's rule for the chi-square: every expected count at least 5.
SRM_MIN_EXPECTED = 5.0
SRM_DRAWS = 20_000


def _small_count_p(obs: list[float], shares: list[float], chi2: float) -> tuple[str, float]:
    """The p of a sample-ratio check with small expected counts: the exact binomial test
    for two variants (scipy ``binomtest``), else the share of seeded multinomial draws whose
    chi-square is at least the observed (Monte Carlo, as R's ``chisq.test(simulate.p.value
    = TRUE)``: (1 + hits) / (1 + draws))."""
    import numpy as np
    from scipy import stats

    n = round(sum(obs))
    if len(obs) == 2:
        return "exact", float(stats.binomtest(round(obs[0]), n, shares[0]).pvalue)
    rng = np.random.default_rng(0)
    draws = rng.multinomial(n, shares, size=SRM_DRAWS)
    expected = np.asarray(shares) * n
    stat = ((draws - expected) ** 2 / expected).sum(axis=1)
    hits = int(np.sum(stat >= chi2 * (1 - 1e-12)))
    return "simulated", (1 + hits) / (1 + SRM_DRAWS)


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


def holm_levels(p_values: Sequence[float], alpha: float) -> list[float]:
    """The confidence level of each comparison's interval that matches Holm's decision.

    Holm's procedure tests the k-th smallest p-value (k = 0, 1, ...) at alpha / (m - k)
    and stops at the first it cannot reject; every later one is kept too. The
    interval of a rejected comparison is at 1 - alpha / (m - k), the level its own
    step used, so it leaves out zero; every comparison from the first kept one on
    gets the level of that step, 1 - alpha / (m - r), which its p-value does not
    beat, so its interval holds zero. The interval therefore leaves out zero exactly
    when the Holm-adjusted p-value (:func:`adjust_pvalues`) is below alpha. With one
    comparison this is the plain 1 - alpha interval.
    """
    if not 0 < alpha < 1:
        raise UsageError(f"alpha must be between 0 and 1, got {alpha}.", hint="Use 0.05.")
    ps = [float(p) for p in p_values]
    m = len(ps)
    adjusted = adjust_pvalues(ps, method="holm")
    order = sorted(range(m), key=lambda i: ps[i])
    levels = [0.0] * m
    stop: int | None = None
    for k, i in enumerate(order):
        if stop is None and not adjusted[i] < alpha:
            stop = k
        step = k if stop is None else stop
        levels[i] = 1 - alpha / (m - step)
    return levels


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
        got = float(calc.power(effect_size, n, alpha, ratio=1.0, alternative="two-sided"))
        if math.isnan(got):  # the noncentral t fails where power is all but 1 (nc > ~8)
            got = _t_power(effect_size, n, alpha)
        return got - power

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
    if not math.isfinite(baseline) or not math.isfinite(mde):
        raise UsageError(
            f"The baseline and the effect must be numbers, got {baseline} and {mde}.",
            hint="Use numbers such as a baseline of 0.05 and an effect of 10%.",
        )
    target = target_value(baseline, mde, relative=relative)
    if target == baseline and mde != 0:  # a relative change of 0 is 0
        raise UsageError(
            "A relative minimum detectable effect of a baseline of 0 is no change at all.",
            hint="Give the effect in percentage points (e.g. 0.2pp), or a baseline above 0.",
        )
    if target == baseline:
        raise UsageError("The minimum detectable effect must not be zero.", hint="e.g. --mde 10%.")
    d = abs(target - baseline) / sd
    n = _solve_n_t(d, _per_comparison_alpha(alpha, variants), power)
    return SampleSize(math.ceil(float(n)), d, baseline, target, alpha, power, variants)


def _t_power(effect_size: float, n: float, alpha: float) -> float:
    """Power of the two-sided two-sample t-test with ``n`` per group, by integrating the
    normal over the estimated spread: T = (Z + nc) / sqrt(V / df), V chi-square with
    df = 2n - 2, nc = d sqrt(n / 2). Integrated over V's quantiles (a smooth integrand on
    0-1), it stays finite where scipy's and statsmodels' noncentral t give NaN."""
    from scipy import stats
    from scipy.integrate import quad

    df = 2 * n - 2
    nc = effect_size * math.sqrt(n / 2)
    crit = float(stats.t.ppf(1 - alpha / 2, df))

    def at(u: float) -> float:
        spread = math.sqrt(float(stats.chi2.ppf(u, df)) / df)
        return float(stats.norm.sf(crit * spread - nc) + stats.norm.cdf(-crit * spread - nc))

    return float(quad(at, 0, 1, limit=200)[0])


def _solve_n_t(effect_size: float, alpha: float, power: float) -> float:
    """Units per group for the two-sided two-sample t-test (statsmodels ``TTestIndPower``,
    the noncentral t), as the pilot's means are compared with a t-test.

    The normal figure (:func:`_solve_n`) ignores that the spread is estimated: it is
    63 instead of 64 for d = 0.5 (Cohen 1988, table 2.4.1) and 2 instead of 3 for
    d = 5. At least 2 per group (a t-test needs a spread within each).
    """
    from scipy.optimize import brentq
    from statsmodels.stats.power import TTestIndPower

    normal = _solve_n(effect_size, alpha, power)
    calc = TTestIndPower()

    def gap(n: float) -> float:
        got = float(calc.power(effect_size, n, alpha, ratio=1.0, alternative="two-sided"))
        if math.isnan(got):  # the noncentral t fails where power is all but 1 (nc > ~8)
            got = _t_power(effect_size, n, alpha)
        return got - power

    low = 2.0
    if gap(low) >= 0:
        return low
    high = max(normal, low) + 1
    while gap(high) < 0:  # the t figure exceeds the normal one by about a unit or two
        high *= 2
    return float(brentq(gap, low, high, xtol=1e-9))
