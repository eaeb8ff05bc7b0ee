"""Sampling uncertainty, the significance-aware colour and the trend reading: against statsmodels' own
scalar results, open-sdg's rule, and the statements the reports make."""

import numpy as np
import pytest
from statsmodels.stats import proportion as sm_proportion

from evalkit import trend, validate
from evalkit.significance import change_test, classify_significant, usable_n, wilson_interval
from evalkit.views import cell_significance, check_statements, compare_views
from evalkit.tables import indicator_table

FRAMES = validate()


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
    _, p = change_test([47, 47], [400, np.nan], [47, 50], [411, 400])
    assert p[0] == 1.0 and np.isnan(p[1])


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


def test_the_report_rule_itself_is_unchanged():
    """The second reading is computed beside the report's colours, never instead of them."""
    table = indicator_table(FRAMES["indicators"], FRAMES["observations"], "hovedmal1", as_of=2018)
    before = table.changes["colour"].astype(str).tolist()
    cells = cell_significance(table, FRAMES)
    assert table.changes["colour"].astype(str).tolist() == before == cells["colour"].astype(str).tolist()
    row = cells[(cells["id"] == 27) & (cells["period"] == "2016–2017")].iloc[0]
    assert row["colour"] == "green" and row["significance"] == "yellow" and row["p_value"] > 0.05


def test_open_sdg_bands_and_special_cases():
    value, status = trend.progress([100, 100, 100, 100, 100, 0, 5, 50], [102, 101, 100.2, 99, 95, 3, -1, 50],
                                   [1, 1, 1, 1, 1, 2, 2, 0], ["up", "up", "up", "up", "down", "up", "up", "up"])
    assert list(status) == ["substantial_progress", "moderate_progress", "limited_progress", "deterioration",
                            "substantial_progress", "substantial_progress", "not_available", "not_available"]
    assert value[0] == pytest.approx(0.02) and value[4] == pytest.approx(0.05)
    # open-sdg's limit: 95 -> 95.5 % is 0.53 % growth, only "moderate" far from a limit, but near 100 %
    # the bands shrink by 1 - 0.95 ** 4.44 = 0.204 and it is substantial progress.
    _, far = trend.progress([95], [95.5], [1], ["up"])
    _, near = trend.progress([95], [95.5], [1], ["up"], limit=[100])
    assert far[0] == "moderate_progress" and near[0] == "substantial_progress"
    assert trend.limit_coefficient(95, 100) == pytest.approx(1 - 0.95 ** 4.44)


def test_readings_broadcast_a_scalar_against_arrays():
    # one base, three current values, a year: +2 % substantial, +1 % moderate, -1 % deterioration
    assert list(trend.progress(100, [102, 101, 99], 1, "up")[1]) == [
        "substantial_progress", "moderate_progress", "deterioration"]
    # one current value over one and two years: 2 % a year, then (1,02) ** (1/2) - 1 = 0,995 % a year
    assert list(trend.progress([100, 100], 102, [1, 2], "up")[1]) == ["substantial_progress", "moderate_progress"]
    # Wilson intervals of 50 % for n = 100 and 400, by hand: 50 -+ 1,96/(1 + 1,96^2/n) * sqrt(0,25/n + 1,96^2/(4n^2))
    low, high = wilson_interval(50, [100, 400])
    assert low == pytest.approx([40.383, 45.123], abs=0.01) and high == pytest.approx([59.617, 54.877], abs=0.01)
    # one first share against two sizes: the same difference is significant only with the larger sample
    _, p = change_test(40, [400, 100], 47, [400, 100])
    assert p[0] < 0.05 < p[1]


def test_trend_uses_the_compound_rate():
    # 100 -> 103 over two years: (103/100) ** (1/2) - 1 = 1.4889 % a year, moderate progress; the simple
    # average (3 % / 2 = 1.5 %) would reach the 1.5 % band of substantial progress.
    value, status = trend.progress([100], [103], [2], ["up"])
    assert value[0] == pytest.approx(0.0148892, abs=1e-6) and status[0] == "moderate_progress"


def test_trend_flips_the_sign_for_a_negative_base():
    # -10 -> -5 in a year for an indicator that should rise: (-5 / -10) - 1 = -50 %, times -1 for the
    # negative base: +50 %, substantial progress (it rose); without the flip it would be deterioration.
    value, status = trend.progress([-10], [-5], [1], ["up"])
    assert value[0] == pytest.approx(0.5) and status[0] == "substantial_progress"
    value, status = trend.progress([-10], [-20], [1], ["up"])
    assert value[0] == pytest.approx(-1.0) and status[0] == "deterioration"


def test_limit_rule_for_a_rising_share_indicator_31():
    # Indicator 31 (recovery orientation): 67 % in 2017, 68 % in 2018 (Fafo 2019, tabell 7.1, line 1291).
    # Growth 1/67 = 1.4925 % a year: below the 1.5 % band, so moderate far from a limit; near 100 % the
    # bands shrink by 1 - 0.67 ** 4.44 = 0.8310, to 1.2466 %, and it is substantial progress.
    assert trend.limit_coefficient(67, 100) == pytest.approx(0.8310, abs=1e-4)
    assert trend.progress([67], [68], [1], ["up"])[1][0] == "moderate_progress"
    views = compare_views(FRAMES, as_of=2018)
    assert (views.loc[31, "from_value"], views.loc[31, "to_value"]) == (67, 68)
    assert views.loc[31, "trend_status"] == "substantial_progress"


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


def test_compare_views_counts_from_the_data():
    views = compare_views(FRAMES, as_of=2020)
    assert len(views) == 85
    # Report's colour kept where significant (indicator 43: 25 -> 42 % of over 400 municipalities) ...
    assert views.loc[43, ["report", "significance"]].tolist() == ["green", "green"]
    # ... dropped to yellow where not (33: 39 -> 44 %, p = 0.15), grey where 2020's n is only "under 300".
    # By hand (Miettinen-Nurminen score test under no difference; "over 400" used as 400 each year):
    # pooled share 0,415; z = 0,05 / sqrt(0,415 * 0,585 * (1/400 + 1/400) * 800/799) = 1,434; p = 2(1 - Φ(z))
    from math import erf, sqrt
    z = 0.05 / sqrt(0.415 * 0.585 * (2 / 400) * 800 / 799)
    assert views.loc[33, "significance"] == "yellow"
    assert views.loc[33, "p_value"] == pytest.approx(1 - erf(z / sqrt(2)), abs=1e-4) == pytest.approx(0.1515, abs=1e-4)
    assert views.loc[45, "significance"] == "grey"
    # Counts and money keep the report's colour; the trend reading ignores what the report does not judge.
    assert views.loc[4, "significance"] == views.loc[4, "report"] == "green"
    assert views.loc[1, "trend_status"] == "not_available"
    assert (views["significance"] != views["report"]).sum() == 22
    assert (views["trend"] != views["report"]).sum() == 23


def test_the_reports_significance_statements_against_the_test():
    checks = check_statements(FRAMES).set_index("id")
    # IS-24/8 (over 400 municipalities a year): the test agrees with every statement it can check.
    assert checks.loc[[43, 54, 60, 61, 67], "agrees"].tolist() == [True] * 5
    # Where 2020's size is unknown the statement cannot be tested.
    assert checks.loc[33, "agrees"] is None
