"""Change computations and the evaluation's traffic-light rule.

How the report computes a change (checked against every printed change column of the third status
report, Fafo 2019, tables 5.1-11.1; see ``tests/test_published_changes.py``):

* between consecutive years: in percentage points for shares (``change == "points"``), in per cent for
  everything else (``change == "relative"``);
* over a longer span: the annual average, i.e. percentage points per year for shares and the compound
  annual growth rate for the rest. (For indicator 88, 675 -> 650 -> 329, the arithmetic mean of the two
  yearly changes is -26.5 % while the report prints -30 %, the compound rate: the report compounds.)

The rule (status report, chapter 2, line 357 of 001): a change in the desired direction is green, in
the undesired direction red, when it is *larger than* 1 percentage point for shares or 2.5 % for the
rest; a change of at most the threshold is yellow. The threshold applies to the change as computed
above, so over a span to the annual average. A change exactly at the threshold is yellow (the report
says "større enn"); a tolerance of 1e-9 guards the boundary against binary rounding.

Grey means "cannot be judged", with a reason: a missing level, the first year, values from different
series (a break in comparability), an approximate or bounded value, an indicator for which no change is
computed, or an indicator without a desired direction whose change exceeds the threshold.
"""

from __future__ import annotations

from enum import Enum

import numpy as np
import pandas as pd

from .thresholds import DEFAULT_POINTS_THRESHOLD, DEFAULT_RELATIVE_THRESHOLD

_EPS = 1e-9


class Colour(str, Enum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    GREY = "grey"


COLOURS = [c.value for c in Colour]
_GREEN, _YELLOW, _RED, _GREY = range(4)
_COLOUR_ARRAY = np.array(COLOURS, dtype=object)

# Reasons a change is grey (empty when it is not).
GREY_REASONS = {
    "missing": "no value for one of the years",
    "series_break": "the two values belong to different series and cannot be compared",
    "inexact": "an approximate or bounded value is shown but not classified",
    "no_change_rule": "the report computes no change for this indicator",
    "no_direction": "the indicator has no desired direction",
    "zero_base": "a relative change from zero is undefined",
}
_REASON_ARRAY = np.array(["", *GREY_REASONS], dtype=object)
_REASON_CODE = {r: i for i, r in enumerate(_REASON_ARRAY)}


def change(v_from, v_to, years, rule) -> np.ndarray:
    """The report's change between two levels, vectorised.

    ``rule`` is ``"points"`` (percentage points per year), ``"relative"`` (per cent per year, compound)
    or ``"none"`` (NaN). ``years`` is the span in years (1 for consecutive years).
    """
    v_from = np.asarray(v_from, dtype=float)
    v_to = np.asarray(v_to, dtype=float)
    years = np.broadcast_to(np.asarray(years, dtype=float), v_from.shape)
    rule = np.broadcast_to(np.asarray(rule, dtype=object), v_from.shape)
    out = np.full(v_from.shape, np.nan)
    pts = rule == "points"
    out[pts] = (v_to[pts] - v_from[pts]) / years[pts]
    rel = (rule == "relative") & (v_from != 0)
    with np.errstate(invalid="ignore"):
        # Over a span with a sign change a compound rate is undefined: a negative ratio to a
        # fractional power is NaN, as it should be.
        out[rel] = (np.power(v_to[rel] / v_from[rel], 1.0 / years[rel]) - 1.0) * 100.0
    return out


def classify(delta, direction, rule, *, exact=True, comparable=True,
             points_threshold: float = DEFAULT_POINTS_THRESHOLD,
             relative_threshold: float = DEFAULT_RELATIVE_THRESHOLD) -> tuple[np.ndarray, np.ndarray]:
    """Colour each change by the report's rule; return ``(colours, reasons)`` as object arrays.

    ``delta``: the change as computed by :func:`change`; ``direction``: ``up``/``down``/``none``;
    ``rule``: ``points``/``relative``/``none``; ``exact``: both values are exact (not approximate or
    bounds); ``comparable``: both values are of the same series. All arguments broadcast.
    """
    delta = np.asarray(delta, dtype=float)
    shape = delta.shape
    direction = np.broadcast_to(np.asarray(direction, dtype=object), shape)
    rule = np.broadcast_to(np.asarray(rule, dtype=object), shape)
    exact = np.broadcast_to(np.asarray(exact, dtype=bool), shape)
    comparable = np.broadcast_to(np.asarray(comparable, dtype=bool), shape)

    points = rule == "points"
    threshold = np.where(points, points_threshold, relative_threshold)
    sign = (direction == "up").astype(np.int8) - (direction == "down").astype(np.int8)
    no_rule = rule == "none"

    # Integer codes, written from the lowest priority up so that each later rule overrides the earlier.
    colour = np.full(shape, _RED, dtype=np.int8)
    reason = np.zeros(shape, dtype=np.int8)
    colour[delta * sign > 0] = _GREEN
    no_direction = sign == 0
    colour[no_direction] = _GREY
    reason[no_direction] = _REASON_CODE["no_direction"]
    small = np.abs(delta) <= threshold + _EPS
    colour[small] = _YELLOW
    reason[small] = 0
    for mask, why in ((~exact, "inexact"), (~comparable, "series_break"),
                      (np.isnan(delta) & ~no_rule, "missing"), (no_rule, "no_change_rule")):
        colour[mask] = _GREY
        reason[mask] = _REASON_CODE[why]
    return _COLOUR_ARRAY[colour], _REASON_ARRAY[reason]


def classify_frame(df: pd.DataFrame, **thresholds) -> pd.DataFrame:
    """Classify a frame with columns ``from_value, to_value, years, direction, change`` (the rule) and,
    optionally, ``exact`` and ``comparable``. Adds ``delta``, ``colour`` and ``reason``."""
    out = df.copy()
    out["delta"] = change(df["from_value"], df["to_value"], df["years"], df["change"])
    colours, reasons = classify(
        out["delta"].to_numpy(), df["direction"].to_numpy(), df["change"].to_numpy(),
        exact=df["exact"].to_numpy() if "exact" in df else True,
        comparable=df["comparable"].to_numpy() if "comparable" in df else True,
        **thresholds,
    )
    zero_base = (df["change"] == "relative").to_numpy() & (df["from_value"].to_numpy(dtype=float) == 0)
    reasons = np.where(zero_base & (reasons == "missing"), "zero_base", reasons)
    out["colour"] = pd.Categorical(colours, categories=COLOURS)
    out["reason"] = reasons
    return out
