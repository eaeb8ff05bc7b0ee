"""The statistical offices' trend reading (evalkit.trend): open-sdg's "methodology 1" without a target.
Every expected value is a hand calculation written beside it: progress = (current / base) ** (1 / years)
- 1, times +1 for an indicator that should rise and -1 for one that should fall (and -1 again for a
negative base); bands at 1,5 %, 0,5 % and 0 a year, shrunk near a limit by 1 - (base / limit) ** 4,44."""

import warnings

import numpy as np
import pytest

from evalkit import trend


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


def test_a_zero_base_is_replaced_by_0_001():
    # 0 -> 3 over two years: open-sdg puts 0,001 for the base, (3 / 0,001) ** (1/2) - 1 = sqrt(3000) - 1
    # = 53,772 (5 377 % a year); 0 -> 0 in a year: 0 / 0,001 - 1 = -1, a fall to nothing.
    value, status = trend.progress([0, 0], [3, 0], [2, 1], ["up", "up"])
    assert value[0] == pytest.approx(3000 ** 0.5 - 1) == pytest.approx(53.772, abs=1e-3)
    assert value[1] == -1.0 and list(status) == ["substantial_progress", "deterioration"]


def test_values_of_opposite_sign_give_no_rate():
    # Over one year the ratio of opposite signs still gives a finite number (5 -> -1: -1/5 - 1 = -1,2), so
    # the rule, not the arithmetic, must say "not available": 5 -> -1, -10 -> 0,5, and 0 (taken as
    # 0,001) -> -1.
    value, status = trend.progress([5, -10, 0], [-1, 0.5, -1], 1, "up")
    assert np.isnan(value).all() and list(status) == ["not_available"] * 3


def test_zero_has_no_sign():
    # A fall to zero is a fall of 100 %: 5 -> 0 is 0/5 - 1 = -1, deterioration for a rising indicator;
    # a rise from -10 to 0 is (0 / -10) - 1 = -1, times -1 for the negative base: +1, substantial progress.
    value, status = trend.progress([5, -10], [0, 0], 1, "up")
    assert list(value) == [-1.0, 1.0]
    assert list(status) == ["deterioration", "substantial_progress"]


def test_no_desired_direction_is_not_available():
    value, status = trend.progress([100, 100], [120, 80], 1, "none")
    assert np.isnan(value).all() and list(status) == ["not_available", "not_available"]
    assert list(trend.colours(status)) == ["grey", "grey"]


def test_an_unchanged_value_is_limited_progress():
    # open-sdg: a value of at least 0 (the low band) is limited progress; exactly 0 is not deterioration.
    value, status = trend.progress([50, 50], [50, 50], [1, 3], ["up", "down"])
    assert list(value) == [0.0, 0.0] and list(status) == ["limited_progress", "limited_progress"]


def test_a_value_exactly_at_a_band_edge_takes_the_higher_band():
    """open-sdg compares with "at least" (``x >= high``, ``x >= med``). Without a limit the band edges
    (0,015 and 0,005) cannot be hit exactly: 1,015 and 1,005 are not binary fractions. With the limit of
    a rising share the band is 0,015 * (1 - (base / 100) ** 4,44), and for some bases current = base * (1
    + band) gives a growth of exactly the band."""
    for band in ("high", "med"):
        for base in np.arange(100, 9900) / 100:
            edge = trend.BANDS[band] * trend.limit_coefficient(base, 100)
            value, status = trend.progress([base], [base * (1 + edge)], [1], ["up"], limit=[100])
            if value[0] == edge:
                break
        else:
            pytest.fail(f"no base hits the {band} band's edge exactly")
        assert status[0] == {"high": "substantial_progress", "med": "moderate_progress"}[band], base


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
    # and for an indicator that should fall, the two sign changes cancel: -10 -> -20 is progress
    value, status = trend.progress([-10], [-20], [1], ["down"])
    assert value[0] == pytest.approx(1.0) and status[0] == "substantial_progress"


def test_the_value_is_the_rate_itself_not_a_multiple():
    # 200 -> 210 in a year: +5 % for a rising indicator, -5 % for a falling one; 200 -> 190: the reverse
    value, _ = trend.progress([200, 200, 200, 200], [210, 210, 190, 190], 1, ["up", "down", "up", "down"])
    assert value == pytest.approx([0.05, -0.05, -0.05, 0.05])


def test_limit_rule_for_a_rising_share_indicator_31():
    # Indicator 31 (recovery orientation): 67 % in 2017, 68 % in 2018 (Fafo 2019, tabell 7.1, line 1291).
    # Growth 1/67 = 1.4925 % a year: below the 1.5 % band, so moderate far from a limit; near 100 % the
    # bands shrink by 1 - 0.67 ** 4.44 = 0.8310, to 1.2466 %, and it is substantial progress.
    assert trend.limit_coefficient(67, 100) == pytest.approx(0.8310, abs=1e-4)
    assert trend.progress([67], [68], [1], ["up"])[1][0] == "moderate_progress"
    assert trend.progress([67], [68], [1], ["up"], limit=[100])[1][0] == "substantial_progress"


def test_limit_coefficient_on_both_sides_of_the_limit():
    # open-sdg: 1 - (base / limit) ** 4,44 up to the limit, 1 - ((2 limit - base) / limit) ** 4,44 between
    # the limit and twice the limit, 1 beyond; 1 where there is no limit (NaN).
    # 150 against 100: 1 - (50/100) ** 4,44 = 1 - 0,0625 * 0,5 ** 0,44 = 1 - 0,0625 * 0,7371 = 0,95393;
    # 50 against 100: the same by symmetry
    coeff = trend.limit_coefficient([50, 100, 150, 250, 40], [100, 100, 100, 100, np.nan])
    assert coeff == pytest.approx([1 - 0.5 ** 4.44, 0.0, 1 - 0.5 ** 4.44, 1.0, 1.0])
    assert 1 - 0.5 ** 4.44 == pytest.approx(0.95393, abs=1e-5)
    # a negative base counts by its size: -95 against a limit of 100 as 95
    assert trend.limit_coefficient(-95, 100) == pytest.approx(1 - 0.95 ** 4.44)


def test_readings_broadcast_a_scalar_against_arrays():
    # one base, three current values, a year: +2 % substantial, +1 % moderate, -1 % deterioration
    assert list(trend.progress(100, [102, 101, 99], 1, "up")[1]) == [
        "substantial_progress", "moderate_progress", "deterioration"]
    # one current value over one and two years: 2 % a year, then (1,02) ** (1/2) - 1 = 0,995 % a year
    assert list(trend.progress([100, 100], 102, [1, 2], "up")[1]) == ["substantial_progress", "moderate_progress"]
    # one base against two current values with a direction and a span each: 100 -> 98 in a year is -2 %,
    # progress for an indicator that should fall; 100 -> 104 over two years is sqrt(1,04) - 1 = 1,98 %
    value, status = trend.progress(100, [98, 104], [1, 2], ["down", "up"])
    assert value == pytest.approx([0.02, 1.04 ** 0.5 - 1]) and list(status) == ["substantial_progress"] * 2


def test_no_warnings_for_undefined_rates():
    """A negative ratio to a fractional power (5 -> -1 over two years) and a span of zero years are "not
    available", silently: a RuntimeWarning would be printed into the chapter that shows the reading."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, status = trend.progress([5, 50, 0], [-1, 50, 0], [2, 0, 0], "up")
        assert list(status) == ["not_available"] * 3
        coeff = trend.limit_coefficient([0, 50, 50], [0, 0, 100])
        # a share at its limit of 100 % has bands of width 0: a fall is deterioration
        assert trend.progress([100], [99], [1], ["up"], limit=[100])[1][0] == "deterioration"
    assert coeff[0] == coeff[1] == 1.0  # a limit of 0: nothing to shrink
    assert coeff[2] == pytest.approx(1 - 0.5 ** 4.44)


def test_status_colours():
    status = ["substantial_progress", "moderate_progress", "limited_progress", "deterioration", "not_available"]
    colours = trend.colours(status)
    assert list(colours) == ["green", "green", "yellow", "red", "grey"]
    assert colours.dtype == object
    assert trend.colours([]).shape == (0,)  # an area without indicators: no colours, not an error
