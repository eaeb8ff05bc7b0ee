"""Sampling uncertainty and the significance-aware colour (evalkit.significance): against statsmodels' own
scalar results and against the Wilson interval and the score test written out by hand. (The trend reading
is tested in test_trend.py, the three readings side by side in test_views.py.)"""

import warnings
from math import erfc, sqrt

import numpy as np
import pytest
from statsmodels.stats import proportion as sm_proportion

from evalkit.significance import change_test, classify_significant, usable_n, wilson_interval


def test_wilson_interval_equals_statsmodels_case_by_case():
    shares, ns = np.array([44.0, 51.0, 3.0, 97.5, 0.0]), np.array([420, 420, 491, 411, 23762])
    low, high = wilson_interval(shares, ns)
    for s, n, lo, hi in zip(shares, ns, low, high):
        ref = sm_proportion.proportion_confint(s / 100 * n, n, alpha=0.05, method="wilson")
        assert (lo, hi) == pytest.approx((ref[0] * 100, ref[1] * 100), abs=1e-12)
    assert low[0] == pytest.approx(39.33, abs=0.01) and high[0] == pytest.approx(48.78, abs=0.01)


def test_wilson_interval_is_nan_without_n():
    low, high = wilson_interval([44.0, 44.0], [np.nan, 420])
    assert np.isnan(low[0]) and np.isnan(high[0]) and not np.isnan(low[1])


def test_change_test_equals_statsmodels_and_the_issue_cases():
    z, p = change_test([44, 44, 26], [420, 420, 400], [51, 45, 25], [420, 420, 422])
    for i, (a, na, b, nb) in enumerate([(44, 420, 51, 420), (44, 420, 45, 420), (26, 400, 25, 422)]):
        ref = sm_proportion.test_proportions_2indep(b / 100 * nb, nb, a / 100 * na, na, method="score", compare="diff")
        assert (z[i], p[i]) == pytest.approx((ref.statistic, ref.pvalue), rel=1e-9)
    assert p[0] < 0.05  # 44 -> 51 with n = 420 is significant at 5 %
    assert p[1] > 0.05  # 44 -> 45 is not
    # The score test and the pooled z-test agree closely on such samples.
    assert p[0] == pytest.approx(sm_proportion.proportions_ztest([0.51 * 420, 0.44 * 420], [420, 420])[1], abs=0.002)


def test_no_change_is_never_significant_and_unknown_n_gives_nan():
    z, p = change_test([47, 47], [400, np.nan], [47, 50], [411, 400])
    assert p[0] == 1.0 and np.isnan(p[1]) and np.isnan(z[1])


def test_usable_n_drops_upper_bounds():
    n = usable_n([400, 300, 491, 22000], ["lower_bound", "upper_bound", "exact", "approx"])
    assert list(np.nan_to_num(n)) == [400, 0, 491, 22000]


def test_significance_aware_colour():
    report = ["green", "green", "red", "yellow", "grey", "green", "green"]
    p = [0.01, 0.20, 0.30, 0.50, np.nan, np.nan, np.nan]
    share = [True, True, True, True, True, True, False]
    colour, reason = classify_significant(report, p, share)
    assert list(colour) == ["green", "yellow", "yellow", "yellow", "grey", "grey", "green"]
    assert list(reason) == ["", "not_significant", "not_significant", "", "", "n_unknown", ""]


def test_significance_level_is_honoured():
    # 44 % -> 51 % of 420 municipalities each year: p = 0.042 (score test, see above): significant at
    # 5 %, not at 1 %.
    _, p = change_test([44], [420], [51], [420])
    assert 0.04 < p[0] < 0.045
    assert classify_significant(["green"], p, [True], alpha=0.05)[0][0] == "green"
    assert classify_significant(["green"], p, [True], alpha=0.01)[0][0] == "yellow"


def test_a_p_value_equal_to_alpha_is_not_significant():
    # Significant means p < alpha (strictly); p = alpha is not.
    colour, reason = classify_significant(["green", "red"], [0.05, 0.0499], [True, True], alpha=0.05)
    assert list(colour) == ["yellow", "red"] and reason[0] == "not_significant"


# By hand: the score test of two independent proportions (Miettinen and Nurminen 1985) under "no
# difference". With x0 = p0 n0 and x1 = p1 n1 successes, N = n0 + n1 and the pooled share
# p = (x0 + x1) / N, the statistic is
#     z = (p1 - p0) / sqrt(p (1 - p) (1/n0 + 1/n1) N / (N - 1)),
# and the two-sided p-value is 2 (1 - Phi(|z|)) = erfc(|z| / sqrt 2).


def score_test_by_hand(p0, n0, p1, n1):
    x0, x1, big_n = p0 * n0, p1 * n1, n0 + n1
    pooled = (x0 + x1) / big_n
    z = (p1 - p0) / sqrt(pooled * (1 - pooled) * (1 / n0 + 1 / n1) * big_n / (big_n - 1))
    return z, erfc(abs(z) / sqrt(2))


def test_the_score_test_by_hand_indicator_33():
    # data/observations.csv lines 82-83: indicator 33 is 39 % in 2017 and 44 % in 2018; data/sample_sizes.csv
    # lines 28-29: "i overkant av 400" municipalities each year, used as n = 400.
    # x0 = 0,39 * 400 = 156, x1 = 0,44 * 400 = 176, N = 800, pooled share 332 / 800 = 0,415;
    # z = 0,05 / sqrt(0,415 * 0,585 * (2/400) * 800/799) = 0,05 / sqrt(0,0012154) = 0,05 / 0,034863 = 1,4342;
    # p = erfc(1,4342 / 1,41421) = 0,1515: not significant at 5 %.
    z_hand, p_hand = score_test_by_hand(0.39, 400, 0.44, 400)
    assert z_hand == pytest.approx(1.4342, abs=1e-4) and p_hand == pytest.approx(0.1515, abs=1e-4)
    z, p = change_test([39], [400], [44], [400])
    assert z[0] == pytest.approx(z_hand, rel=1e-9) and p[0] == pytest.approx(p_hand, rel=1e-9)


def test_the_score_test_by_hand_for_small_and_unequal_samples():
    # 0 of 1 -> 1 of 1: pooled 1/2, z = 1 / sqrt(0,25 * 2 * 2/1) = 1, p = erfc(1 / sqrt 2) = 0,3173
    # 36 % of 400 -> 32 % of 411 (indicator 67, sample_sizes.csv lines 70 and 72): by the formula above
    z, p = change_test([0, 36], [1, 400], [100, 32], [1, 411])
    assert (z[0], p[0]) == pytest.approx((1.0, 0.3173), abs=1e-4)
    assert (z[1], p[1]) == pytest.approx(score_test_by_hand(0.36, 400, 0.32, 411), rel=1e-9)


def test_no_change_gives_z_0_and_p_1_silently():
    # 47 % -> 47 %: the statistic is 0 / 0; the test cannot reject (z = 0, p = 1), and no RuntimeWarning
    # is printed into the chapter; likewise 0 % -> 0 % and 100 % -> 100 %.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        z, p = change_test([47, 0, 100], [400, 400, 400], [47, 0, 100], [411, 411, 411])
    assert list(z) == [0.0, 0.0, 0.0] and list(p) == [1.0, 1.0, 1.0]


def test_no_size_no_test_even_for_an_unchanged_share():
    # a size of 0, or an unknown size, at either end: no p-value, and no z either
    z, p = change_test([47, 47, 47, 47], [0, 400, np.nan, 400], [47, 47, 47, 47], [400, 0, 400, np.nan])
    assert np.isnan(z).all() and np.isnan(p).all()


def test_usable_n_needs_at_least_one():
    # a stated size of 0 is no sample; 1 is a (very small) one
    n = usable_n([0, 1], ["exact", "exact"])
    assert np.isnan(n[0]) and n[1] == 1


def test_wilson_interval_of_a_single_success_by_hand():
    # x = n = 1: the Wilson bounds are (x + z²/2 -+ z sqrt(z²/4)) / (n + z²) = (1 + z²/2 -+ z²/2) / (1 + z²),
    # i.e. 1 / (1 + 1,95996²) = 1 / 4,84146 = 20,655 % and 100 %. A size of 0 gives no interval (and no
    # RuntimeWarning from dividing by it in the chapter that shows the interval).
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        low, high = wilson_interval([100, 100], [1, 0])
    assert low[0] == pytest.approx(100 / (1 + 1.959964 ** 2), abs=1e-4) and high[0] == pytest.approx(100)
    assert np.isnan(low[1]) and np.isnan(high[1])


def test_wilson_interval_honours_alpha():
    # 50 % of 100 at alpha = 0,10 (z = 1,644854): 50 -+ 100 * z / (1 + z²/100) * sqrt(0,25/100 + z²/40000)
    # = 50 -+ 100 * 1,601522 * 0,050673 = 50 -+ 8,1154
    low, high = wilson_interval([50], [100], alpha=0.10)
    assert (low[0], high[0]) == pytest.approx((41.885, 58.115), abs=1e-3)


def test_readings_broadcast_a_scalar_against_arrays():
    # Wilson intervals of 50 % for n = 100 and 400, by hand: 50 -+ 1,96/(1 + 1,96^2/n) * sqrt(0,25/n + 1,96^2/(4n^2))
    low, high = wilson_interval(50, [100, 400])
    assert low == pytest.approx([40.383, 45.123], abs=0.01) and high == pytest.approx([59.617, 54.877], abs=0.01)
    # and two shares against one size: 50 % and 50 % of 100, the same interval twice
    low, _ = wilson_interval([50, 50], 100)
    assert low == pytest.approx([40.383, 40.383], abs=0.01)
    # one first share against two sizes: the same difference is significant only with the larger sample
    _, p = change_test(40, [400, 100], 47, [400, 100])
    assert p[0] < 0.05 < p[1]
    # each argument alone may be the array: 39 % of 400 -> 44 % of 400 is the p = 0,1515 of indicator 33
    p33 = score_test_by_hand(0.39, 400, 0.44, 400)[1]
    for args in (([39, 39], 400, 44, 400), (39, [400, 400], 44, 400), (39, 400, [44, 44], 400),
                 (39, 400, 44, [400, 400])):
        assert change_test(*args)[1] == pytest.approx([p33, p33], rel=1e-9), args
