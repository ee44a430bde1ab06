"""The pilot statistics against published textbook cases (the source of each is named)."""

from __future__ import annotations

import math
import warnings
from typing import Any

import pytest

from socialproof.campaigns import stats
from socialproof.errors import BadInput, UsageError

# R's `sleep` data (Cushny & Peebles 1905, as printed by Student 1908); R documents
# `t.test(extra ~ group, data = sleep)`: Welch t = -1.8608, df = 17.776,
# p-value = 0.07939, 95 % CI for group1 - group2: -3.3654832 .. 0.2054832.
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def test_welch_matches_r_sleep_example() -> None:
    # Our comparison is B - A, so with A = group 2 and B = group 1 the signs match R's.
    res = stats.welch_test(SLEEP_2, SLEEP_1)
    assert res.test == "Welch t-test"
    assert res.statistic == pytest.approx(-1.8608, abs=1e-4)
    assert res.df == pytest.approx(17.776, abs=1e-3)
    assert res.p_value == pytest.approx(0.07939, abs=1e-5)
    assert res.diff_low == pytest.approx(-3.3654832, abs=1e-6)
    assert res.diff_high == pytest.approx(0.2054832, abs=1e-6)
    assert res.value_a == pytest.approx(2.33)
    assert res.value_b == pytest.approx(0.75)
    assert not res.significant


def test_two_proportion_matches_agresti_aspirin_example() -> None:
    # Physicians' Health Study as analysed in Agresti, "Categorical Data Analysis"
    # (2nd ed., 2002, section 2.2): myocardial infarction 189 / 11,034 on placebo and
    # 104 / 11,037 on aspirin. Difference 0.0077, 95 % CI (0.005, 0.011); relative
    # risk 1.82, 95 % CI (1.43, 2.30); the z statistic for equal proportions is 5.0.
    res = stats.two_proportion_test(104, 11037, 189, 11034)  # A = aspirin, B = placebo
    assert res.test == "two-proportion z-test"
    assert res.diff == pytest.approx(0.0077, abs=5e-5)
    assert round(res.diff_low, 3) == 0.005
    assert round(res.diff_high, 3) == 0.011
    assert res.lift is not None and res.lift_low is not None and res.lift_high is not None
    assert res.lift + 1 == pytest.approx(1.82, abs=0.005)
    # The book's interval is Katz's (log scale); ours is Fieller's, which inverts the same
    # test as the difference: at these counts the two agree to about 0.03.
    assert res.lift_low + 1 == pytest.approx(1.43, abs=0.02)
    assert res.lift_high + 1 == pytest.approx(2.30, abs=0.04)
    assert res.statistic == pytest.approx(5.0, abs=0.05)
    assert res.p_value < 1e-6
    assert res.significant


def test_two_proportion_z_is_the_wald_formula_its_interval_inverts() -> None:
    # Hand formula (any statistics text): z = (p_b - p_a) / sqrt(p_a(1-p_a)/n_a + p_b(1-p_b)/n_b),
    # and the Wald interval is the difference ± 1.959964 times the same standard error.
    xa, na, xb, nb = 120, 10_000, 150, 10_000
    se = math.sqrt(0.012 * 0.988 / na + 0.015 * 0.985 / nb)
    z = (xb / nb - xa / na) / se
    res = stats.two_proportion_test(xa, na, xb, nb)
    assert res.statistic == pytest.approx(z, rel=1e-9)
    assert res.p_value == pytest.approx(math.erfc(abs(z) / math.sqrt(2)), rel=1e-9)
    assert res.diff_high - res.diff == pytest.approx(1.959964 * se, rel=1e-5)
    assert res.diff - res.diff_low == pytest.approx(1.959964 * se, rel=1e-5)


def test_two_proportion_zero_clicks_everywhere_is_no_difference() -> None:
    res = stats.two_proportion_test(0, 500, 0, 400)
    assert res.diff == 0
    assert res.lift is None
    assert not res.significant
    # No clicks in 900 impressions does not prove the rates equal: the interval has width
    # (it was +0 to +0, which claimed certainty).
    assert res.diff_low < 0 < res.diff_high
    assert res.adjusted


def test_two_proportion_all_or_nothing_is_not_certain() -> None:
    # 0 of 3 against 3 of 3: the Wald variance of both is 0, and the test said p = 0 with an
    # interval of no width. Agresti-Caffo by hand: (0+1)/(3+2) = 0.2 and (3+1)/(3+2) = 0.8,
    # se = sqrt(0.2 * 0.8 / 5 + 0.8 * 0.2 / 5) = sqrt(0.064), z = 0.6 / se = 2.3717.
    res = stats.two_proportion_test(0, 3, 3, 3)
    se = math.sqrt(0.064)
    assert res.adjusted
    assert (res.value_a, res.value_b, res.diff) == (0.0, 1.0, 1.0)  # observed rates kept
    assert res.statistic == pytest.approx(0.6 / se, rel=1e-12)
    assert res.p_value == pytest.approx(math.erfc(0.6 / se / math.sqrt(2)), rel=1e-12)
    assert res.p_value > 0.01
    assert res.diff_low == pytest.approx(0.6 - 1.959964 * se, rel=1e-6)
    assert res.diff_high == 1.0  # 0.6 + 1.96 se = 1.096, cut at the largest possible difference


@pytest.mark.parametrize(
    "counts",
    [
        (0, 1000, 5, 1000),
        (0, 20, 1, 20),
        (1, 2, 2, 2),
        (40, 40, 30, 40),
        (0, 12, 0, 7),
        (3, 50, 9, 9),
    ],
)
def test_two_proportion_with_a_rate_of_0_or_1_matches_statsmodels_agresti_caffo(
    counts: tuple[int, int, int, int],
) -> None:
    from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

    xa, na, xb, nb = counts
    with warnings.catch_warnings():  # statsmodels divides by a rate of 0 for its ratio
        warnings.simplefilter("ignore", RuntimeWarning)
        ref = test_proportions_2indep(xb, nb, xa, na, method="agresti-caffo", compare="diff")
        low, high = confint_proportions_2indep(
            xb, nb, xa, na, method="agresti-caffo", compare="diff"
        )
    res = stats.two_proportion_test(xa, na, xb, nb)
    assert res.adjusted
    assert res.statistic == pytest.approx(float(ref.statistic), rel=1e-9)
    assert res.p_value == pytest.approx(float(ref.pvalue), rel=1e-9)
    assert res.diff_low == pytest.approx(max(float(low), -1.0), rel=1e-9)
    assert res.diff_high == pytest.approx(min(float(high), 1.0), rel=1e-9)
    assert res.diff == xb / nb - xa / na
    assert res.significant == _excludes_zero(res)
    if res.lift_low is not None and res.lift_high is not None:
        assert res.significant == (res.lift_low > 0 or res.lift_high < 0)


def test_two_proportion_between_0_and_1_stays_wald() -> None:
    assert not stats.two_proportion_test(1, 1000, 6, 1000).adjusted


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((5, 0, 5, 10), BadInput),  # no trials
        ((11, 10, 5, 10), BadInput),  # more successes than trials
        ((-1, 10, 5, 10), BadInput),
    ],
)
def test_two_proportion_rejects_impossible_counts(args: tuple[int, ...], error: type) -> None:
    with pytest.raises(error):
        stats.two_proportion_test(*args)


def test_srm_matches_kohavi_example() -> None:
    # Kohavi, Tang & Xu, "Trustworthy Online Controlled Experiments" (2020), ch. 3:
    # 821,588 users in control vs 815,482 in treatment on a 50/50 design has
    # p-value 1.8e-6, a sample-ratio mismatch.
    res = stats.srm_check([821_588, 815_482], [50, 50])
    assert res.p_value == pytest.approx(1.8e-6, rel=0.05)
    assert res.mismatch
    ok = stats.srm_check([5_010, 4_990])
    assert not ok.mismatch
    assert ok.expected == (5000.0, 5000.0)


def test_srm_with_an_unequal_plan() -> None:
    # 1/3 : 2/3 split observed exactly: chi-square 0, no mismatch.
    res = stats.srm_check([1000, 2000], [1, 2])
    assert res.chi2 == pytest.approx(0.0)
    assert not res.mismatch
    with pytest.raises(UsageError):
        stats.srm_check([1, 2], [1, 2, 3])
    with pytest.raises(UsageError):
        stats.srm_check([1, 2], [0, 1])


def test_holm_matches_hand_computation() -> None:
    # Holm (1979) step-down: sorted p × (m - rank), then running maximum.
    # 0.005×4=0.02, 0.01×3=0.03, 0.03×2=0.06, 0.04×1=0.04→0.06 (monotone).
    assert stats.adjust_pvalues([0.01, 0.04, 0.03, 0.005]) == pytest.approx(
        [0.03, 0.06, 0.06, 0.02]
    )
    assert stats.adjust_pvalues([0.01, 0.04], method="bonferroni") == pytest.approx([0.02, 0.08])
    assert stats.adjust_pvalues([0.2]) == [0.2]
    # Anchored on statsmodels' implementation for random p-values, ties and p near 1.
    import numpy as np
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(5)
    for ps in (list(rng.random(5)), [0.01, 0.01, 0.5, 0.9], [0.6, 0.7, 0.8]):
        for method in ("holm", "bonferroni"):
            expected = multipletests(ps, method=method)[1]
            assert stats.adjust_pvalues(ps, method=method) == pytest.approx(list(expected))
    with pytest.raises(UsageError):
        stats.adjust_pvalues([0.1, 0.2], method="sidak-ish")


def test_sample_size_proportions_matches_cohen_table() -> None:
    # Cohen (1988), "Statistical Power Analysis", table 6.4.1: h = 0.20, two-sided
    # alpha 0.05, power 0.80 needs n = 392 per group. Pick a baseline/target with h = 0.2.
    baseline = 0.5
    target = math.sin(math.asin(math.sqrt(baseline)) + 0.1) ** 2  # h = 2·Δasin(√p) = 0.2
    res = stats.sample_size_proportions(baseline, target - baseline, relative=False)
    assert res.effect_size == pytest.approx(0.2, abs=1e-9)
    assert res.per_variant == 393  # 392.4 rounded up; Cohen prints 392
    assert res.total == 786


def test_sample_size_proportions_ctr_plan() -> None:
    # Closed form (Cohen 1988, eq. 6.4.1 for two samples): n = 2 ((z_{1-α/2} + z_{1-β}) / h)²
    # with h = |2 asin√p2 − 2 asin√p1| (the far tail, ~1e-10 here, is ignored).
    from scipy.stats import norm

    p1, p2 = 0.012, 0.012 * 1.1
    h = abs(2 * math.asin(math.sqrt(p2)) - 2 * math.asin(math.sqrt(p1)))
    n = 2 * ((norm.ppf(0.975) + norm.ppf(0.8)) / h) ** 2
    res = stats.sample_size_proportions(0.012, 0.10)
    assert res.per_variant == math.ceil(n)
    assert res.target == pytest.approx(0.0132)
    # Three variants: alpha split over two comparisons (Bonferroni bound for Holm).
    three = stats.sample_size_proportions(0.012, 0.10, variants=3)
    n3 = 2 * ((norm.ppf(1 - 0.025 / 2) + norm.ppf(0.8)) / h) ** 2
    assert three.per_variant == math.ceil(n3)


def _t_power(d: float, n: int, alpha: float) -> float:
    """Power of the two-sided two-sample t-test, n per group, by the noncentral t."""
    from scipy.stats import nct
    from scipy.stats import t as student

    df = 2 * n - 2
    crit = student.ppf(1 - alpha / 2, df)
    nc = d * math.sqrt(n / 2)
    return float(nct.sf(crit, df, nc) + nct.cdf(-crit, df, nc))


@pytest.mark.parametrize("d", [0.5, 1.0, 1.5, 5.0])
def test_sample_size_means_is_the_t_tests(d: float) -> None:
    # Means are compared with a t-test, so the plan is the t-test's: the smallest n per
    # group whose noncentral-t power reaches 0.8. Cohen (1988), table 2.4.1: d = 0.5 needs
    # 64 (the normal approximation gave 63; at d = 5 it gave 2, where the t-test needs 3).
    res = stats.sample_size_means(10.0, d, 1.0, relative=False)
    assert res.effect_size == pytest.approx(d)
    n = 2
    while _t_power(d, n, 0.05) < 0.8:
        n += 1
    assert res.per_variant == n
    if d == 0.5:
        assert n == 64


@pytest.mark.parametrize(("d", "power", "want"), [(8.0, 0.99, 3), (20.0, 0.8, 2), (40.0, 0.99, 2)])
def test_sample_size_means_of_a_huge_effect(d: float, power: float, want: int) -> None:
    # A large effect (a 375 % change on a small spread) made the noncentral t return NaN
    # between 2 and 3 per group, and the plan stopped with the solver's ValueError. The
    # answers come from the noncentral t where it is finite: d = 8 has power 0.958 at 2
    # per group (short of 0.99) and 0.99998 at 3; d = 20 and 40 reach ~1 at 2.
    assert _t_power(8.0, 2, 0.05) == pytest.approx(0.958, abs=1e-3)
    assert _t_power(8.0, 3, 0.05) > 0.999
    assert _t_power(20.0, 2, 0.05) > 0.9999
    res = stats.sample_size_means(10.0, d, 1.0, relative=False, power=power)
    assert res.per_variant == want


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"baseline": 1.5, "mde": 0.1}, "between 0 and 1"),
        ({"baseline": 0.5, "mde": 0.0}, "not a different proportion"),
        ({"baseline": 0.9, "mde": 0.2}, "not a different proportion"),
        ({"baseline": 0.1, "mde": 0.1, "power": 1.2}, "power"),
        ({"baseline": 0.1, "mde": 0.1, "variants": 1}, "two variants"),
    ],
)
def test_sample_size_rejects_bad_plans(kwargs: dict[str, float], match: str) -> None:
    with pytest.raises(UsageError, match=match):
        stats.sample_size_proportions(**kwargs)  # type: ignore[arg-type]


def test_sample_size_means_needs_a_spread() -> None:
    with pytest.raises(UsageError, match="standard deviation"):
        stats.sample_size_means(0.05, 0.1, 0.0)


def test_bootstrap_is_seeded_and_agrees_with_welch_on_sleep_data() -> None:
    one = stats.bootstrap_test(SLEEP_2, SLEEP_1, seed=7)
    two = stats.bootstrap_test(SLEEP_2, SLEEP_1, seed=7)
    assert one == two
    assert one.test == "bootstrap"
    assert one.diff == pytest.approx(-1.58)
    assert one.diff_low < one.diff < one.diff_high
    # Same question as Welch; with 10 values a side the bootstrap interval is a little
    # narrower (a known small-sample property), so the figures agree only roughly.
    welch = stats.welch_test(SLEEP_2, SLEEP_1)
    assert abs(one.diff_low - welch.diff_low) < 0.8
    assert abs(one.diff_high - welch.diff_high) < 0.8
    assert 0.01 < one.p_value < 0.2
    assert stats.bootstrap_test(SLEEP_2, SLEEP_1, seed=8) != one


def test_bootstrap_detects_a_clear_difference() -> None:
    import numpy as np

    rng = np.random.default_rng(1)
    a = rng.exponential(0.02, 200)
    b = rng.exponential(0.03, 200)
    res = stats.bootstrap_test(list(a), list(b), seed=3)
    assert res.significant
    assert res.diff_low > 0
    assert res.lift_low is not None and res.lift_low > 0


def test_choose_mean_test_follows_cochrans_rule() -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    symmetric = list(rng.normal(0.05, 0.01, 100))
    test, why = stats.choose_mean_test(symmetric, symmetric)
    assert test == "Welch t-test"
    assert "Welch" in why
    small = symmetric[:10]
    test, why = stats.choose_mean_test(symmetric, small)
    assert test == "bootstrap"
    assert "B has 10 posts" in why
    tiny = symmetric[:4]
    test, why = stats.choose_mean_test(symmetric, tiny)
    assert test == "Welch t-test"
    assert "B has 4" in why and "very few" in why
    skewed = list(rng.lognormal(0, 1.5, 100))  # skewness far above 1: needs > 100 posts
    test, _ = stats.choose_mean_test(skewed, skewed)
    assert test == "bootstrap"


def test_welch_needs_two_values_per_variant() -> None:
    with pytest.raises(BadInput, match="Variant B has 1 usable"):
        stats.welch_test([1.0, 2.0], [1.0])


def test_nearly_constant_rates_do_not_warn() -> None:
    # scipy warns about "catastrophic cancellation" for values equal up to rounding.
    a = [0.1] * 12
    b = [0.1, 0.2, 0.3, 0.4, 0.5] * 3
    assert stats.welch_test(a, b).significant
    assert stats.choose_mean_test(a, b)[0] == "bootstrap"


def test_welch_constant_samples_do_not_crash() -> None:
    res = stats.welch_test([0.1, 0.1, 0.1], [0.1, 0.1])
    assert res.p_value == 1.0
    assert res.diff == pytest.approx(0, abs=1e-12)
    assert not res.degenerate
    # No spread within either variant and different means: t is infinite and scipy says
    # p = 1e-32 for these floats (or nan for exact zeros), which would read as certainty
    # from 5 values. There is no measure of chance, so no evidence: p = 1, and the
    # comparison says it is degenerate (the pilot report's note).
    apart = stats.welch_test([0.1, 0.1, 0.1], [0.2, 0.2])
    assert apart.p_value == 1.0 and not apart.significant and apart.degenerate
    assert apart.diff == pytest.approx(0.1)
    boot = stats.bootstrap_test([0.1] * 12, [0.2] * 12)
    assert boot.p_value == 1.0 and boot.degenerate
    assert not stats.bootstrap_test([0.1] * 12, [0.1] * 12).degenerate


def test_sample_size_for_large_effects_is_small_and_quiet() -> None:
    # statsmodels' own solve_power (fsolve) warns and can fail here; ours brackets the root.
    res = stats.sample_size_means(0.05, 1.0, 0.01)  # d = 5
    assert res.per_variant == 3
    assert _t_power(5.0, 3, 0.05) >= 0.8 > _t_power(5.0, 2, 0.05)
    # an effect so large that 2 per group (the least a t-test takes) already suffice
    assert stats.sample_size_means(0.05, 100.0, 0.01).per_variant == 2
    with pytest.raises(UsageError, match="must exceed"):
        stats.sample_size_means(0.05, 0.1, 0.01, power=0.04, alpha=0.05)


# -- the verdict and its interval always agree (issue 15, items 3 and 4) -----------------------


def _excludes_zero(res: stats.Comparison) -> bool:
    return res.diff_low > 0 or res.diff_high < 0


def test_bootstrap_p_value_and_interval_never_disagree_on_150_skewed_samples() -> None:
    # The case: per-post rates with a long right tail, few posts, a real shift in
    # some samples. A BCa interval beside a percentile p-value disagreed on 15 of 150.
    import numpy as np

    disagree = []
    significant = 0
    for seed in range(150):
        rng = np.random.default_rng(seed)
        n_a, n_b = int(rng.integers(10, 40)), int(rng.integers(10, 40))
        a = rng.lognormal(0.0, 1.2, n_a)
        b = rng.lognormal(float(rng.choice([0.0, 0.4, 0.8])), 1.2, n_b)
        res = stats.bootstrap_test(list(a), list(b), seed=seed)
        significant += res.significant
        if res.significant != _excludes_zero(res):
            disagree.append((seed, res.p_value, res.diff_low, res.diff_high))
        if res.lift_low is not None and res.lift_high is not None:
            assert res.significant == (res.lift_low > 0 or res.lift_high < 0), seed
    assert disagree == []
    assert 20 < significant < 130  # both verdicts occur, so the check means something


def test_bootstrap_agrees_at_the_edge_of_significance() -> None:
    # Construct samples whose p-value sits at the boundary: the interval's end is then
    # the resampled difference nearest zero, on the side the verdict says.
    import numpy as np

    rng = np.random.default_rng(11)
    a = list(rng.lognormal(0, 1, 25))
    for shift in np.linspace(0.2, 1.6, 29):
        b = [v * float(np.exp(shift)) for v in rng.lognormal(0, 1, 25)]
        for conf in (0.9, 0.95, 0.975, 0.99):
            res = stats.bootstrap_test(a, b, confidence=conf, seed=int(shift * 100))
            assert res.significant == _excludes_zero(res), (shift, conf)


def test_bootstrap_interval_matches_scipy_percentile_bootstrap() -> None:
    # scipy's own percentile bootstrap of the same statistic at the expanded level,
    # independently resampled: the ends agree to within Monte Carlo error.
    import numpy as np
    from scipy import stats as sst

    rng = np.random.default_rng(4)
    a, b = rng.gamma(2.0, 1.0, 40), rng.gamma(2.0, 1.3, 35)
    ours = stats.bootstrap_test(list(a), list(b), seed=1, resamples=40_000)
    # Hesterberg's expansion for the smaller variant (n = 35): the tail share of a 95 %
    # interval becomes 2 Φ(-√(35/34) t(0.975, 34)).
    level = 1 - 2 * sst.norm.sf(math.sqrt(35 / 34) * sst.t.isf(0.025, 34))
    assert 0.95 < level < 0.965
    ref = sst.bootstrap(
        (a, b),
        lambda x, y, axis=-1: np.mean(y, axis=axis) - np.mean(x, axis=axis),
        method="percentile",
        confidence_level=level,
        n_resamples=40_000,
        random_state=np.random.default_rng(2),
        vectorized=True,
    )
    width = ref.confidence_interval.high - ref.confidence_interval.low
    assert ours.diff_low == pytest.approx(ref.confidence_interval.low, abs=0.03 * width)
    assert ours.diff_high == pytest.approx(ref.confidence_interval.high, abs=0.03 * width)


def test_bootstrap_refuses_too_few_resamples_for_the_level() -> None:
    ten = [1.0, 2.0, 3.0, 5.0, 8.0, 1.5, 2.5, 3.5, 4.5, 6.0]
    with pytest.raises(UsageError, match="needs more than"):
        stats.bootstrap_test(ten, [v + 1 for v in ten], confidence=0.99, resamples=150)
    with pytest.raises(UsageError, match="too few for a bootstrap"):
        stats.bootstrap_test([1.0, 2.0, 3.0], [2.0, 3.0, 4.0], confidence=0.999)


def test_bootstrap_of_three_values_a_side_says_what_a_pilot_can_do() -> None:
    # 3 posts a side at 95 %: the expanded tail share is 2 Phi(-sqrt(3/2) t(0.975, 2)),
    # about 1.4e-7, far beyond 5,000 resamples. The hint said "Use at least 7,316,213
    # (the default is 5,000)", which no pilot option can do.
    from scipy.stats import norm, t

    share = 2 * norm.sf(math.sqrt(1.5) * t.isf(0.025, 2))
    with pytest.raises(UsageError) as info:
        stats.bootstrap_test([0.0, 0.0, 0.0], [0.01, 0.02, 0.03])
    assert f"needs more than {math.floor(1 / share):,} resamples" in str(info.value)
    assert "--test welch" in (info.value.hint or "")


@pytest.mark.parametrize("seed", range(6))
def test_welch_matches_scipy_and_statsmodels_on_generated_data(seed: int) -> None:
    import numpy as np
    from scipy import stats as sst
    from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

    rng = np.random.default_rng(seed)
    a = rng.normal(0.05, 0.02, int(rng.integers(8, 60)))
    b = rng.normal(0.055, 0.03, int(rng.integers(8, 60)))
    for conf in (0.95, 0.975, 0.99):
        res = stats.welch_test(list(a), list(b), confidence=conf)
        t, p = sst.ttest_ind(b, a, equal_var=False)
        cm = CompareMeans(DescrStatsW(b), DescrStatsW(a))
        t2, p2, df2 = cm.ttest_ind(usevar="unequal")
        low, high = cm.tconfint_diff(alpha=1 - conf, usevar="unequal")
        assert res.statistic == pytest.approx(float(t), rel=1e-9)
        assert res.p_value == pytest.approx(float(p), rel=1e-9)
        assert res.statistic == pytest.approx(float(t2), rel=1e-9)
        assert res.p_value == pytest.approx(float(p2), rel=1e-9)
        assert res.df == pytest.approx(float(df2), rel=1e-9)
        assert res.diff_low == pytest.approx(float(low), rel=1e-9)
        assert res.diff_high == pytest.approx(float(high), rel=1e-9)
        assert res.significant == _excludes_zero(res)
        # Fieller's lift interval with the same t quantile: its ends solve the same test.
        crit = float(sst.t.ppf(1 - (1 - conf) / 2, df2))
        va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
        assert res.lift_low is not None and res.lift_high is not None
        for end in (res.lift_low, res.lift_high):
            r = end + 1
            stat = abs(b.mean() - r * a.mean()) / math.sqrt(vb + r * r * va)
            assert stat == pytest.approx(crit, rel=1e-9)
        assert res.significant == (res.lift_low > 0 or res.lift_high < 0)


@pytest.mark.parametrize("seed", range(6))
def test_two_proportion_matches_statsmodels_on_generated_data(seed: int) -> None:
    import numpy as np
    from scipy.stats import norm
    from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

    rng = np.random.default_rng(seed)
    na, nb = int(rng.integers(500, 50_000)), int(rng.integers(500, 50_000))
    xa = int(rng.binomial(na, 0.012))
    xb = int(rng.binomial(nb, 0.012 * float(rng.choice([1.0, 1.2, 1.5]))))
    for conf in (0.95, 0.975):
        res = stats.two_proportion_test(xa, na, xb, nb, confidence=conf)
        ref = test_proportions_2indep(xb, nb, xa, na, method="wald", compare="diff")
        low, high = confint_proportions_2indep(
            xb, nb, xa, na, method="wald", compare="diff", alpha=1 - conf
        )
        assert res.statistic == pytest.approx(float(ref.statistic), rel=1e-9)
        assert res.p_value == pytest.approx(float(ref.pvalue), rel=1e-9)
        assert res.diff_low == pytest.approx(float(low), rel=1e-9)
        assert res.diff_high == pytest.approx(float(high), rel=1e-9)
        assert res.significant == _excludes_zero(res)
        # Fieller: at each end R of the ratio interval the Wald statistic of p_b - R p_a
        # equals the critical value, and the interval holds R = 1 iff the difference's holds 0.
        pa, pb = xa / na, xb / nb
        va, vb = pa * (1 - pa) / na, pb * (1 - pb) / nb
        crit = float(norm.ppf(1 - (1 - conf) / 2))
        assert res.lift_low is not None and res.lift_high is not None
        for end in (res.lift_low, res.lift_high):
            r = end + 1
            assert abs(pb - r * pa) / math.sqrt(vb + r * r * va) == pytest.approx(crit, rel=1e-9)
        assert res.significant == (res.lift_low > 0 or res.lift_high < 0)


def _glm_reference(groups: list[tuple[list[int], list[int]]]) -> Any:
    """A binomial GLM, identity link, one mean per variant, Pearson scale, t reference."""
    import numpy as np
    import statsmodels.api as sm

    y, w, x = [], [], []
    for g, (succ, trials) in enumerate(groups):
        for s_, n_ in zip(succ, trials, strict=True):
            y.append(s_ / n_)
            w.append(n_)
            x.append([1.0 if g == k else 0.0 for k in range(len(groups))])
    with warnings.catch_warnings():  # the identity link is fine for rates well inside (0, 1)
        warnings.simplefilter("ignore", category=sm.tools.sm_exceptions.DomainWarning)
        model = sm.GLM(
            np.array(y),
            np.array(x),
            family=sm.families.Binomial(link=sm.families.links.Identity()),
            var_weights=np.array(w, dtype=float),
        )
    return model.fit(scale="X2", use_t=True)


def test_dispersion_and_quasi_binomial_test_match_a_statsmodels_glm() -> None:
    # Ad-days of one ad vary more than binomial chance: CTR 1.0 % one day, 1.6 % the next.
    import numpy as np

    rng = np.random.default_rng(3)
    groups = []
    for mean in (0.012, 0.014):
        trials = [int(v) for v in rng.integers(3_000, 6_000, 20)]
        rates = rng.beta(mean * 400, (1 - mean) * 400, 20)  # day-to-day variation
        groups.append(
            ([int(rng.binomial(n, r)) for n, r in zip(trials, rates, strict=True)], trials)
        )
    phi, df = stats.dispersion(groups)
    fit = _glm_reference(groups)
    assert phi == pytest.approx(float(fit.scale), rel=1e-9)
    assert df == fit.df_resid == 38
    assert phi > 1.5  # the data are overdispersed: impressions are not independent trials
    (sa, na), (sb, nb) = ((sum(s), sum(n)) for s, n in groups)
    res = stats.two_proportion_test(sa, na, sb, nb, phi=phi, phi_df=df)
    contrast = fit.t_test(np.array([[-1.0, 1.0]]))
    assert res.diff == pytest.approx(float(contrast.effect[0]), rel=1e-9)
    assert res.statistic == pytest.approx(float(contrast.tvalue[0][0]), rel=1e-9)
    assert res.p_value == pytest.approx(float(contrast.pvalue), rel=1e-9)
    low, high = contrast.conf_int(alpha=0.05)[0]
    assert (res.diff_low, res.diff_high) == pytest.approx((float(low), float(high)), rel=1e-9)
    plain = stats.two_proportion_test(sa, na, sb, nb)
    assert plain.diff_high - plain.diff_low < res.diff_high - res.diff_low
    assert res.significant == _excludes_zero(res)


def test_dispersion_cannot_be_estimated_from_one_unit_per_variant() -> None:
    assert stats.dispersion([([10], [1000]), ([20], [1000])]) == (1.0, 0.0)
    assert stats.dispersion([([0, 0], [100, 100]), ([2, 3], [100, 100])]) == (1.0, 0.0)


def test_holm_levels_by_hand() -> None:
    # Sorted p: 0.01 (3 × 0.01 = 0.03 < 0.05, rejected at 1 - 0.05/3), 0.03 (2 × 0.03 = 0.06:
    # kept, and Holm stops), 0.04 (kept; the level of the step where Holm stopped).
    levels = stats.holm_levels([0.01, 0.04, 0.03], 0.05)
    assert levels == pytest.approx([1 - 0.05 / 3, 0.975, 0.975])
    # The case: with p = 0.01 and 0.04 Holm rejects both; a Bonferroni 97.5 %
    # interval for the second would cross zero, Holm's own step (95 %) does not.
    assert stats.holm_levels([0.01, 0.04], 0.05) == pytest.approx([0.975, 0.95])
    assert stats.holm_levels([0.2], 0.05) == pytest.approx([0.95])


def test_holm_levels_agree_with_adjusted_p_values() -> None:
    import numpy as np

    rng = np.random.default_rng(9)
    for _ in range(500):
        m = int(rng.integers(1, 6))
        ps = list(rng.uniform(0, 0.1, m) ** rng.uniform(0.5, 2))
        adjusted = stats.adjust_pvalues(ps)
        levels = stats.holm_levels(ps, 0.05)
        for p, adj, level in zip(ps, adjusted, levels, strict=True):
            # A test at `level` whose interval inverts it leaves out zero iff p < 1 - level.
            assert (p < 1 - level) == (adj < 0.05), (ps, levels)


def test_srm_with_a_count_expected_below_five_takes_the_exact_binomial_p() -> None:
    """10 posts against a 90 : 10 plan, 5 in B (1 expected): the chi-square (17.8, p =
    0.00002) flagged a mismatch that the exact binomial test (p = 0.0016) does not."""
    res = stats.srm_check([5, 5], [90, 10])
    assert res.chi2 == pytest.approx(16 / 9 + 16 / 1)
    # two-sided exact binomial: every outcome no likelier than 5 of 10 at 0.9
    pmf = [math.comb(10, k) * 0.9**k * 0.1 ** (10 - k) for k in range(11)]
    p = sum(x for x in pmf if x <= pmf[5] * (1 + 1e-7))
    assert p == pytest.approx(0.0016349374, rel=1e-6)
    assert (res.method, res.p_value, res.mismatch) == ("exact", pytest.approx(p), False)


def test_srm_of_three_variants_with_few_counts_simulates_the_multinomial() -> None:
    """2, 3 and 5 posts against equal thirds: the simulated p is within the draws' error
    of the exact multinomial p, worked by enumerating every split of 10 posts."""
    res = stats.srm_check([2, 3, 5])
    exact = 0.0
    for a in range(11):
        for b in range(11 - a):
            c = 10 - a - b
            stat = sum((x - 10 / 3) ** 2 / (10 / 3) for x in (a, b, c))
            if stat >= res.chi2 - 1e-9:
                exact += (
                    math.factorial(10)
                    / (math.factorial(a) * math.factorial(b) * math.factorial(c))
                    / 3**10
                )
    assert res.method == "simulated"
    assert abs(res.p_value - exact) < 0.01  # 20,000 draws: a standard error of ~0.0035


@pytest.mark.parametrize("seed", range(4))
def test_srm_matches_the_chi_square_formula_on_generated_counts(seed: int) -> None:
    import numpy as np
    from scipy.stats import chi2

    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 5))
    plan = [float(v) for v in rng.integers(1, 4, k)]
    observed = [float(v) for v in rng.multinomial(20_000, np.array(plan) / sum(plan))]
    res = stats.srm_check(observed, plan)
    expected = [20_000 * p / sum(plan) for p in plan]
    stat = sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True))
    assert res.chi2 == pytest.approx(stat, rel=1e-9)
    assert res.p_value == pytest.approx(float(chi2.sf(stat, k - 1)), rel=1e-9)
    assert res.mismatch == (res.p_value < stats.SRM_ALPHA)


@pytest.mark.parametrize("seed", range(4))
def test_sample_sizes_reach_the_t_tests_power(seed: int) -> None:
    # The smallest whole n whose power (the t-test's, by the noncentral t) reaches the target.
    import numpy as np

    rng = np.random.default_rng(seed)
    sd = float(rng.uniform(0.005, 0.05))
    baseline = float(rng.uniform(0.02, 0.1))
    mde = float(rng.uniform(0.05, 0.5))
    power = float(rng.choice([0.8, 0.9]))
    res = stats.sample_size_means(baseline, mde, sd, power=power)
    d = baseline * mde / sd
    assert _t_power(d, res.per_variant, 0.05) >= power
    if res.per_variant > 2:
        assert _t_power(d, res.per_variant - 1, 0.05) < power
