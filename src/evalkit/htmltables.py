"""Tables for the book's pages.

An area's indicators are shown twice (:func:`show_table`). First a compact verdict table that fits the
text column down to a phone: the indicator's number and name, its first and last measurement in the
edition's years, the change per year and the colour by the report's rule, with its symbol and word.
Then, in an expandable part, the full table in the report's layout: every year's level, each change
cell with its colour's background, symbol and significance marker, source, type and the final report's
statements; it scrolls sideways inside its own box. Any other table goes through :func:`styled_table`.
Every table has a caption and header cells with a scope.

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
from .views import cell_significance, compare_views
from .words import shorten

# Background colours of the report's traffic lights, light enough for black text (WCAG AA: at least
# 4.5:1 with black text; tests/test_htmltables.py computes the ratios).
BACKGROUND = {"green": "#a8d5a2", "yellow": "#fde68a", "red": "#f5a3a3", "grey": "#e0e0e0"}
TEXT = "#000000"
# A change cell whose colour would differ if sampling error were taken into account (evalkit.views).
SIGNIFICANCE_MARKERS = {"not_significant": " *", "n_unknown": " ?"}
# Names longer than this are shortened in the verdict table (the whole name stays in the cell for
# screen readers and as its tooltip, and in the full table).
SHORT_NAME = 80
# The verdict table's columns; those marked optional give way on a narrow screen (evalkit.css).
VERDICT_COLUMNS = {"Nr.": False, "Indikator": False, "Første måling": True, "Siste måling": True,
                   "Endring per år": True, "Farge": False}


class Html(str):
    """HTML that a notebook cell shows as such (``_repr_html_``) and a test reads as text."""

    def _repr_html_(self) -> str:
        return str(self)

    def __repr__(self) -> str:  # the notebook's text/plain: short, not the HTML a second time
        return f"<HTML, {len(self)} characters>"

    def to_html(self) -> str:
        return str(self)


def number_cell(ident, from_dir: str = "chapters") -> str:
    """An indicator's number as every table shows it: a link to the indicator's page (from a page in
    *from_dir*, :mod:`evalkit.links`)."""
    return page_link(ident, from_dir)


def name_cell(name: str, width: int = SHORT_NAME) -> str:
    """An indicator's name, shortened to *width* characters at a word boundary. The rest of the name
    stays in the cell, hidden from the eye but read by screen readers and copied with the text, and
    the whole name is the tooltip."""
    short = shorten(name, width)
    if short == name:
        return html.escape(name)
    head = short.removesuffix(" …")
    return (f'<span class="evalkit-name" title="{html.escape(name)}">{html.escape(head)}'
            f'<span class="evalkit-rest"> {html.escape(name[len(head):].strip())}</span>'
            '<span aria-hidden="true"> …</span></span>')


def colour_cell(chapter: Chapter, colour: str, marker: str = "") -> str:
    """A colour as a verdict: its symbol and word on its background, never the colour alone."""
    c = chapter.vocab.colour(colour)
    return (f'<span class="evalkit-colour" style="background-color: {BACKGROUND[colour]}; color: {TEXT}">'
            f"{html.escape(c.symbol)} {html.escape(c.label)}{html.escape(marker)}</span>")


def table_html(caption: str, header: list[str], rows: list[list[str]], *, name: str, attribute: str = "data-area",
               classes: str = "", row_header: bool = False, cell_attrs: list[list[str]] | None = None,
               header_attrs: list[str] | None = None) -> str:
    """A table from cells that are already HTML: an escaped caption, ``<th scope="col">`` headers and,
    with *row_header*, each row's first cell as ``<th scope="row">``. Its id (``tbl-<name>``) and
    *attribute* (``data-area``) are fixed by *name*, so that two builds write the same HTML."""
    ident = html.escape(f"tbl-{name}")
    header_attrs = header_attrs or [""] * len(header)
    head = "".join(f'<th scope="col"{a}>{h}</th>' for h, a in zip(header, header_attrs))
    body = []
    for r, cells in enumerate(rows):
        attrs = cell_attrs[r] if cell_attrs else [""] * len(cells)
        body.append("<tr>" + "".join(
            f'<th scope="row"{attrs[i]}>{cell}</th>' if row_header and i == 0 else f"<td{attrs[i]}>{cell}</td>"
            for i, cell in enumerate(cells)) + "</tr>")
    return (f'<table id="{ident}" class="{" ".join(["evalkit-table", *classes.split()])}" '
            f'{attribute}="{html.escape(name)}"><caption id="{ident}-caption">{html.escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


def scroll_box(table: str, name: str) -> str:
    """A table in a box that scrolls sideways by itself (not the page), reachable by keyboard and
    named by the table's caption."""
    return (f'<div class="evalkit-scroll" role="region" tabindex="0" '
            f'aria-labelledby="{html.escape(f"tbl-{name}-caption")}">{table}</div>')


def table_frame(chapter: Chapter, table: AreaTable) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cells of the full table as text and, of the same shape, their CSS: each change cell carries
    its colour's background and symbol; where the final report states a change in words, a last column
    shows it."""
    vocab = chapter.vocab
    shown = display_frame(table, vocab, symbols=False)
    css = pd.DataFrame("", index=shown.index, columns=shown.columns)
    cells = cell_significance(table, chapter.frames.scoped(table.indicators.index)).set_index(["period", "id"])
    for p in table.periods:
        label = period_label(p)
        sub = cells.loc[label].reindex(table.indicators.index)
        colours = sub["colour"].astype(str).to_numpy()
        markers = [SIGNIFICANCE_MARKERS.get(r, "") if c != s else ""
                   for c, s, r in zip(colours, sub["significance"], sub["significance_reason"])]
        shown[label] = [f"{v} {vocab.colour(c).symbol}{m}" for v, c, m in zip(shown[label], colours, markers)]
        css[label] = [f"background-color: {BACKGROUND[c]}; color: {TEXT}" for c in colours]
    shown = shown.drop(columns=[c for c in shown.columns if c.startswith("Farge ")])
    css = css[shown.columns]
    if table.as_of >= 2019:
        reported = [chapter.reported_text(i) for i in table.indicators.index]
        if any(reported):
            shown["Oppgitt i sluttrapporten"] = reported
            css["Oppgitt i sluttrapporten"] = "font-style: italic"
    return shown, css


def verdict_frame(chapter: Chapter, table: AreaTable) -> pd.DataFrame:
    """One row per indicator of the table: its name and unit's change rule, the first and the last
    exact value of its main series within the edition's years (years and values; NaN where none), the
    change per year between them, its colour by the report's rule and the significance marker (as the
    chapter's prose and the overview chapter count them: :func:`evalkit.views.compare_views`)."""
    views = compare_views(chapter.frames.scoped(table.indicators.index), as_of=table.as_of, base=table.base, **chapter.thresholds)
    out = views.loc[table.indicators.index, ["name", "from_year", "to_year", "from_value", "to_value", "delta",
                                            "report", "significance", "significance_reason"]]
    out = out.rename(columns={"report": "colour"})
    out["unit"] = table.indicators["unit"]
    out["change"] = table.indicators["change"]
    out["marker"] = [SIGNIFICANCE_MARKERS.get(r, "") if c != s else ""
                     for c, s, r in zip(out["colour"], out["significance"], out["significance_reason"])]
    return out.drop(columns=["significance", "significance_reason"])


def _measurement(table: AreaTable, ident: int, year: float, value: float, unit: str) -> str:
    if pd.isna(year) or pd.isna(value):
        return ""
    y = int(year)
    level = fmt.level(value, unit, table.decimals.at[ident, y])
    return f'{html.escape(level)} <span class="evalkit-year">({y})</span>'


def verdict_html(chapter: Chapter, table: AreaTable, caption: str, name: str) -> str:
    """The compact verdict table of *table*: what a reader sees first."""
    frame = verdict_frame(chapter, table)
    rows = []
    for ident, r in frame.iterrows():
        single = pd.isna(r["to_value"]) and pd.notna(r["from_year"])
        last = "bare én måling" if single else _measurement(table, ident, r["to_year"], r["to_value"], r["unit"])
        first = (_measurement(table, ident, r["from_year"], r["from_value"], r["unit"])
                 if pd.notna(r["from_year"]) else "ingen måling")
        per_year = fmt.change(r["delta"], r["change"]) if pd.notna(r["delta"]) else ""
        rows.append([number_cell(ident), name_cell(r["name"]), first, last,
                     html.escape("" if per_year == fmt.NA else per_year),
                     colour_cell(chapter, r["colour"], r["marker"])])
    optional = [' class="evalkit-opt"' if opt else "" for opt in VERDICT_COLUMNS.values()]
    return table_html(caption, list(VERDICT_COLUMNS), rows, name=f"{name}-farger", attribute="data-verdict",
                      classes="evalkit-verdict-table", row_header=True, header_attrs=optional,
                      cell_attrs=[optional] * len(rows))


def full_html(chapter: Chapter, table: AreaTable, caption: str, name: str) -> str:
    """The full table of *table* in the report's layout (``data-area`` *name*)."""
    shown, css = table_frame(chapter, table)
    rows = [[number_cell(v) if c == "Nr." else html.escape(str(v)) for c, v in row.items()]
            for _, row in shown.iterrows()]
    attrs = [[f' style="{html.escape(s)}"' if s else "" for s in row] for row in css.to_numpy()]
    return table_html(caption, [html.escape(c) for c in shown.columns], rows, name=name, row_header=True,
                      cell_attrs=attrs)


def show_table(chapter: Chapter, area: str, caption: str | None = None, *, ids: list[int] | None = None,
               name: str | None = None) -> Html:
    """The area's indicators for a chapter: the verdict table, then the full table in a ``<details>``
    that opens by click or keyboard. ``ids`` keeps only those indicators (a chapter that shows a few
    rows of another area's table); ``name`` is the full table's ``data-area`` (default: the area)."""
    table = chapter.table(area)
    if ids is not None:
        table = _subset(table, ids)
    name = name or area
    caption = caption or f"{chapter.vocab.area(area)}, {table.base}–{table.as_of}"
    verdict = verdict_html(chapter, table, f"{caption}. Utvikling fra første til siste måling", name)
    full = full_html(chapter, table, f"{caption}. Nivå hvert år og endring år for år", name)
    return Html(f'<div class="evalkit-area">{verdict}<details class="evalkit-details"><summary>Hele tabellen: '
                "nivå hvert år, kilde, type og endring år for år</summary>"
                f"{scroll_box(full, name)}</details></div>")


def _subset(table: AreaTable, ids: list[int]) -> AreaTable:
    """The same table with only the indicators *ids* (in the table's order)."""
    keep = [i for i in table.indicators.index if i in set(ids)]
    return AreaTable(table.area, table.base, table.as_of, table.indicators.loc[keep], table.levels.loc[keep],
                     table.qualifiers.loc[keep], table.series.loc[keep], table.decimals.loc[keep],
                     table.changes[table.changes["id"].isin(keep)].reset_index(drop=True))


def styled_table(frame: pd.DataFrame, caption: str, name: str, *, link_from: str | None = None) -> Html:
    """Any table for the book: every cell and the caption HTML-escaped, no index, header cells with a
    scope, a fixed id (``tbl-<name>``) and ``data-area`` *name*, in a box that scrolls by itself if the
    table is wider than the column. With *link_from* (the folder of the page that shows it), each
    indicator number in a "Nr." column links to the indicator's page."""
    def cell(column, v) -> str:
        if link_from is not None and column == "Nr.":
            return number_cell(v, link_from)
        return "" if pd.isna(v) else html.escape(str(v))

    rows = [[cell(c, v) for c, v in zip(frame.columns, row)] for row in frame.itertuples(index=False)]
    return Html(scroll_box(table_html(caption, [html.escape(str(c)) for c in frame.columns], rows, name=name), name))


def legend_html(chapter: Chapter) -> str:
    """The colour legend with the thresholds this run applies."""
    pts = fmt.number(chapter.thresholds.get("points_threshold", DEFAULT_POINTS_THRESHOLD), 1)
    rel = fmt.number(chapter.thresholds.get("relative_threshold", DEFAULT_RELATIVE_THRESHOLD), 1)
    items = []
    for code, c in chapter.vocab.colours.items():
        items.append(f'<span class="evalkit-legend-item" style="background-color: {BACKGROUND[code]}; color: {TEXT}">'
                     f"{html.escape(c.symbol)} {html.escape(c.label)}: {html.escape(c.meaning)}</span>")
    note = (f"Terskel: {pts} prosentpoeng per år for andeler, {rel} prosent per år for antall og beløp. "
            "Ca. = omtrentlig verdi (vises, men vurderes ikke); † = verdi fra en ny serie som ikke kan "
            "sammenlignes med tidligere år; kursiv = endring slik sluttrapporten oppgir den (ikke beregnet). "
            "* = grønn eller rød etter regelen, men endringen er ikke statistisk signifikant (5 %-nivå); "
            "? = utvalgsstørrelsen bak andelen er ikke oppgitt, så signifikansen kan ikke vurderes.")
    return f'<div class="evalkit-legend">{" ".join(items)}<p>{html.escape(note)}</p></div>'


__all__ = ["BACKGROUND", "Html", "SIGNIFICANCE_MARKERS", "TEXT", "colour_cell", "full_html", "legend_html",
           "name_cell", "number_cell", "scroll_box", "show_table", "styled_table", "table_frame", "table_html",
           "verdict_frame", "verdict_html"]
