"""Norwegian (bokmål) number formatting for the book and exports, by Babel's ``nb_NO`` locale.

Babel gives the locale's group separator (a no-break space: "13 936"), decimal comma and minus sign
(U+2212). Rounding is half away from zero, as the report rounds (312.5 % prints as "313 %"), not
Babel's default half-to-even.
"""

from __future__ import annotations

import datetime
import decimal
import math

from babel.numbers import format_decimal, get_minus_sign_symbol

LOCALE = "nb_NO"
NA = "N/A"
NBSP = "\u00a0"
# CLDR's minus for bokmål is U+2212; Babel's pattern formatting emits a hyphen-minus, so we apply it.
MINUS = get_minus_sign_symbol(LOCALE)


def round_half_up(value: float, decimals: int) -> decimal.Decimal:
    # repr() gives the shortest decimal that round-trips the float, so 0.145 stays 0.145, not 0.14499…
    d = decimal.Decimal(repr(float(value)))
    return d.quantize(decimal.Decimal(1).scaleb(-int(decimals)), rounding=decimal.ROUND_HALF_UP)


def _is_missing(value) -> bool:
    try:
        return value is None or math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def number(value, decimals: int = 0) -> str:
    """``13936`` -> ``"13 936"``; ``2.05, 2`` -> ``"2,05"``; missing -> ``"N/A"``."""
    if _is_missing(value):
        return NA
    q = round_half_up(value, decimals)
    if q == 0:
        q = abs(q)  # no "-0,0"
    decimals = int(decimals)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    text = format_decimal(q, format=pattern, locale=LOCALE, decimal_quantization=True)
    return MINUS + text[1:] if text.startswith("-") else text


def percent(value, decimals: int = 1) -> str:
    """A per-cent figure: ``4.3`` -> ``"4,3 %"``."""
    return NA if _is_missing(value) else f"{number(value, decimals)}{NBSP}%"


def points(value, decimals: int = 1) -> str:
    """A change in percentage points: ``6`` -> ``"6,0 %-poeng"``."""
    return NA if _is_missing(value) else f"{number(value, decimals)}{NBSP}%-poeng"


def level(value, unit: str, decimals: int | None = None) -> str:
    """A level in its unit's customary form, with the decimals the source printed (default: as many
    as the value has, at most 2): shares with "%", money and counts grouped."""
    if _is_missing(value):
        return NA
    decimals = decimals_of(value) if decimals is None else int(decimals)
    if unit == "percent":
        return percent(value, decimals)
    return number(value, decimals)


def decimals_of(value) -> int:
    """The number of decimals a float needs (at most 2): 3.41 -> 2, 2.0 -> 0, 5.3 -> 1."""
    d = decimal.Decimal(repr(float(value))).normalize()
    return min(max(-d.as_tuple().exponent, 0), 2)


def date(value) -> str:
    """An ISO date in bokmål: ``2026-11-23`` -> ``23. november 2026``."""
    from babel.dates import format_date

    return format_date(datetime.date.fromisoformat(str(value)[:10]), format="d. MMMM y", locale=LOCALE)


def change(value, rule: str, decimals: int = 1) -> str:
    """A change as the report prints it: points for shares, per cent for the rest."""
    if rule == "points":
        return points(value, decimals)
    if rule == "relative":
        return percent(value, decimals)
    return NA


def parse(text: str) -> tuple[float, int] | None:
    """Read a printed Norwegian figure (``"-2,1 %"``, ``"6,0 %-poeng"``, ``"8.2 %"``, ``"13 936"``) into
    ``(value, decimals)``; ``None`` for ``"N/A"`` or an empty cell."""
    t = text.replace("%-poeng", "").replace("%", "").replace(NBSP, "").replace(" ", "").replace("\u2212", "-")
    t = t.strip()
    if t in {"", NA}:
        return None
    t = t.replace(",", ".")
    decimals = len(t.split(".", 1)[1]) if "." in t else 0
    return float(t), decimals
