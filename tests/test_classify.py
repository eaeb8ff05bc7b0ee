"""The report's change computations and traffic-light rule (status report 2019, ch. 2)."""

import numpy as np
import pytest

from evalkit.classify import change, classify, classify_frame


def test_consecutive_changes_match_printed_values():
    # Tabell 5.1 indicator 3: 2053 -> 2141 printed 4,3 %; Tabell 6.1 indicator 11: 7796 -> 6479 printed -16,9 %
    assert round(change(2053, 2141, 1, "relative").item(), 1) == 4.3
    assert round(change(7796, 6479, 1, "relative").item(), 1) == -16.9
    # shares in points: indicator 7, 21 % -> 27 % printed 6,0 %-poeng
    assert change(21, 27, 1, "points").item() == pytest.approx(6.0)


def test_span_is_annual_average():
    # indicator 4: 13 936 -> 15 894 over 2016-2018 printed 6,8 % (compound annual growth)
    assert round(change(13936, 15894, 2, "relative").item(), 1) == 6.8
    # indicator 88: 675 -> 329, printed -30 %: compound (-30.2), not the mean of yearly changes (-26.5)
    assert round(change(675, 329, 2, "relative").item()) == -30
    # indicator 43: 25 % -> 42 % printed 8,5 %-poeng per year
    assert change(25, 42, 2, "points").item() == pytest.approx(8.5)


def test_undefined_changes_are_nan():
    assert np.isnan(change(np.nan, 5, 1, "relative")).all()
    assert np.isnan(change(0, 5, 1, "relative")).all()  # relative change from zero
    assert np.isnan(change(2.0, 1.0, 1, "none")).all()
    assert np.isnan(change(-2.0, 1.0, 2, "relative")).all()  # compound rate across a sign change


@pytest.mark.parametrize("delta, direction, rule, expected", [
    (1.5, "up", "points", "green"),
    (-1.5, "up", "points", "red"),
    (-1.5, "down", "points", "green"),
    (1.5, "down", "points", "red"),
    (1.0, "up", "points", "yellow"),     # exactly at the threshold: "større enn" -> not green
    (-1.0, "up", "points", "yellow"),
    (1.0000001, "up", "points", "green"),
    (0.0, "up", "points", "yellow"),
    (2.5, "up", "relative", "yellow"),
    (2.6, "up", "relative", "green"),
    (-2.5000001, "up", "relative", "red"),
    (2.0, "up", "relative", "yellow"),   # 2 % is "unchanged" for counts, but 2 points is a change for shares
    (2.0, "up", "points", "green"),
    (np.nan, "up", "points", "grey"),
    (5.0, "none", "relative", "grey"),   # no desired direction: never green or red
    (1.0, "none", "relative", "yellow"),  # ... but still visibly unchanged
    (5.0, "up", "none", "grey"),
])
def test_rule(delta, direction, rule, expected):
    colours, _ = classify(np.array([delta]), direction, rule)
    assert colours[0] == expected


@pytest.mark.parametrize("a, b", [(7.3, 8.3), (1.2, 2.2), (31.7, 32.7)])
def test_boundary_survives_binary_rounding(a, b):
    # By hand each pair is exactly 1 percentage point apart, i.e. at the threshold: yellow ("større enn"
    # 1 point is needed for green). In binary floating point the difference is a little above 1.
    delta = change(np.array([a]), np.array([b]), 1, "points")
    assert delta[0] > 1.0  # the rounding error the rule must absorb
    assert classify(delta, "up", "points")[0][0] == "yellow"
    assert classify(-delta, "down", "points")[0][0] == "yellow"


def test_thresholds_are_parameters():
    assert classify(np.array([1.5]), "up", "points", points_threshold=2.0)[0][0] == "yellow"
    assert classify(np.array([3.0]), "up", "relative", relative_threshold=5.0)[0][0] == "yellow"
    # below the default but above a lower threshold: +0,8 points with a 0,5 threshold is green, -0,8 red
    colours, reasons = classify(np.array([0.8, -0.8, 0.3]), "up", "points", points_threshold=0.5)
    assert list(colours) == ["green", "red", "yellow"] and list(reasons) == ["", "", ""]


def test_grey_reasons():
    colours, reasons = classify(np.array([5.0, 5.0, 5.0, np.nan, 0.5]), "up", "points",
                                exact=np.array([True, False, True, True, True]),
                                comparable=np.array([True, True, False, True, True]))
    assert list(colours) == ["green", "grey", "grey", "grey", "yellow"]
    assert list(reasons) == ["", "inexact", "series_break", "missing", ""]  # only grey has a reason


def test_approximate_values_never_classified():
    colours, reasons = classify(np.array([10.0, -10.0]), "up", "points", exact=False)
    assert list(colours) == ["grey", "grey"] and set(reasons) == {"inexact"}


def test_classify_frame_marks_zero_base():
    import pandas as pd
    df = pd.DataFrame({"from_value": [0.0, 100.0], "to_value": [5.0, 110.0], "years": [1, 1],
                       "direction": ["up", "up"], "change": ["relative", "relative"]})
    out = classify_frame(df)
    assert list(out["colour"].astype(str)) == ["grey", "green"]
    assert out["reason"].iloc[0] == "zero_base"


def test_vectorised_over_many_rows():
    rng = np.random.default_rng(0)
    n = 100_000
    delta = rng.normal(0, 3, n)
    direction = rng.choice(np.array(["up", "down", "none"], dtype=object), n)
    rule = rng.choice(np.array(["points", "relative"], dtype=object), n)
    colours, _ = classify(delta, direction, rule)
    thr = np.where(rule == "points", 1.0, 2.5)
    expect_green = (np.abs(delta) > thr) & (((direction == "up") & (delta > 0)) | ((direction == "down") & (delta < 0)))
    assert ((colours == "green") == expect_green).all()


def test_the_tolerance_itself_is_still_at_the_threshold():
    # The tolerance absorbs binary rounding, so a change of exactly 1 point plus the tolerance (1e-9) is
    # still "not larger than" 1 point: yellow; 1e-8 above it is a real change: green.
    from evalkit.classify import _EPS, DEFAULT_POINTS_THRESHOLD
    colours, _ = classify(np.array([DEFAULT_POINTS_THRESHOLD + _EPS, DEFAULT_POINTS_THRESHOLD + 1e-8]), "up", "points")
    assert list(colours) == ["yellow", "green"]


def test_no_warnings_for_undefined_changes():
    """A compound rate across a sign change, a missing value, an indicator without a direction: grey or
    NaN, silently (a RuntimeWarning would be printed into the chapter that shows the table)."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        delta = change(np.array([-2.0, 2.0, 0.0]), np.array([1.0, np.nan, 5.0]), 2, "relative")
        colours, reasons = classify(np.array([5.0, -5.0, np.nan, 0.0]), "none", "points")
    assert np.isnan(delta).all()
    assert list(colours) == ["grey", "grey", "grey", "yellow"]
    assert list(reasons) == ["no_direction", "no_direction", "missing", ""]


def test_classify_frame_thresholds_reasons_and_categories():
    import pandas as pd
    from evalkit.classify import COLOURS
    # +0,8 points with a threshold of 0,5: green (with the default 1 point it would be yellow)
    df = pd.DataFrame({"from_value": [20.0], "to_value": [20.8], "years": [1], "direction": ["up"], "change": ["points"]})
    out = classify_frame(df, points_threshold=0.5)
    assert out["colour"].astype(str).tolist() == ["green"] and out["delta"].item() == pytest.approx(0.8)
    # every colour is a category, also those no row has (counts per colour then include the zeros)
    assert list(out["colour"].cat.categories) == COLOURS
    assert out["colour"].value_counts().to_dict() == {"green": 1, "yellow": 0, "red": 0, "grey": 0}
    # "zero_base" only where a relative change starts at 0; a missing value is "missing" otherwise:
    # points from 0 to nothing, relative from 100 to nothing, relative from 0 to 5
    df = pd.DataFrame({"from_value": [0.0, 100.0, 0.0], "to_value": [np.nan, np.nan, 5.0], "years": [1, 1, 1],
                       "direction": ["up"] * 3, "change": ["points", "relative", "relative"]})
    assert classify_frame(df)["reason"].tolist() == ["missing", "missing", "zero_base"]
