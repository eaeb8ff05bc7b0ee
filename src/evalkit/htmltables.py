"""Tables for the book's pages: an area's indicator table as the report lays it out (each change cell
with its colour's background, symbol and significance marker, the final report's statements in a last
column), the colour legend, and any other table with escaped text and a fixed id.

Text from the data (indicator names, sources, notes) is always HTML-escaped before it reaches a page.
"""

from __future__ import annotations

import html

import pandas as pd

from . import fmt
from .chapter import Chapter
from .classify import DEFAULT_POINTS_THRESHOLD, DEFAULT_RELATIVE_THRESHOLD
from .links import page_link
from .tables import AreaTable, display_frame, period_label
from .views import cell_significance

# Background colours of the report's traffic lights, light enough for black text (WCAG AA).
BACKGROUND = {"green": "#a8d5a2", "yellow": "#fde68a", "red": "#f5a3a3", "grey": "#e0e0e0"}
# A change cell whose colour would differ if sampling error were taken into account (evalkit.views).
SIGNIFICANCE_MARKERS = {"not_significant": " *", "n_unknown": " ?"}


def table_frame(chapter: Chapter, table: AreaTable) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cells a reader sees and, of the same shape, their CSS: each change cell carries its colour's
    background and symbol; where the final report states a change in words, a last column shows it."""
    vocab = chapter.vocab
    shown = display_frame(table, vocab, symbols=False)
    css = pd.DataFrame("", index=shown.index, columns=shown.columns)
    cells = cell_significance(table, chapter.frames).set_index(["period", "id"])
    for p in table.periods:
        label = period_label(p)
        sub = cells.loc[label].reindex(table.indicators.index)
        colours = sub["colour"].astype(str).to_numpy()
        markers = [SIGNIFICANCE_MARKERS.get(r, "") if c != s else ""
                   for c, s, r in zip(colours, sub["significance"], sub["significance_reason"])]
        shown[label] = [f"{v} {vocab.colour(c).symbol}{m}" for v, c, m in zip(shown[label], colours, markers)]
        css[label] = [f"background-color: {BACKGROUND[c]}" for c in colours]
    shown = shown.drop(columns=[c for c in shown.columns if c.startswith("Farge ")])
    css = css[shown.columns]
    if table.as_of >= 2019:
        reported = [chapter.reported_text(i) for i in table.indicators.index]
        if any(reported):
            shown["Oppgitt i sluttrapporten"] = reported
            css["Oppgitt i sluttrapporten"] = "font-style: italic"
    return shown, css


def show_table(chapter: Chapter, area: str, caption: str | None = None, *, ids: list[int] | None = None,
               name: str | None = None):
    """The area's table as a pandas Styler: escaped text, coloured change cells, symbols. ``ids`` keeps
    only those indicators (a chapter that shows a few rows of another area's table); ``name`` is the
    table's ``data-area`` (default: the area)."""
    table = chapter.table(area)
    shown, css = table_frame(chapter, table)
    if ids is not None:
        keep = shown["Nr."].astype(int).isin(ids).to_numpy()
        shown, css = shown[keep].reset_index(drop=True), css[keep].reset_index(drop=True)
    caption = caption or f"{chapter.vocab.area(area)}: indikatorer {table.base}–{table.as_of}"
    return (styled_table(shown, caption, name or area).apply(lambda _: css, axis=None)
            .format(page_link, subset=["Nr."]))  # each number links to the indicator's page


def styled_table(frame: pd.DataFrame, caption: str, name: str):
    """Any table for the book: every cell and the caption HTML-escaped, no index, and a fixed id
    (``name``, also its ``data-area``) so that two builds write the same HTML."""
    return (frame.style
            .format(escape="html")
            .hide(axis="index")
            .set_caption(html.escape(caption))
            .set_table_attributes(f'class="evalkit-table" data-area="{html.escape(name)}"')
            .set_uuid(f"tbl-{name}"))


def legend_html(chapter: Chapter) -> str:
    """The colour legend with the thresholds this run applies."""
    pts = fmt.number(chapter.thresholds.get("points_threshold", DEFAULT_POINTS_THRESHOLD), 1)
    rel = fmt.number(chapter.thresholds.get("relative_threshold", DEFAULT_RELATIVE_THRESHOLD), 1)
    items = []
    for code, c in chapter.vocab.colours.items():
        items.append(f'<span class="evalkit-legend-item" style="background-color: {BACKGROUND[code]}">'
                     f"{html.escape(c.symbol)} {html.escape(c.label)}: {html.escape(c.meaning)}</span>")
    note = (f"Terskel: {pts} prosentpoeng per år for andeler, {rel} prosent per år for antall og beløp. "
            "Ca. = omtrentlig verdi (vises, men vurderes ikke); † = verdi fra en ny serie som ikke kan "
            "sammenlignes med tidligere år; kursiv = endring slik sluttrapporten oppgir den (ikke beregnet). "
            "* = grønn eller rød etter regelen, men endringen er ikke statistisk signifikant (5 %-nivå); "
            "? = utvalgsstørrelsen bak andelen er ikke oppgitt, så signifikansen kan ikke vurderes.")
    return f'<div class="evalkit-legend">{" ".join(items)}<p>{html.escape(note)}</p></div>'


__all__ = ["BACKGROUND", "SIGNIFICANCE_MARKERS", "legend_html", "show_table", "styled_table", "table_frame"]
