"""Norwegian number formats (Babel, nb_NO)."""

import math

import pytest
from babel.numbers import get_minus_sign_symbol

from evalkit import fmt

NB = "\u00a0"
MINUS = get_minus_sign_symbol("nb_NO")  # whatever CLDR says for bokmål


@pytest.mark.parametrize("value, decimals, expected", [
    (13936, 0, f"13{NB}936"),
    (2.05, 2, "2,05"),
    (-2.1, 1, f"{MINUS}2,1"),
    (312.5, 0, "313"),          # the report rounds half up (indicator 91: 32 -> 132 printed 313 %)
    (187.5, 0, "188"),          # indicator 90: 32 -> 92 printed 188 %
    (0.25, 1, "0,3"),
    (-0.04, 1, "0,0"),          # never "-0,0"
    (1234567.891, 1, f"1{NB}234{NB}567,9"),
    (0.145, 2, "0,15"),         # the float 0.145 is 0.14499999999999999…: rounded as written, half up
    (2.675, 2, "2,68"),         # likewise 2.67499999…
    (1.005, 2, "1,01"),
])
def test_number(value, decimals, expected):
    assert fmt.number(value, decimals) == expected


def test_percent_points_and_missing():
    assert fmt.percent(4.3) == f"4,3{NB}%"
    assert fmt.points(6) == f"6,0{NB}%-poeng"
    assert fmt.percent(float("nan")) == "N/A"
    assert fmt.number(None) == "N/A"
    assert fmt.change(2.38, "relative") == f"2,4{NB}%"
    assert fmt.change(1.0, "points") == f"1,0{NB}%-poeng"
    assert fmt.change(1.0, "none") == "N/A"


def test_level_keeps_recorded_decimals():
    assert fmt.level(44, "percent") == f"44{NB}%"
    assert fmt.level(5.3, "percent") == f"5,3{NB}%"
    assert fmt.level(3.41, "score") == "3,41"
    assert fmt.level(15894, "count") == f"15{NB}894"


@pytest.mark.parametrize("text, expected", [
    ("4,3 %", (4.3, 1)), ("6,0 %-poeng", (6.0, 1)), ("-2,1 %", (-2.1, 1)), ("8.2 %", (8.2, 1)),
    ("42 %", (42.0, 0)), ("13 936", (13936.0, 0)), ("N/A", None), ("", None),
])
def test_parse_printed(text, expected):
    got = fmt.parse(text)
    assert got == expected or (got and math.isclose(got[0], expected[0]) and got[1] == expected[1])


def test_level_uses_printed_decimals():
    assert fmt.level(2.0, "index", 1) == "2,0"
    assert fmt.level(0.0, "percent", 1) == f"0,0{NB}%"


def test_numpy_integers_as_decimals():
    import numpy as np
    assert fmt.number(2.0, np.int64(1)) == "2,0"
