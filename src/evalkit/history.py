"""Where the 2016-2020 plan started from: the previous plan (Opptrappingsplanen for rusfeltet 2007-2012,
``plan2007_*.csv``) and the 2014 survey of municipal substance-abuse work (``survey2014.csv``).

The survey is stored as printed, one cell a row. :func:`survey_table` lays a table out again as the
report printed it, and :func:`survey_checks` recomputes what can be recomputed from the printed cells
(totals from their parts, shares from their counts), so that every place where the report's own numbers
do not agree is found by code and can be matched against ``errata.csv``.
"""

from __future__ import annotations

import pandas as pd

from . import fmt

TOTAL_ROWS = ("Sum", "Total", "Totalt")
SHARE_COLUMNS = ("Prosent", "Andel")


def plan2007_goals(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The 23 delmål with their hovedmål's name and the status's rank and meaning, in the plan's order."""
    goals = frames["plan2007_goals"].merge(
        frames["plan2007_hovedmal"][["hovedmal", "name"]].rename(columns={"name": "hovedmal_name"}), on="hovedmal")
    goals = goals.merge(frames["plan2007_status_scale"][["symbol", "rank", "meaning"]],
                        left_on="status", right_on="symbol").drop(columns="symbol")
    order = goals["delmal"].str.split(".", expand=True).astype(int)
    return goals.assign(_h=order[0], _d=order[1]).sort_values(["_h", "_d"]).drop(columns=["_h", "_d"]).reset_index(drop=True)


def survey_cells(survey: pd.DataFrame, table: str) -> pd.DataFrame:
    """The printed cells of one survey table, in the order of the file (the order printed)."""
    cells = survey[survey["table"] == table]
    if cells.empty:
        raise KeyError(f"no table {table!r} in survey2014.csv")
    return cells


def survey_table(survey: pd.DataFrame, table: str, unit: str | None = None) -> pd.DataFrame:
    """A survey table laid out as printed: one row per printed row, one column per printed column
    (only cells of ``unit`` if given). Rows and columns keep the printed order."""
    cells = survey_cells(survey, table)
    if unit is not None:
        cells = cells[cells["unit"] == unit]
    if cells.duplicated(["row", "column"]).any():
        raise ValueError(f"{table} prints a count and a share in one cell: choose a unit")
    wide = cells.pivot(index="row", columns="column", values="value")
    return wide.loc[list(dict.fromkeys(cells["row"])), list(dict.fromkeys(cells["column"]))]


def survey_value(survey: pd.DataFrame, table: str, row: str, column: str, unit: str | None = None) -> float:
    """One printed cell; raises KeyError if the table has no such cell (never a silent NaN in prose)."""
    cells = survey_cells(survey, table)
    hit = cells[(cells["row"] == row) & (cells["column"] == column)]
    if unit is not None:
        hit = hit[hit["unit"] == unit]
    if len(hit) != 1:
        raise KeyError(f"{table}: {len(hit)} cells for row {row!r}, column {column!r}, unit {unit}")
    return float(hit["value"].iloc[0])


def _share_as_printed(part: float, base: float) -> set[int]:
    """The whole percentages a careful printer could print for part/base: rounded half up, or rounded
    to one decimal first and then to a whole number (which turns 45,45 into 46)."""
    exact = 100 * part / base
    return {int(fmt.round_half_up(exact, 0)), int(fmt.round_half_up(float(fmt.round_half_up(exact, 1)), 0))}


def survey_checks(survey: pd.DataFrame) -> pd.DataFrame:
    """Every recomputation of a printed total or share in the survey's tables that does not agree with
    what is printed. One row per disagreement: ``table``, ``check`` (``total``: a printed total is not the
    sum of its parts; ``share``: a printed share does not follow from the printed counts), ``row``,
    ``column``, ``unit``, ``printed``, ``computed`` and ``location`` of the printed cell.

    Counts must add up exactly; shares may differ from 100 by one point (rounding of each part)."""
    found = []

    def add(check, r, computed):
        found.append({"table": r["table"], "check": check, "row": r["row"], "column": r["column"],
                      "unit": r["unit"], "printed": float(r["value"]), "computed": float(computed), "location": r["location"]})

    tables = survey[survey["table"].str.startswith("Tabell ")]
    for table, cells in tables.groupby("table", sort=False):
        is_total = cells["row"].isin(TOTAL_ROWS)
        parts, totals = cells[~is_total], cells[is_total]
        row_percent = ((cells["column"] == "Totalt") & (cells["unit"] == "percent")).any()
        # Column totals: counts exactly; shares that are meant to add up to 100, within one point.
        for _, t in totals.iterrows():
            same = parts[(parts["column"] == t["column"]) & (parts["unit"] == t["unit"])]
            if t["column"] == "n":  # a cross-table's base: the rows' bases are in column n too
                same = parts[parts["column"] == "n"]
            if same.empty:
                continue
            total = same["value"].sum()
            if t["unit"] == "count" and total != t["value"]:
                add("total", t, total)
            elif t["unit"] == "percent" and t["value"] == 100 and not row_percent and abs(total - 100) > 1:
                add("total", t, total)
        # Row totals of a cross-table printed in row percentages (each row's shares add up to Totalt).
        if row_percent:
            pct = cells[cells["unit"] == "percent"]
            for row, r in pct.groupby("row", sort=False):
                total_cell = r[r["column"] == "Totalt"]
                total = r.loc[r["column"] != "Totalt", "value"].sum()
                if not total_cell.empty and abs(total - total_cell["value"].iloc[0]) > 1:
                    add("total", total_cell.iloc[0], total)
        # Shares from counts: a response rate from Utvalg/Totalt, a share from Antall/total Antall.
        if cells.duplicated(["row", "column"]).any():
            continue  # a cross-table with counts and shares in one cell (Tabell 3.3): checked above
        wide = survey_table(survey, table)
        rows = [r for r in wide.index if r not in TOTAL_ROWS]
        if {"Utvalg", "Totalt", "Svarprosent"} <= set(wide.columns):
            pairs = [(r, "Svarprosent", wide.at[r, "Utvalg"], wide.at[r, "Totalt"]) for r in rows]
        elif "Antall" in wide.columns and any(c in wide.columns for c in SHARE_COLUMNS):
            col = next(c for c in SHARE_COLUMNS if c in wide.columns)
            base = wide.loc[[r for r in wide.index if r in TOTAL_ROWS], "Antall"]
            pairs = [(r, col, wide.at[r, "Antall"], base.iloc[0]) for r in rows] if len(base) else []
        else:
            pairs = []
        for row, col, part, base in pairs:
            printed = wide.at[row, col]
            if int(printed) not in _share_as_printed(part, base):
                cell = cells[(cells["row"] == row) & (cells["column"] == col)].iloc[0]
                add("share", cell, 100 * part / base)
    return pd.DataFrame(found, columns=["table", "check", "row", "column", "unit", "printed", "computed", "location"])


__all__ = ["plan2007_goals", "survey_cells", "survey_table", "survey_value", "survey_checks", "TOTAL_ROWS"]
