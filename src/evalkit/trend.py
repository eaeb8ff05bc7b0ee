"""The statistical offices' trend assessment, as a third reading beside the report's colours.

Eurostat's SDG monitoring report and Statistics Canada's open-sdg platform judge an indicator without a
quantified target by its compound annual growth rate (CAGR) in the desired direction. This module follows
open-sdg's implementation (``sdg-build``, ``sdg/ProgressMeasure.py``, "methodology 1", no target):

* progress value = CAGR from the first to the latest value, times +1 if the indicator should rise and
  -1 if it should fall (and -1 again if the base value is negative);
* bands: at least 1.5 % a year "substantial progress", 0.5-1.5 % "moderate progress", 0-0.5 %
  "limited progress", below 0 "deterioration";
* at least two data points a year or more apart, otherwise "not available";
* a base value of 0 is replaced by 0.001 (open-sdg's rule; a growth rate from zero is otherwise undefined);
* values of opposite sign give no rate ("not available");
* near a natural limit (a share rising towards 100 %), the bands shrink by the coefficient
  ``1 - (base/limit) ** 4.44`` (for ``base <= limit``), so a share at 95 % that still rises counts.

For comparison with the report, the bands map to colours: substantial and moderate progress green,
limited progress yellow, deterioration red, not available (or no desired direction) grey.
"""

from __future__ import annotations

import numpy as np

from .classify import Colour

BANDS = {"high": 0.015, "med": 0.005, "low": 0.0}  # open-sdg's defaults for methodology 1
LIMIT_EXPONENT = 4.44
ZERO_BASE = 0.001
STATUS_COLOUR = {"substantial_progress": Colour.GREEN.value, "moderate_progress": Colour.GREEN.value,
                 "limited_progress": Colour.YELLOW.value, "deterioration": Colour.RED.value,
                 "not_available": Colour.GREY.value}


def limit_coefficient(base, limit) -> np.ndarray:
    """open-sdg's reduction of the bands near a limit: 1 far from it, 0 at it; 1 where there is no limit."""
    base, limit = np.abs(np.asarray(base, dtype=float)), np.abs(np.asarray(limit, dtype=float))
    with np.errstate(invalid="ignore", divide="ignore"):
        below = 1 - (base / limit) ** LIMIT_EXPONENT
        between = 1 - ((2 * limit - base) / limit) ** LIMIT_EXPONENT
    coeff = np.where(base >= 2 * limit, 1.0, np.where(base <= limit, below, between))
    return np.where(np.isnan(limit), 1.0, coeff)


def progress(base, current, years, direction, limit=np.nan) -> tuple[np.ndarray, np.ndarray]:
    """``(progress value, status)`` for each indicator, vectorised. ``direction``: up/down/none;
    ``years``: the span between the two values; ``limit``: the natural bound the value moves towards
    (100 for a rising share), NaN for none."""
    base = np.asarray(base, dtype=float)
    current = np.asarray(current, dtype=float)
    shape = np.broadcast(base, current).shape
    years = np.broadcast_to(np.asarray(years, dtype=float), shape)
    direction = np.broadcast_to(np.asarray(direction, dtype=object), shape)
    sense = np.where(direction == "up", 1.0, np.where(direction == "down", -1.0, np.nan))
    b = np.where(base == 0, ZERO_BASE, base)
    with np.errstate(invalid="ignore", divide="ignore"):
        cagr = (current / b) ** (1 / years) - 1
    valid = np.isfinite(cagr) & (years >= 1) & ~((b > 0) & (current < 0)) & ~((b < 0) & (current > 0))
    value = np.where(valid, np.where(b < 0, -1.0, 1.0) * sense * cagr, np.nan)
    coeff = limit_coefficient(b, np.broadcast_to(np.asarray(limit, dtype=float), shape))
    status = np.select(
        [np.isnan(value), value >= BANDS["high"] * coeff, value >= BANDS["med"] * coeff, value >= BANDS["low"] * coeff],
        ["not_available", "substantial_progress", "moderate_progress", "limited_progress"],
        default="deterioration").astype(object)
    return value, status


def colours(status) -> np.ndarray:
    return np.vectorize(STATUS_COLOUR.get, otypes=[object])(status)
