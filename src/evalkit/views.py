"""Three readings of the same changes, side by side: the report's rule (the default, unchanged), the
same rule where sampling error is taken into account (:mod:`evalkit.significance`), and the statistical
offices' trend assessment (:mod:`evalkit.trend`).

:func:`compare_views` judges each active indicator once, from its first to its last exact value of the
main series within ``base`` ... ``as_of`` (as :func:`evalkit.tables.overall_changes` does);
:func:`cell_significance` gives the significance-aware colour of every change cell of an area's table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import significance, trend
from .tables import AreaTable, overall_changes


def _lookup(sizes: pd.Series, ids, years, series) -> np.ndarray:
    keys = list(zip(ids, years, series))
    return np.array([sizes.get(k, np.nan) if not pd.isna(k[1]) else np.nan for k in keys], dtype=float)


def compare_views(frames: dict[str, pd.DataFrame], *, as_of: int, base: int = 2016,
                  alpha: float = significance.DEFAULT_ALPHA, **thresholds) -> pd.DataFrame:
    """One row per active indicator: the span judged, the report's colour, the significance-aware colour
    (with the p-value and the sample sizes used) and the trend assessment (status and colour)."""
    cat = frames["indicators"].set_index("id")
    ov = overall_changes(frames["indicators"], frames["observations"], as_of=as_of, base=base, **thresholds)
    ids = ov.index.to_numpy()
    share = (cat.loc[ids, "unit"] == "percent").to_numpy()
    sizes = significance.sample_sizes(frames["sample_sizes"])
    from_year = ov["from_year"].to_numpy(dtype=float)
    to_year = ov["to_year"].to_numpy(dtype=float)
    as_int = lambda a: [None if np.isnan(y) else int(y) for y in a]  # noqa: E731
    n_from = _lookup(sizes, ids, as_int(from_year), ["main"] * len(ids))
    n_to = _lookup(sizes, ids, as_int(to_year), ["main"] * len(ids))
    report = ov["colour"].astype(str).to_numpy(dtype=object)
    z, p = significance.change_test(ov["from_value"], n_from, ov["to_value"], n_to)
    p = np.where(share, p, np.nan)
    sig_colour, sig_reason = significance.classify_significant(report, p, share, alpha)

    rule = ov["change"].to_numpy(dtype=object)
    direction = ov["direction"].to_numpy(dtype=object)
    limit = np.where(share & (direction == "up"), 100.0, np.where(share, 0.0, np.nan))
    value, status = trend.progress(ov["from_value"], ov["to_value"], ov["years"], direction, limit)
    # The same indicators as the report judges: none where the report computes no change.
    status = np.where(rule == "none", "not_available", status).astype(object)
    value = np.where(rule == "none", np.nan, value)
    return pd.DataFrame({
        "area": ov["area"].to_numpy(), "name": cat.loc[ids, "name"].to_numpy(), "unit": cat.loc[ids, "unit"].to_numpy(),
        "direction": direction, "from_year": from_year, "to_year": to_year,
        "from_value": ov["from_value"].to_numpy(), "to_value": ov["to_value"].to_numpy(),
        "delta": ov["delta"].to_numpy(), "report": report,
        "n_from": n_from, "n_to": n_to, "p_value": p, "significance": sig_colour, "significance_reason": sig_reason,
        "trend_value": value, "trend_status": status, "trend": trend.colours(status),
    }, index=pd.Index(ids, name="id"))


def cell_significance(table: AreaTable, frames: dict[str, pd.DataFrame],
                      alpha: float = significance.DEFAULT_ALPHA) -> pd.DataFrame:
    """The table's change cells with ``p_value``, ``significance`` (colour) and ``significance_reason``."""
    sizes = significance.sample_sizes(frames["sample_sizes"])
    ch = table.changes
    ids = ch["id"].to_numpy()
    share = (table.indicators.loc[ids, "unit"] == "percent").to_numpy()
    n = {}
    for end in ("from", "to"):
        years = ch[f"{end}_year"].to_numpy()
        series = [table.series.at[i, y] or "main" for i, y in zip(ids, years)]
        n[end] = _lookup(sizes, ids, years, series)
    _, p = significance.change_test(ch["from_value"], n["from"], ch["to_value"], n["to"])
    p = np.where(share, p, np.nan)
    colour, reason = significance.classify_significant(ch["colour"].astype(str).to_numpy(dtype=object), p, share, alpha)
    return ch.assign(n_from=n["from"], n_to=n["to"], p_value=p, significance=colour, significance_reason=reason)


def check_statements(frames: dict[str, pd.DataFrame], alpha: float = significance.DEFAULT_ALPHA) -> pd.DataFrame:
    """The reports' own statements that a change of one indicator is (not) significant, beside what the
    test gives for the same years from the data: ``p_value`` (NaN where a value or a size is missing)
    and ``agrees`` (None where the test cannot be made)."""
    st = frames["significance_statements"].dropna(subset=["id", "period"])
    obs = frames["observations"]
    obs = obs[obs["series"] == "main"].set_index(["id", "year"])["value"]
    sizes = significance.sample_sizes(frames["sample_sizes"])
    rows = []
    for r in st.itertuples():
        y0, y1 = (int(y) for y in r.period.split("-"))
        v0, v1 = obs.get((r.id, y0), np.nan), obs.get((r.id, y1), np.nan)
        n0, n1 = sizes.get((r.id, y0, "main"), np.nan), sizes.get((r.id, y1, "main"), np.nan)
        _, p = significance.change_test([v0], [n0], [v1], [n1])
        p = float(p[0])
        said = r.statement == "significant"
        rows.append({"id": int(r.id), "period": r.period, "statement": r.statement, "from_value": v0,
                     "to_value": v1, "n_from": n0, "n_to": n1, "p_value": p,
                     "agrees": None if np.isnan(p) else bool((p < alpha) == said)})
    return pd.DataFrame(rows)
