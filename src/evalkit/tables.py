"""An area's indicator table in the report's layout: levels for each year, the change columns, and
each change's colour by the classifier.

``indicator_table`` returns the numbers (:class:`AreaTable`); ``display_frame`` turns them into the
strings a reader sees (Norwegian formats), which the CLI prints and the book styles.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import fmt
from .classify import COLOURS, classify_frame
from .vocabulary import Vocabulary

def periods(base: int, as_of: int) -> list[tuple[int, int]]:
    """The change columns: each pair of consecutive years, then the whole span if longer than a year."""
    if as_of <= base:
        raise ValueError(f"as_of ({as_of}) must be after base ({base})")
    out = [(y, y + 1) for y in range(base, as_of)]
    if as_of - base > 1:
        out.append((base, as_of))
    return out


def period_label(p: tuple[int, int]) -> str:
    return f"{p[0]}–{p[1]}"


@dataclass
class AreaTable:
    """The numbers behind one area's table."""

    area: str
    base: int
    as_of: int
    indicators: pd.DataFrame  # index id: type, name, source, unit, change, direction
    levels: pd.DataFrame  # index id, columns years: value (NaN where none)
    qualifiers: pd.DataFrame  # index id, columns years: exact/approx/... ("" where none)
    series: pd.DataFrame  # index id, columns years: series name ("" where none)
    decimals: pd.DataFrame  # index id, columns years: decimals the source printed
    changes: pd.DataFrame  # long: id, period, from_year, to_year, delta, colour, reason

    @property
    def years(self) -> list[int]:
        return list(range(self.base, self.as_of + 1))

    @property
    def periods(self) -> list[tuple[int, int]]:
        return periods(self.base, self.as_of)

    def span(self, start: int, end: int, **thresholds) -> pd.DataFrame:
        """The change and colour from *start* to *end* (any two of the table's years), by id, computed
        as the table's own columns are."""
        rows = _pair(self.indicators, self.levels, self.qualifiers, self.series, start, end)
        return classify_frame(rows, **thresholds).set_index("id")

    def colour(self, ident: int, period: tuple[int, int]) -> str:
        row = self.changes[(self.changes["id"] == ident) & (self.changes["period"] == period_label(period))]
        return str(row["colour"].iloc[0])


def _pick_series(obs: pd.DataFrame) -> pd.DataFrame:
    """One observation per indicator and year: the ``main`` series where there is one."""
    ranked = obs.assign(_rank=(obs["series"] != "main").astype(int)).sort_values(["id", "year", "_rank", "series"])
    return ranked.drop_duplicates(["id", "year"]).drop(columns="_rank")


def _pair(cat: pd.DataFrame, levels: pd.DataFrame, qualifiers: pd.DataFrame, series: pd.DataFrame,
          start: int, end: int) -> pd.DataFrame:
    """The inputs of the rule for each indicator between two years of a table: both levels, the span,
    the direction and change rule, whether both values are exact and whether they are of one series."""
    return pd.DataFrame({
        "id": cat.index,
        "years": end - start,
        "from_value": levels[start].to_numpy(),
        "to_value": levels[end].to_numpy(),
        "direction": cat["direction"].to_numpy(dtype=object),
        "change": cat["change"].to_numpy(dtype=object),
        "exact": (qualifiers[start].isin(["exact", ""]) & qualifiers[end].isin(["exact", ""])).to_numpy(),
        "comparable": ((series[start] == series[end]) | (series[start] == "") | (series[end] == "")).to_numpy(),
    })


def indicator_table(catalogue: pd.DataFrame, observations: pd.DataFrame, area: str, *,
                    as_of: int, base: int = 2016, **thresholds) -> AreaTable:
    """Build the table of *area* for the years ``base`` … ``as_of`` from validated frames."""
    if area not in set(catalogue["area"]):
        raise ValueError(f"unknown area {area!r}; one of {', '.join(sorted(set(catalogue['area'])))}")
    cat = catalogue[(catalogue["area"] == area) & (catalogue["status"] == "active")]
    cat = cat.set_index("id").sort_index()
    ids = cat.index
    years = list(range(base, as_of + 1))

    obs = observations[observations["id"].isin(ids) & observations["year"].between(base, as_of)]
    obs = _pick_series(obs)
    grid = pd.MultiIndex.from_product([ids, years], names=["id", "year"])
    cells = obs.set_index(["id", "year"]).reindex(grid)
    levels = cells["value"].astype(float).unstack("year").reindex(columns=years)
    qualifiers = cells["qualifier"].astype("string").fillna("").unstack("year").reindex(columns=years)
    series = cells["series"].astype("string").fillna("").unstack("year").reindex(columns=years)
    decimals = cells["value_decimals"].fillna(0).astype(int).unstack("year").reindex(columns=years)

    rows = [_pair(cat, levels, qualifiers, series, *p).assign(period=period_label(p), from_year=p[0], to_year=p[1])
            for p in periods(base, as_of)]
    changes = classify_frame(pd.concat(rows, ignore_index=True), **thresholds)
    keep = ["id", "period", "from_year", "to_year", "from_value", "to_value", "delta", "colour", "reason"]
    return AreaTable(area, base, as_of, cat[["type", "name", "source", "unit", "change", "direction"]],
                     levels, qualifiers, series, decimals, changes[keep])


def display_frame(table: AreaTable, vocab: Vocabulary, *, symbols: bool = True) -> pd.DataFrame:
    """The table as a reader sees it: Norwegian number formats, one column per year and per change,
    and for each change a colour column (``grønn ✓`` …)."""
    cat = table.indicators
    out = pd.DataFrame(index=cat.index)
    out["Nr."] = cat.index.astype(str)
    out["Type"] = [vocab.label("type", t) for t in cat["type"]]
    out["Indikator"] = cat["name"]
    out["Kilde"] = cat["source"]
    for y in table.years:
        vals = []
        for ident in cat.index:
            text = fmt.level(table.levels.at[ident, y], cat.at[ident, "unit"], table.decimals.at[ident, y])
            if text != fmt.NA:
                text = vocab.qualified(text, table.qualifiers.at[ident, y] or "exact")
            s = table.series.at[ident, y]
            if text != fmt.NA and s not in ("", "main"):
                text += " †"
            vals.append(text)
        out[str(y)] = vals
    ch = table.changes.set_index(["id", "period"])
    for p in table.periods:
        label = period_label(p)
        sub = ch.xs(label, level="period").reindex(cat.index)
        out[label] = [fmt.change(d, r) for d, r in zip(sub["delta"], cat["change"])]
        names = sub["colour"].astype(str).map(lambda c: vocab.colour(c).named if symbols else vocab.colour(c).label)
        out[f"Farge {label}"] = names.to_numpy()
    return out.reset_index(drop=True)


def colour_counts(table: AreaTable, period: tuple[int, int] | None = None) -> pd.Series:
    """How many indicators of the table have each colour over *period* (default: the whole span)."""
    p = period_label(period or (table.base, table.as_of))
    sub = table.changes[table.changes["period"] == p]
    if sub.empty:
        raise ValueError(f"the table {table.area} {table.base}-{table.as_of} has no change column {p}")
    return sub["colour"].astype(str).value_counts().reindex(COLOURS, fill_value=0)


def all_tables(catalogue, observations, *, as_of: int, base: int = 2016, areas=None,
               **thresholds) -> dict[str, AreaTable]:
    """Every area's table, in the order of *areas* (default: as the areas first occur in the catalogue)."""
    areas = list(areas) if areas is not None else list(dict.fromkeys(catalogue.sort_values("id")["area"]))
    return {a: indicator_table(catalogue, observations, a, as_of=as_of, base=base, **thresholds) for a in areas}


__all__ = ["AreaTable", "indicator_table", "display_frame", "colour_counts",
           "periods", "period_label", "all_tables", "check_published_changes", "overall_changes"]


def check_published_changes(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Recompute every change cell printed in the third status report (``published_changes``) from the
    printed levels, at the printed precision. Returns one row per cell with ``printed``, ``computed``,
    ``matches`` and, where the data lists it, the ``erratum`` explanation."""
    tables = all_tables(frames["indicators"], frames["observations"], as_of=2018, base=2016)
    changes = pd.concat([t.changes for t in tables.values()]).set_index(["id", "period"])
    rules = frames["indicators"].set_index("id")["change"]
    errata = frames["errata"].set_index(["id", "what"])["explanation"]
    rows = []
    for r in frames["published_changes"].itertuples():
        printed = r.printed if isinstance(r.printed, str) else ""
        delta = float(changes.loc[(r.id, r.period.replace("-", "–")), "delta"])
        parsed = fmt.parse(printed)
        if parsed is None:
            matches = bool(np.isnan(delta))
        else:
            value, decimals = parsed
            unit = "points" if "poeng" in printed else "relative"
            matches = (not np.isnan(delta) and float(fmt.round_half_up(delta, decimals)) == value
                       and rules[r.id] == unit)
        rows.append({"id": int(r.id), "period": r.period, "printed": printed, "computed": delta,
                     "matches": matches, "erratum": errata.get((r.id, f"change {r.period}"), "")})
    return pd.DataFrame(rows)


def overall_changes(catalogue: pd.DataFrame, observations: pd.DataFrame, *, as_of: int, base: int = 2016,
                    **thresholds) -> pd.DataFrame:
    """For each active indicator, the change from its first to its last exact value of the same series
    within ``base`` … ``as_of`` (annual average, as the report computes spans), coloured by the rule.
    An indicator with fewer than two such values is grey."""
    cat = catalogue[catalogue["status"] == "active"].set_index("id")
    obs = observations[observations["year"].between(base, as_of) & (observations["qualifier"] == "exact")
                       & observations["id"].isin(cat.index)]
    obs = obs[obs["series"] == "main"].sort_values(["id", "year"])
    first = obs.groupby("id").first()
    last = obs.groupby("id").last()
    frame = pd.DataFrame({"area": cat["area"], "direction": cat["direction"], "change": cat["change"]})
    frame["from_year"] = first["year"].reindex(frame.index)
    frame["to_year"] = last["year"].reindex(frame.index)
    frame["from_value"] = first["value"].reindex(frame.index).astype(float)
    frame["to_value"] = last["value"].reindex(frame.index).astype(float)
    single = frame["from_year"].isna() | (frame["from_year"] == frame["to_year"])
    frame.loc[single, "to_value"] = np.nan
    frame["years"] = (frame["to_year"] - frame["from_year"]).astype(float).where(~single, 1.0)
    out = classify_frame(frame.reset_index(), **thresholds)
    return out.set_index("id")
