"""The three readings side by side (evalkit.views). Expected values are derived from the data rows
themselves (read here with the csv module, not through evalkit) and hand calculations written beside
them: which indicators change colour under each reading, and why, one by one."""

import csv
from math import sqrt

import numpy as np
import pandas as pd
import pytest

from evalkit import validate
from evalkit.tables import indicator_table
from evalkit.views import cell_significance, check_statements, compare_views

from .conftest import DATA
from .test_significance import score_test_by_hand

FRAMES = validate()


def _rows(name):
    with open(DATA / name, newline="", encoding="utf-8") as fh:
        return [dict(r, line=i) for i, r in enumerate(csv.DictReader(fh), start=2)]


OBS = {(int(r["id"]), int(r["year"]), r["series"]): r for r in _rows("observations.csv")}
SIZES = {(int(r["id"]), int(r["year"]), r["series"]): r for r in _rows("sample_sizes.csv")}
CATALOGUE = {int(r["id"]): r for r in _rows("indicators.csv")}


def exact_main_years(ident):
    return sorted(y for (i, y, s), r in OBS.items() if i == ident and s == "main" and r["qualifier"] == "exact"
                  and 2016 <= y <= 2020)


def usable_size(ident, year):
    """The size the test may use, read from sample_sizes.csv: none without a row or for "under N"."""
    row = SIZES.get((ident, year, "main"))
    return None if row is None or row["qualifier"] == "upper_bound" else float(row["n"])


def report_colour_by_hand(ident, first, last):
    """The report's rule from the two data rows: the annual change (points for shares, the compound rate
    in per cent for the rest) against 1 point or 2,5 %; green or red only in or against the direction."""
    cat, years = CATALOGUE[ident], last - first
    v0, v1 = (float(OBS[(ident, y, "main")]["value"]) for y in (first, last))
    change = (v1 - v0) / years if cat["change"] == "points" else ((v1 / v0) ** (1 / years) - 1) * 100
    if abs(change) <= (1.0 if cat["change"] == "points" else 2.5):
        return "yellow"
    return "green" if (change > 0) == (cat["direction"] == "up") else "red"


# Where the significance-aware reading differs from the report (as of 2020, first to last exact value of the
# main series, 2016-2020): (first year, last year, report's colour, second reading, why).
SIGNIFICANCE_DIFFERS = {
    # FHI and Ungdata shares: sample_sizes.csv has no row for them
    19: (2016, 2017, "red", "grey", "no size"),      # 6 -> 9 %, +3 points, desired down
    20: (2016, 2017, "yellow", "grey", "no size"),   # 0 -> 1 %, +1 point: at the threshold
    21: (2016, 2017, "red", "grey", "no size"),      # 3,9 -> 5,3 %, +1,4 points
    22: (2016, 2018, "yellow", "grey", "no size"),   # 3 -> 4 %, +0,5 points a year
    23: (2016, 2018, "red", "grey", "no size"),      # 11 -> 14 %, +1,5 points a year
    55: (2016, 2017, "green", "grey", "no size"),    # KORFOR, 26 -> 31 %: no row
    75: (2017, 2020, "green", "grey", "no size"),    # 28 -> 47 %: 2017's size is "under 491" (line 86)
    # IS-24/8 in 2020: "i underkant av 300" (upper_bound), no usable size
    45: (2016, 2020, "green", "grey", "no size"),    # 77 -> 85 %, +2 points a year
    46: (2016, 2020, "yellow", "grey", "no size"),   # 81 -> 80 %
    58: (2016, 2020, "green", "grey", "no size"),    # 77 -> 82 %, +1,25 points a year
    68: (2017, 2020, "green", "grey", "no size"),    # 45 -> 54 %, +3 points a year
    69: (2017, 2020, "green", "grey", "no size"),    # 58 -> 64 %, +2
    70: (2017, 2020, "green", "grey", "no size"),    # 16 -> 34 %, +6
    76: (2016, 2020, "yellow", "grey", "no size"),   # 58 -> 58 %
    # the user survey: 491 in 2017 (exact), no row for 2020
    71: (2017, 2020, "yellow", "grey", "no size"),   # 23 -> 24 %
    72: (2017, 2020, "green", "grey", "no size"),    # 27 -> 34 %, +2,3 points a year
    74: (2017, 2020, "green", "grey", "no size"),    # 24 -> 29 %, +1,7
    # a change above the threshold that the score test does not find significant (n = 400 each year
    # unless noted; p by the formula in test_significance.py)
    33: (2017, 2018, "green", "yellow", "p = 0,152"),  # 39 -> 44 %
    34: (2017, 2018, "green", "yellow", "p = 0,569"),  # 43 -> 45 %
    59: (2016, 2018, "red", "yellow", "p = 0,372"),    # 67 -> 64 %, -1,5 points a year
    67: (2016, 2018, "red", "yellow", "p = 0,229"),    # 36 -> 32 %, n = 411 in 2018 (line 72)
    85: (2016, 2018, "green", "yellow", "p = 0,125"),  # 28 -> 33 %, +2,5 points a year
}

# Where the trend reading differs from the report: every one is yellow in the report (at most 1 point or
# 2,5 % a year) and judged by open-sdg's compound rate in the desired direction (bands 1,5 %, 0,5 %, 0;
# for a rising share shrunk by 1 - (base/100) ** 4,44). (first year, last year, trend colour, rate by hand)
TREND_DIFFERS = {
    3: (2016, 2018, "green", 0.023827),     # (2152/2053) ** (1/2) - 1: 2,38 %, below 2,5 % for the report
    5: (2016, 2018, "red", -0.002755),      # 4726 -> 4700
    13: (2016, 2018, "red", -0.002464),     # 4662 -> 4685, desired down: -(4685/4662) ** (1/2) + 1
    16: (2016, 2018, "red", -0.008439),     # 59 -> 60 %, desired down
    20: (2016, 2017, "red", -999.0),        # 0 -> 1 %, desired down: base 0,001, -(1/0,001 - 1)
    22: (2016, 2018, "red", -0.154701),     # 3 -> 4 %, desired down: -(sqrt(4/3) - 1)
    25: (2017, 2018, "green", 0.043478),    # 23 -> 24 %: 1/23
    27: (2016, 2018, "green", 0.023533),    # 42 -> 44 %
    30: (2016, 2018, "red", -0.007605),     # 66 -> 65 %
    31: (2017, 2018, "green", 0.014925),    # 67 -> 68 %: 1/67, above the shrunk band 1,5 % * 0,831 = 1,247 %
    46: (2016, 2020, "red", -0.003101),     # 81 -> 80 %: (80/81) ** (1/4) - 1
    47: (2016, 2017, "red", -0.016505),     # 1030 -> 1013: -17/1030
    54: (2017, 2018, "red", -0.038462),     # 26 -> 25 %: -1/26
    56: (2016, 2020, "green", 0.009391),    # 27 -> 26 days, desired down: 1 - (26/27) ** (1/4), moderate
    60: (2016, 2018, "green", 0.016530),    # 60 -> 62 %
    61: (2016, 2018, "red", -0.011696),     # 43 -> 42 %
    71: (2017, 2020, "green", 0.014288),    # 23 -> 24 % over three years: moderate
    79: (2016, 2018, "green", 0.020621),    # 24 -> 25 %
    81: (2016, 2018, "green", 0.017700),    # 28 -> 29 %
    82: (2016, 2018, "green", 0.016530),    # 30 -> 31 %
    83: (2016, 2018, "red", -0.035099),     # 29 -> 27 %
    84: (2016, 2018, "green", 0.087115),    # 11 -> 13 %
    86: (2017, 2018, "red", -0.1),          # 10 -> 9 %
}


@pytest.fixture(scope="module")
def views():
    return compare_views(FRAMES, as_of=2020)


@pytest.mark.parametrize("table", [SIGNIFICANCE_DIFFERS, TREND_DIFFERS], ids=["significance", "trend"])
def test_the_listed_spans_are_the_first_and_last_exact_values(table):
    for ident, (first, last, *_) in table.items():
        years = exact_main_years(ident)
        assert (years[0], years[-1]) == (first, last), ident


def test_significance_differs_from_the_report_where_and_why_the_data_say(views):
    for ident, (first, last, report, second, why) in SIGNIFICANCE_DIFFERS.items():
        assert CATALOGUE[ident]["unit"] == "percent", ident  # only shares have a sampling error here
        assert report_colour_by_hand(ident, first, last) == report, ident
        n0, n1 = usable_size(ident, first), usable_size(ident, last)
        if why == "no size":
            assert second == "grey" and report != "grey" and (n0 is None or n1 is None), ident
        else:
            p0, p1 = (float(OBS[(ident, y, "main")]["value"]) / 100 for y in (first, last))
            p = score_test_by_hand(p0, n0, p1, n1)[1]
            assert report in ("green", "red") and second == "yellow" and p >= 0.05, ident
            assert why == f"p = {p:.3f}".replace(".", ","), ident
    differs = views[views["significance"] != views["report"]]
    assert len(differs) == len(SIGNIFICANCE_DIFFERS) == 22
    assert {i: (r.report, r.significance) for i, r in differs.iterrows()} == {
        i: (v[2], v[3]) for i, v in SIGNIFICANCE_DIFFERS.items()}
    assert set(differs.loc[differs["significance"] == "grey", "significance_reason"]) == {"n_unknown"}
    assert set(differs.loc[differs["significance"] == "yellow", "significance_reason"]) == {"not_significant"}


def test_trend_differs_from_the_report_where_and_why_the_data_say(views):
    for ident, (first, last, colour, rate) in TREND_DIFFERS.items():
        cat = CATALOGUE[ident]
        v0, v1 = (float(OBS[(ident, y, "main")]["value"]) for y in (first, last))
        sense = 1 if cat["direction"] == "up" else -1
        assert sense * ((v1 / (v0 or 0.001)) ** (1 / (last - first)) - 1) == pytest.approx(rate, abs=1e-6), ident
        shrink = 1 - (v0 / 100) ** 4.44 if cat["unit"] == "percent" and sense == 1 else 1.0
        assert colour == ("green" if rate >= 0.005 * shrink else "yellow" if rate >= 0 else "red"), ident
        assert report_colour_by_hand(ident, first, last) == "yellow", ident
    differs = views[views["trend"] != views["report"]]
    assert len(differs) == len(TREND_DIFFERS) == 23
    assert {i: r.trend for i, r in differs.iterrows()} == {i: v[2] for i, v in TREND_DIFFERS.items()}
    assert {i: round(r.trend_value, 6) for i, r in differs.iterrows()} == pytest.approx(
        {i: v[3] for i, v in TREND_DIFFERS.items()}, abs=1e-6)


def test_one_indicator_in_every_column(views):
    # Indicator 33 (hovedmal1, a share that should rise): 39 % in 2017, 44 % in 2018 (observations.csv
    # lines 82-83), n = 400 both years (sample_sizes.csv lines 28-29). Report: +5 points, green. Score test:
    # p = 0,1515 (test_significance.py), yellow. Trend: 44/39 - 1 = 12,82 % a year, substantial progress.
    row = views.loc[33]
    assert views.index.name == "id"
    assert row[["area", "unit", "direction", "from_year", "to_year", "from_value", "to_value", "delta"]].tolist() == [
        "hovedmal1", "percent", "up", 2017.0, 2018.0, 39.0, 44.0, 5.0]
    assert row["name"] == CATALOGUE[33]["name"]
    assert row[["report", "n_from", "n_to", "significance", "significance_reason"]].tolist() == [
        "green", 400.0, 400.0, "yellow", "not_significant"]
    assert row["p_value"] == pytest.approx(score_test_by_hand(0.39, 400, 0.44, 400)[1], rel=1e-9)
    assert row["trend_value"] == pytest.approx(44 / 39 - 1) and row["trend_status"] == "substantial_progress"
    assert row["trend"] == "green"


def test_what_the_report_does_not_judge(views):
    # Indicator 1 (yearly increments in million kroner, 419 -> 300): the report computes no change, so
    # neither does the trend reading; a count keeps the report's colour in the significance reading.
    assert views.loc[1, "report"] == "grey" and views.loc[1, "trend_status"] == "not_available"
    assert np.isnan(views.loc[1, "trend_value"]) and views.loc[1, "trend"] == "grey"
    assert views.loc[4, "significance"] == views.loc[4, "report"] == "green"
    assert np.isnan(views.loc[4, "p_value"])
    # Report's colour kept where significant (indicator 43: 25 -> 42 % of over 400 municipalities, 2016-2018)
    assert views.loc[43, ["report", "significance"]].tolist() == ["green", "green"]


def test_compare_views_passes_on_its_parameters():
    # base 2017: indicator 4 (13 936 in 2016, observations.csv) is judged from 2017
    assert compare_views(FRAMES, as_of=2020, base=2017).loc[4, "from_year"] == 2017
    # a threshold of 6 points: 39 -> 44 % (+5) is yellow for the report
    assert compare_views(FRAMES, as_of=2020, points_threshold=6.0).loc[33, "report"] == "yellow"
    # at alpha = 0,20 the p = 0,15 of indicator 33 is significant, and the report's green stands
    assert compare_views(FRAMES, as_of=2020, alpha=0.20).loc[33, "significance"] == "green"


def test_limit_rule_for_a_rising_share_indicator_31():
    # Indicator 31: 67 % -> 68 % (Fafo 2019, tabell 7.1, line 1291); see test_trend.py: substantial
    # progress only because a rising share is bounded by 100 %.
    views = compare_views(FRAMES, as_of=2018)
    assert (views.loc[31, "from_value"], views.loc[31, "to_value"]) == (67, 68)
    assert views.loc[31, "trend_status"] == "substantial_progress"


def with_values(ident, values):
    """FRAMES with indicator *ident*'s main-series values replaced (a made-up case, not the data)."""
    obs = FRAMES["observations"]
    template = obs[obs["id"] == ident].iloc[[0]]
    new = pd.concat([template.assign(year=y, value=float(v), qualifier="exact", series="main")
                     for y, v in values.items()], ignore_index=True).astype(obs.dtypes.to_dict())
    return {**FRAMES, "observations": pd.concat([obs[obs["id"] != ident], new], ignore_index=True)}


def test_only_rising_shares_have_a_limit():
    # 95 -> 95,5 in a year is +0,53 %: moderate progress without a limit; for a share that should rise the
    # bands shrink by 1 - 0,95 ** 4,44 = 0,204 and it is substantial progress. Indicator 31 is a rising
    # share, indicator 3 (million kroner) and indicator 47 (a count) are not bounded by 100.
    for ident, status in ((31, "substantial_progress"), (3, "moderate_progress"), (47, "moderate_progress")):
        views = compare_views(with_values(ident, {2017: 95, 2018: 95.5}), as_of=2018)
        assert views.loc[ident, "trend_value"] == pytest.approx(0.5 / 95), ident
        assert views.loc[ident, "trend_status"] == status, ident
    # the limit is 100, not a little more: 95 -> 95,32 (+0,337 %) is above the band 0,5 % * 0,204 = 0,102 %
    # and 1,5 % * 0,204 = 0,305 %, substantial; with 101 the band would be 1,5 % * 0,238 = 0,357 %
    views = compare_views(with_values(31, {2017: 95, 2018: 95.32}), as_of=2018)
    assert views.loc[31, "trend_status"] == "substantial_progress"
    assert 0.015 * (1 - 0.95 ** 4.44) < 0.32 / 95 < 0.015 * (1 - (95 / 101) ** 4.44)


def test_the_report_rule_itself_is_unchanged():
    """The second reading is computed beside the report's colours, never instead of them."""
    table = indicator_table(FRAMES["indicators"], FRAMES["observations"], "hovedmal1", as_of=2018)
    before = table.changes["colour"].astype(str).tolist()
    cells = cell_significance(table, FRAMES)
    assert table.changes["colour"].astype(str).tolist() == before == cells["colour"].astype(str).tolist()
    # indicator 27, 2016-2017: 42 -> 44 % (observations.csv lines 71-72), n = 400 both years (sample_sizes
    # lines 17-18): +2 points is green for the report; pooled 0,43, z = 0,02 / sqrt(0,43 * 0,57 * (2/400) *
    # 800/799) = 0,02 / 0,035029 = 0,5710, p = erfc(0,5710 / 1,41421) = 0,568: yellow
    row = cells[(cells["id"] == 27) & (cells["period"] == "2016–2017")].iloc[0]
    assert row[["colour", "significance", "significance_reason", "n_from", "n_to"]].tolist() == [
        "green", "yellow", "not_significant", 400.0, 400.0]
    assert row["p_value"] == pytest.approx(score_test_by_hand(0.42, 400, 0.44, 400)[1], rel=1e-9)
    assert row["p_value"] == pytest.approx(0.5680, abs=1e-4)
    # a count has no sampling error here: no p-value (NaN, not None), and the report's colour stands
    table = indicator_table(FRAMES["indicators"], FRAMES["observations"], "ressursinnsats", as_of=2018)
    cells = cell_significance(table, FRAMES).set_index(["id", "period"])
    assert np.isnan(cells.loc[(4, "2016–2018"), "p_value"]) and cells.loc[(4, "2016–2018"), "significance"] == "green"


def test_cell_significance_honours_alpha():
    # at alpha = 0,60, 42 -> 44 % (p = 0,568) is significant and keeps the report's green
    table = indicator_table(FRAMES["indicators"], FRAMES["observations"], "hovedmal1", as_of=2018)
    cells = cell_significance(table, FRAMES, alpha=0.60)
    assert cells.query("id == 27 and period == '2016–2017'")["significance"].item() == "green"


def test_the_reports_significance_statements_against_the_test():
    checks = check_statements(FRAMES).set_index("id")
    # IS-24/8 (over 400 municipalities a year): the test agrees with every statement it can check.
    assert checks.loc[[43, 54, 60, 61, 67], "agrees"].tolist() == [True] * 5
    # Where 2020's size is unknown the statement cannot be tested.
    assert checks.loc[33, "agrees"] is None
    # Indicator 60, 2016-2018: 60 % -> 62 % (observations.csv lines 133 and 135), n = 400 (sample_sizes.csv
    # lines 59 and 61); Fafo 2019 line 1514: "ikke signifikante"; by hand p = 0,56.
    row = checks.loc[60]
    assert row[["period", "statement", "from_value", "to_value", "n_from", "n_to", "agrees"]].tolist() == [
        "2016-2018", "not_significant", 60.0, 62.0, 400.0, 400.0, True]
    assert row["p_value"] == pytest.approx(score_test_by_hand(0.60, 400, 0.62, 400)[1], rel=1e-9)
    # A p-value equal to alpha is not significant, as in the colours: at alpha = p the statement holds.
    assert check_statements(FRAMES, alpha=row["p_value"]).set_index("id").loc[60, "agrees"] is True


def test_a_statement_that_a_change_is_significant():
    # A made-up statement beside the data: 43 rose from 25 % (2016) to 42 % (2018) of over 400
    # municipalities; by hand z = 0,17 / sqrt(0,335 * 0,665 * (2/400) * 800/799) = 5,1, p < 0,0001.
    statements = FRAMES["significance_statements"]
    extra = statements[statements["id"] == 43].iloc[[0]].assign(period="2016-2018", statement="significant")
    frames = {**FRAMES, "significance_statements": pd.concat([statements, extra], ignore_index=True)}
    checks = check_statements(frames)
    row = checks[(checks["id"] == 43) & (checks["period"] == "2016-2018")].iloc[0]
    assert row["p_value"] == pytest.approx(score_test_by_hand(0.25, 400, 0.42, 400)[1], rel=1e-9)
    assert score_test_by_hand(0.25, 400, 0.42, 400)[0] == pytest.approx(0.17 / sqrt(0.335 * 0.665 * 0.005 * 800 / 799))
    assert row["agrees"] is True
