"""Sampling uncertainty of shares and a significance-aware second reading of the report's colours.

The report colours a share's change green or red when it exceeds 1 percentage point, whether the share
rests on 491 survey answers or on 23 762 register records. This module adds what a reader needs to
defend a verdict, without touching the report's rule (:mod:`evalkit.classify` stays the default):

* :func:`wilson_interval`: the Wilson score interval of a share (statsmodels), vectorised;
* :func:`change_test`: the score test of the difference of two independent proportions
  (Miettinen-Nurminen; statsmodels' ``test_proportions_2indep``), vectorised;
* :func:`classify_significant`: the report's colour kept where the change is also significant at
  level ``alpha``, yellow where it is not, grey where a sample size is unknown.

Sample sizes come from ``data/sample_sizes.csv``. A size stated as "over N" (``lower_bound``) is used
as N, which makes the interval wider and the test more cautious than the truth; a size stated as
"under N" (``upper_bound``) gives no usable size and counts as unknown. Only shares have a sampling
error here: the catalogue's counts and money are registers and budgets, whole populations, and keep
the report's colour. Surveys of the same municipalities year after year are not independent samples;
the test treats them as independent, which for positively correlated answers errs on the cautious side.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint, test_proportions_2indep

from .classify import Colour

DEFAULT_ALPHA = 0.05
USABLE_N = ("exact", "approx", "lower_bound")  # qualifiers of a sample size the tests may use
_GREY_N = "n_unknown"


def usable_n(n, qualifier) -> np.ndarray:
    """The sample sizes the tests may use: NaN where unknown or only bounded above."""
    n = np.asarray(n, dtype=float)
    ok = np.isin(np.asarray(qualifier, dtype=object), USABLE_N)
    return np.where(ok & (n > 0), n, np.nan)


def wilson_interval(share, n, alpha: float = DEFAULT_ALPHA) -> tuple[np.ndarray, np.ndarray]:
    """The Wilson interval of shares given in per cent (0-100) with sample sizes *n*; NaN where n is NaN."""
    share = np.asarray(share, dtype=float)
    n = np.asarray(n, dtype=float)
    low = np.full(np.broadcast(share, n).shape, np.nan)
    high = low.copy()
    ok = np.isfinite(share) & np.isfinite(n) & (n > 0)
    if ok.any():
        s, m = np.broadcast_to(share, ok.shape)[ok], np.broadcast_to(n, ok.shape)[ok]
        lo, hi = proportion_confint(s / 100 * m, m, alpha=alpha, method="wilson")
        low[ok], high[ok] = np.asarray(lo) * 100, np.asarray(hi) * 100
    return low, high


def change_test(share_from, n_from, share_to, n_to) -> tuple[np.ndarray, np.ndarray]:
    """Score test of ``share_to - share_from`` (per cent) for independent samples: ``(z, p)``; NaN where
    a size is unknown. The counts are the shares times the sample sizes, as the sources print shares."""
    p0, n0, p1, n1 = (np.asarray(a, dtype=float) for a in (share_from, n_from, share_to, n_to))
    shape = np.broadcast(p0, n0, p1, n1).shape
    z, p = np.full(shape, np.nan), np.full(shape, np.nan)
    p0, n0, p1, n1 = (np.broadcast_to(a, shape) for a in (p0, n0, p1, n1))
    ok = np.isfinite(p0) & np.isfinite(p1) & np.isfinite(n0) & np.isfinite(n1) & (n0 > 0) & (n1 > 0)
    if ok.any():
        with np.errstate(invalid="ignore", divide="ignore"):
            res = test_proportions_2indep(p1[ok] / 100 * n1[ok], n1[ok], p0[ok] / 100 * n0[ok], n0[ok],
                                          method="score", compare="diff")
        z[ok], p[ok] = res.statistic, res.pvalue
        # No difference at all: the statistic is 0/0; the test cannot reject.
        same = ok & (p0 == p1)
        z[same], p[same] = 0.0, 1.0
    return z, p


def classify_significant(report_colour, p_value, is_share, alpha: float = DEFAULT_ALPHA):
    """The second reading: ``(colours, reasons)``.

    Shares: green or red only where the report says so *and* ``p < alpha``; yellow where the report's
    green or red is not significant; grey where the report is grey or the p-value is unknown (no
    sample size). Other units keep the report's colour.
    """
    colour = np.asarray(report_colour, dtype=object).copy()
    p_value = np.asarray(p_value, dtype=float)
    is_share = np.asarray(is_share, dtype=bool)
    reason = np.full(colour.shape, "", dtype=object)
    strong = np.isin(colour, [Colour.GREEN.value, Colour.RED.value])
    judged = is_share & (colour != Colour.GREY.value)
    unknown = judged & np.isnan(p_value)
    weak = judged & strong & ~unknown & ~(p_value < alpha)
    colour[unknown], reason[unknown] = Colour.GREY.value, _GREY_N
    colour[weak], reason[weak] = Colour.YELLOW.value, "not_significant"
    return colour, reason


def sample_sizes(sizes: pd.DataFrame) -> pd.Series:
    """The sizes the tests may use (:func:`usable_n`), indexed by ``(id, year, series)``; a key that is
    absent, or a NaN, means unknown."""
    usable = usable_n(sizes["n"], sizes["qualifier"].astype(object))
    return pd.Series(usable, index=pd.MultiIndex.from_frame(sizes[["id", "year", "series"]].astype(object)))


__all__ = ["DEFAULT_ALPHA", "usable_n", "wilson_interval", "change_test",
           "classify_significant", "sample_sizes"]
