"""What the chapter notebooks call, so that each notebook holds only its chapter: load the data once,
show an area's table as the report lays it out (coloured, with a symbol beside each colour and a
legend), draw figures from the data with a source line, and glue computed numbers into the prose.

Text from the data (indicator names, sources, notes) is always HTML-escaped before it reaches a page.
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import fmt
from .classify import DEFAULT_POINTS_THRESHOLD, DEFAULT_RELATIVE_THRESHOLD, change, classify
from .data import validate
from .significance import sample_sizes, wilson_interval
from .views import cell_significance
from .tables import (AREAS, COLOUR_LABELS, AreaTable, colour_counts, display_frame, indicator_table,
                     overall_changes, period_label)

import matplotlib.pyplot as plt
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter
import seaborn as sns

# Background colours of the report's traffic lights, light enough for black text (WCAG AA).
BACKGROUND = {"green": "#a8d5a2", "yellow": "#fde68a", "red": "#f5a3a3", "grey": "#e0e0e0"}
# Line colours for figures: the Okabe-Ito palette, distinguishable with common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

# How the seed documents are cited in tables (see references.bib).
DOCUMENT_LABELS = {
    "001_8ceffd757f77f65e.txt": "Fafo 2019",
    "000_1738e49f1275b4c4.txt": "Fafo 2021",
    "004_de5b7ec31aa4fda7.txt": "Fafo 2021 (lysark)",
    "002_c7439a1d68525817.txt": "Helsedirektoratet 2012",
    "003_33156e0f2a1e4cc6.txt": "Kartlegging 2014",
}

_QUALIFIER_WORDS = {"approx": "ca. ", "lower_bound": "over ", "upper_bound": "under "}


@dataclass
class Chapter:
    """The data and parameters of one chapter notebook's run."""

    as_of: int
    base_year: int
    frames: dict[str, pd.DataFrame]
    thresholds: dict[str, float] = field(default_factory=dict)

    @property
    def catalogue(self) -> pd.DataFrame:
        return self.frames["indicators"]

    @property
    def observations(self) -> pd.DataFrame:
        return self.frames["observations"]

    def table(self, area: str) -> AreaTable:
        return indicator_table(self.catalogue, self.observations, area, as_of=self.as_of, base=self.base_year,
                               **self.thresholds)

    def _row(self, ident: int, year: int, series: str = "main") -> pd.Series:
        obs = self.observations
        hit = obs[(obs["id"] == ident) & (obs["year"] == year) & (obs["series"] == series)]
        if hit.empty:
            raise KeyError(f"no observation for indicator {ident}, {year}, series {series}")
        return hit.iloc[0]

    def value(self, ident: int, year: int, series: str = "main") -> float:
        """One observed value; raises KeyError if the data has none (never a silent NaN in prose)."""
        return float(self._row(ident, year, series)["value"])

    def _exact(self, ident: int, series: str) -> pd.DataFrame:
        obs = self.observations
        hit = obs[(obs["id"] == ident) & (obs["series"] == series) & (obs["qualifier"] == "exact")
                  & obs["year"].between(self.base_year, self.as_of)].sort_values("year")
        if hit.empty:
            raise KeyError(f"no exact value for indicator {ident} ({series}) in {self.base_year}-{self.as_of}")
        return hit

    def first(self, ident: int, series: str = "main") -> tuple[int, float]:
        """The first year from ``base_year`` with an exact value, and that value."""
        hit = self._exact(ident, series)
        return int(hit["year"].iloc[0]), float(hit["value"].iloc[0])

    def latest(self, ident: int, series: str = "main") -> tuple[int, float]:
        """The last year up to ``as_of`` with an exact value, and that value."""
        hit = self._exact(ident, series)
        return int(hit["year"].iloc[-1]), float(hit["value"].iloc[-1])

    def change_between(self, ident: int, start: int, end: int, series: str = "main") -> tuple[float, str]:
        """The report's change (annual average over a span) between two years, and its colour."""
        ind = self.catalogue.set_index("id").loc[ident]
        delta = change([self.value(ident, start, series)], [self.value(ident, end, series)], end - start,
                       ind["change"])
        colours, _ = classify(delta, ind["direction"], ind["change"], **self.thresholds)
        return float(delta[0]), str(colours[0])

    # -- the same numbers as words, for the prose ------------------------------------------------

    def level_text(self, ident: int, year: int, series: str = "main") -> str:
        """A level as printed, in its unit, with "ca."/"over"/"under" for inexact values: ``ca. 70 %``."""
        r = self._row(ident, year, series)
        unit = self.catalogue.set_index("id").at[ident, "unit"]
        return _QUALIFIER_WORDS.get(r["qualifier"], "") + fmt.level(r["value"], unit, r["value_decimals"])

    def values_text(self, ident: int, series: str = "main") -> str:
        """Every value of the series within the chapter's years: ``58 % i 2017, 66 % i 2018 og 64 % i 2020``."""
        rows = self.series_rows(ident, series)
        if rows.empty:
            raise KeyError(f"no value for indicator {ident} ({series}) in {self.base_year}-{self.as_of}")
        return and_join([f"{self.level_text(ident, y, series)} i {y}" for y in rows["year"]])

    def movement(self, ident: int, start: int, end: int, series: str = "main") -> tuple[str, str]:
        """The change in words (``økte med 2,0 %-poeng per år``, ``gikk ned med …``, ``var uendret``)
        and the colour's Norwegian name."""
        delta, colour = self.change_between(ident, start, end, series)
        rule = self.catalogue.set_index("id").at[ident, "change"]
        per = " per år" if end - start > 1 else ""
        if fmt.number(delta, 1) == "0,0":
            words = "var uendret"
        elif delta > 0:
            words = f"økte med {fmt.change(delta, rule)}{per}"
        else:
            words = f"gikk ned med {fmt.change(-delta, rule)}{per}"
        return words, colour_name(colour)

    def glue_span(self, prefix: str, ident: int, series: str = "main") -> tuple[int, int]:
        """Glue ``<prefix>_first``, ``_first_year``, ``_last``, ``_last_year`` (first and last exact value
        within the chapter's years) and, when they differ, ``_change``, ``_move`` and ``_colour``."""
        y0, _ = self.first(ident, series)
        y1, _ = self.latest(ident, series)
        glue(f"{prefix}_first", self.level_text(ident, y0, series))
        glue(f"{prefix}_first_year", str(y0))
        glue(f"{prefix}_last", self.level_text(ident, y1, series))
        glue(f"{prefix}_last_year", str(y1))
        if y1 > y0:
            delta, colour = self.change_between(ident, y0, y1, series)
            rule = self.catalogue.set_index("id").at[ident, "change"]
            glue(f"{prefix}_change", fmt.change(delta, rule))
            glue(f"{prefix}_move", self.movement(ident, y0, y1, series)[0])
            glue(f"{prefix}_colour", colour_name(colour))
        return y0, y1

    def glue_area_summary(self, prefix: str, area: str) -> pd.DataFrame:
        """Glue how many active indicators the area has (``<prefix>_n_ind``), how many have two exact
        values (``_n_two``) or fewer (``_n_single``), and the colours from first to last exact value
        (``_n_green``, ``_n_yellow``, ``_n_red``). Returns :func:`evalkit.tables.overall_changes` for it."""
        overall = overall_changes(self.catalogue, self.observations, as_of=self.as_of, base=self.base_year,
                                  **self.thresholds)
        overall = overall[overall["area"] == area]
        two = overall[overall["to_value"].notna()]
        glue(f"{prefix}_n_ind", fmt.number(len(overall)))
        glue(f"{prefix}_n_two", count_text(len(two)))
        glue(f"{prefix}_n_single", count_text(len(overall) - len(two)))
        counts = two["colour"].astype(str).value_counts()
        for colour in ("green", "yellow", "red"):
            glue(f"{prefix}_n_{colour}", count_text(int(counts.get(colour, 0))))
        return overall

    def figure(self, key: str, *, year: str | None = None, qualifier: str | None = None) -> float:
        """A figure from ``figures.csv`` by key (and year or qualifier where the key has several rows)."""
        return float(self._figure_row(key, year, qualifier)["value"])

    def figure_text(self, key: str, *, year: str | None = None, qualifier: str | None = None) -> str:
        """A figure in words, as stated: ``om lag 8 av 10``, ``over 400``, ``14 %``, ``2,6``."""
        r = self._figure_row(key, year, qualifier)
        unit = str(r["unit"])
        if unit.startswith("of_"):
            text = f"{fmt.number(r['value'], r['value_decimals'])} av {unit.split('_', 1)[1]}"
        elif unit == "percent":
            text = fmt.percent(r["value"], r["value_decimals"])
        else:
            text = fmt.number(r["value"], r["value_decimals"])
        return {"approx": "om lag ", "lower_bound": "over ", "upper_bound": "under "}.get(r["qualifier"], "") + text

    def figure_year(self, key: str, *, year: str | None = None, qualifier: str | None = None) -> str:
        """The year or span a figure refers to, for prose: ``2016–2019``, ``2020`` ("" if not stated)."""
        stated = self._figure_row(key, year, qualifier)["year"]
        return "" if pd.isna(stated) else str(stated).replace("-", "–").replace(";", " og ")

    def series_rows(self, ident: int, series: str = "main") -> pd.DataFrame:
        """The observations of one indicator's series within the chapter's years, by year."""
        obs = self.observations
        return obs[(obs["id"] == ident) & (obs["series"] == series)
                   & obs["year"].between(self.base_year, self.as_of)].sort_values("year")

    def _figure_row(self, key: str, year: str | None, qualifier: str | None) -> pd.Series:
        fig = self.frames["figures"]
        hit = fig[fig["key"] == key]
        if year is not None:
            hit = hit[hit["year"] == str(year)]
        if qualifier is not None:
            hit = hit[hit["qualifier"] == qualifier]
        if hit.empty:
            raise KeyError(f"no figure {key!r} (year {year}, qualifier {qualifier}) in figures.csv")
        return hit.iloc[0]

    def reported_text(self, ident: int) -> str:
        """The final report's statements of change for an indicator, in words ("" if none)."""
        return _reported_text(self.reported(ident))

    def reported(self, ident: int) -> pd.DataFrame:
        """The final report's statements of change for an indicator."""
        rc = self.frames["reported_changes"]
        return rc[rc["id"] == ident]


def setup(as_of: int = 2020, base_year: int = 2016, data_dir=None,
          points_threshold: float = DEFAULT_POINTS_THRESHOLD,
          relative_threshold: float = DEFAULT_RELATIVE_THRESHOLD) -> Chapter:
    """Validate the data and prepare plotting; the first call of every chapter notebook."""
    frames = validate(data_dir)
    _inline_svg()
    sns.set_theme(style="whitegrid", context="notebook", palette=PALETTE)
    plt.rcParams.update({
        "figure.figsize": (8, 4.2), "figure.dpi": 100, "savefig.dpi": 100, "font.family": "DejaVu Sans",
        "svg.hashsalt": "evalkit", "axes.titlesize": 12, "axes.titleweight": "bold",
    })
    return Chapter(as_of, base_year, frames,
                   dict(points_threshold=points_threshold, relative_threshold=relative_threshold))


def _inline_svg() -> None:
    """In a kernel, show figures as SVG without a date, so that two builds give the same files."""
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # pragma: no cover - outside Jupyter
        return
    shell = get_ipython()
    if shell is not None:
        shell.run_line_magic("matplotlib", "inline")  # even if MPLBACKEND says otherwise
        set_matplotlib_formats("svg", metadata={"Date": None}, bbox_inches="tight")


# --------------------------------------------------------------------------------------------------
# Tables


def _reported_text(rows: pd.DataFrame) -> str:
    parts = []
    for r in rows.itertuples():
        if r.kind == "direction":
            parts.append(f"«{r.text}»")
        elif pd.notna(r.value):
            unit = {"percent": "%", "percent_per_year": "% per år", "percentage_points": "%-poeng",
                    "count": ""}.get(r.unit, "")
            number = fmt.number(r.value, r.value_decimals)
            prefix = {"approx": "ca. "}.get(r.qualifier, "")
            span = "" if r.period == "unstated" else f" ({r.period.replace('-', '–')})"
            parts.append(f"{prefix}{number}{fmt.NBSP + unit if unit else ''}{span}")
    return "; ".join(parts)


def table_frame(chapter: Chapter, table: AreaTable) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cells a reader sees and, of the same shape, their CSS: each change cell carries its colour's
    background and symbol; where the final report states a change in words, a last column shows it."""
    shown = display_frame(table, symbols=False)
    css = pd.DataFrame("", index=shown.index, columns=shown.columns)
    cells = cell_significance(table, chapter.frames).set_index(["period", "id"])
    for p in table.periods:
        label = period_label(p)
        sub = cells.loc[label].reindex(table.indicators.index)
        colours = sub["colour"].astype(str).to_numpy()
        markers = [SIGNIFICANCE_MARKERS.get(r, "") if c != s else ""
                   for c, s, r in zip(colours, sub["significance"], sub["significance_reason"])]
        shown[label] = [f"{v} {COLOUR_LABELS[c][1]}{m}" for v, c, m in zip(shown[label], colours, markers)]
        css[label] = [f"background-color: {BACKGROUND[c]}" for c in colours]
    shown = shown.drop(columns=[c for c in shown.columns if c.startswith("Farge ")])
    css = css[shown.columns]
    if table.as_of >= 2019:
        reported = [_reported_text(chapter.reported(i)) for i in table.indicators.index]
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
    caption = caption or f"{AREAS[area]}: indikatorer {table.base}–{table.as_of}"
    return styled_table(shown, caption, name or area).apply(lambda _: css, axis=None)


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
    for colour, (name, symbol, meaning) in COLOUR_LABELS.items():
        items.append(f'<span class="evalkit-legend-item" style="background-color: {BACKGROUND[colour]}">'
                     f"{html.escape(symbol)} {html.escape(name)}: {html.escape(meaning)}</span>")
    note = (f"Terskel: {pts} prosentpoeng per år for andeler, {rel} prosent per år for antall og beløp. "
            "Ca. = omtrentlig verdi (vises, men vurderes ikke); † = verdi fra en ny serie som ikke kan "
            "sammenlignes med tidligere år; kursiv = endring slik sluttrapporten oppgir den (ikke beregnet). "
            "* = grønn eller rød etter regelen, men endringen er ikke statistisk signifikant (5 %-nivå); "
            "? = utvalgsstørrelsen bak andelen er ikke oppgitt, så signifikansen kan ikke vurderes.")
    return f'<div class="evalkit-legend">{" ".join(items)}<p>{html.escape(note)}</p></div>'


# A change cell whose colour would differ if sampling error were taken into account (evalkit.views).
SIGNIFICANCE_MARKERS = {"not_significant": " *", "n_unknown": " ?"}

# --------------------------------------------------------------------------------------------------
# Figures


def short_name(name: str, width: int = 60) -> str:
    return name if len(name) <= width else name[: width - 1].rsplit(" ", 1)[0] + " …"


SERIES_LABELS = {
    "brukerplan_2020_sample": "nytt BrukerPlan-utvalg",
    "is248_graded_scale": "ny svarskala",
    "final_report_2021": "tall fra sluttrapporten",
}


def _wrap(text: str, width: int = 90) -> str:
    return "\n".join(textwrap.wrap(text, width)) if text else text


def _norwegian_ticks(axis) -> None:
    """Tick labels in Norwegian format (``1 000``, ``2,5``)."""
    axis.set_major_formatter(FuncFormatter(lambda v, _: fmt.number(v, 0 if float(v).is_integer() else 1)))


def _source_below(fig, ax, legend, source: str) -> None:
    """Place the source line just under the legend (or the axes), wrapped to the figure's width."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    to_fig = fig.transFigure.inverted()
    # Under everything drawn around the axes (tick labels, axis label) and the legend, if any.
    bottom = min(box.transformed(to_fig).y0 for box in
                 [ax.get_tightbbox(renderer), *([legend.get_window_extent(renderer)] if legend else [])])
    fig.text(0.01, bottom - 0.02, _wrap(f"Kilde: {source}", 120), fontsize=8, ha="left", va="top")


def line_figure(chapter: Chapter, ids: list[int], title: str, source: str, *, ylabel: str = "Prosent",
                labels: dict[int, str] | None = None, series: tuple[str, ...] = ("main",)):
    """Levels of several indicators over the years the chapter covers, one line per indicator and
    series. Approximate values are drawn hollow; series other than
    ``main`` are dashed and labelled as such; a source line stands under the legend."""
    cat = chapter.catalogue.set_index("id")
    obs = chapter.observations
    years = list(range(chapter.base_year, chapter.as_of + 1))
    fig, ax = plt.subplots()
    handles = []
    intervals = 0
    for i, ident in enumerate(ids):
        colour = PALETTE[i % len(PALETTE)]
        name = (labels or {}).get(ident) or f"{ident}: {short_name(cat.at[ident, 'name'])}"
        for s in series:
            rows = obs[(obs["id"] == ident) & (obs["series"] == s) & obs["year"].isin(years)].set_index("year")
            if rows.empty:
                continue
            label = name if s == "main" else f"{name} ({SERIES_LABELS.get(s, s)})"
            style, marker = ("-", "o") if s == "main" else ("--", "s")
            ax.plot(rows.index, rows["value"], color=colour, marker=marker, linestyle="none")
            handles.append(Line2D([0], [0], color=colour, marker=marker, linestyle=style, label=label))
            # Join the series' own values: solid (dashed for other series) between consecutive years,
            # dotted across years without a value, so that a gap in the data stays visible.
            for (y0, v0), (y1, v1) in zip(rows["value"].items(), list(rows["value"].items())[1:]):
                ax.plot([y0, y1], [v0, v1], color=colour, linestyle=style if y1 - y0 == 1 else ":",
                        linewidth=1.8 if y1 - y0 == 1 else 1.2)
            inexact = rows[rows["qualifier"] != "exact"]
            ax.scatter(inexact.index, inexact["value"], s=80, facecolors="white", edgecolors=colour, zorder=3)
            if cat.at[ident, "unit"] == "percent":
                intervals += _error_bars(ax, chapter, ident, s, rows["value"], colour)
    ax.set_title(_wrap(title, 70), loc="left")
    ax.set_ylabel(ylabel)
    ax.set_xticks(years)
    ax.set_xlim(chapter.base_year - 0.3, chapter.as_of + 0.3)
    _norwegian_ticks(ax.yaxis)
    if ylabel == "Prosent":
        ax.set_ylim(0, 100)
    else:
        ax.set_ylim(bottom=0)
    legend = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, -0.1), ncol=1, frameon=False,
                       fontsize=9)
    fig.tight_layout()
    if intervals:
        source = source.rstrip(".") + (". Streker: 95 % konfidensintervall (Wilson) der kildene oppgir hvor "
                                       "mange svar andelen bygger på.")
    _source_below(fig, ax, legend, source)
    return fig


def _error_bars(ax, chapter: Chapter, ident: int, series: str, values: pd.Series, colour: str) -> int:
    """Wilson intervals around a share's values where the sample size is known; returns how many."""
    sizes = sample_sizes(chapter.frames["sample_sizes"])
    n = np.array([sizes.get((ident, year, series), np.nan) for year in values.index], dtype=float)
    low, high = wilson_interval(values.to_numpy(dtype=float), n)
    known = ~np.isnan(low)
    if known.any():
        v = values.to_numpy(dtype=float)[known]
        ax.errorbar(values.index[known], v, yerr=[v - low[known], high[known] - v], fmt="none", ecolor=colour,
                    elinewidth=1, capsize=3, alpha=0.8, zorder=2)
    return int(known.sum())


def bar_figure(values: pd.Series, title: str, source: str, *, ylabel: str, number_format=fmt.number,
               horizontal: bool = False):
    """Bars with their values printed on them (e.g. money by purpose or year)."""
    fig, ax = plt.subplots()
    labels = [str(i) for i in values.index]
    if horizontal:
        bars = ax.barh(labels[::-1], values.to_numpy()[::-1], color=PALETTE[0])
        ax.set_xlabel(ylabel)
        ax.bar_label(bars, labels=[number_format(v) for v in values.to_numpy()[::-1]], padding=3, fontsize=9)
        ax.set_xlim(0, values.max() * 1.15)
        _norwegian_ticks(ax.xaxis)
    else:
        bars = ax.bar(labels, values.to_numpy(), color=PALETTE[0])
        ax.set_ylabel(ylabel)
        _norwegian_ticks(ax.yaxis)
        ax.bar_label(bars, labels=[number_format(v) for v in values.to_numpy()], padding=2, fontsize=9)
    ax.set_title(_wrap(title, 70), loc="left")
    fig.tight_layout()
    _source_below(fig, ax, None, source)
    return fig


def scale_figure(items: pd.DataFrame, scale: pd.DataFrame, title: str, source: str, *, label: str = "label",
                 group: str = "group", rank: str = "rank"):
    """Items judged on an ordinal scale (e.g. the status of each delmål on – / + / ++ / +++), grouped
    under a heading per group in the order given: a line from the scale's lowest step to each item's
    step, the step's symbol at its end, and the scale's steps (symbol and meaning) on the axis.

    ``items`` has columns ``label``, ``group`` and ``rank``; ``scale`` has ``symbol``, ``rank`` and
    ``meaning``, one row per step."""
    scale = scale.sort_values("rank")
    symbol = dict(zip(scale["rank"], scale["symbol"]))
    rows: list[tuple[str, float | None]] = []      # (tick label, rank); a heading has no rank
    for name, members in items.groupby(group, sort=False):
        rows.append((str(name), None))
        rows += [(short_name(str(r[label]), 50), float(r[rank])) for _, r in members.iterrows()]
    fig, ax = plt.subplots(figsize=(8, 0.25 * len(rows) + 1.5))
    low = float(scale["rank"].min())
    for y, (_, value) in enumerate(rows):
        if value is None:
            continue
        ax.hlines(y, low, value, color=PALETTE[0], linewidth=2)
        ax.scatter([value], [y], color=PALETTE[0], s=36, zorder=3)
        ax.annotate(symbol[value], (value, y), xytext=(7, 0), textcoords="offset points", va="center", fontsize=9)
    ax.set_yticks(range(len(rows)), [t for t, _ in rows], fontsize=8)
    for tick, (_, value) in zip(ax.get_yticklabels(), rows):
        if value is None:
            tick.set_fontweight("bold")
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xticks(list(scale["rank"]), list(scale["symbol"]))
    ax.set_xlim(low - 0.2, float(scale["rank"].max()) + 0.45)
    ax.grid(axis="y", visible=False)
    ax.set_title(_wrap(title, 70), loc="left")
    key = [Line2D([], [], linestyle="none", label=f"{s}  {m}") for s, m in zip(scale["symbol"], scale["meaning"])]
    legend = ax.legend(handles=key, loc="upper left", bbox_to_anchor=(0, -0.04 * 30 / len(rows)), frameon=False,
                       fontsize=9, handlelength=0, handletextpad=0)
    fig.tight_layout()
    _source_below(fig, ax, legend, source)
    return fig


def escalation_parts(chapter: Chapter) -> pd.Series:
    """The 2,4 billion target by source, in millions (the final report's breakdown; the rest of the
    cross-ministry efforts is computed as what the named parts leave of the total)."""
    frie = chapter.figure("frie_inntekter_increase_total") * 1000
    tverr = chapter.figure("tverrdepartementale_satsinger_total")
    named = {
        "Boligsosiale formål": chapter.figure("tverrdep_boligsosiale_formal"),
        "Frivillige organisasjoner": chapter.figure("tverrdep_frivillige_organisasjoner"),
        "Straffegjennomføring": chapter.figure("tverrdep_straffegjennomforing"),
    }
    return pd.Series({"Frie inntekter til kommunene": frie, **named,
                      "Øvrige tverrdepartementale satsinger": tverr - sum(named.values())})


# --------------------------------------------------------------------------------------------------
# Numbers in the prose


class Text(str):
    """A string whose repr is itself, so that myst-nb pastes it without quotes."""

    def __repr__(self) -> str:
        return str(self)


def glue(key: str, text: str) -> Text:
    """Glue a formatted number (or any short text) for ``{glue}`key``` in the notebook's Markdown."""
    from myst_nb import glue as nb_glue

    value = Text(text)
    nb_glue(key, value, display=False)
    return value


def colour_name(colour: str) -> str:
    """The Norwegian name of a colour, for prose: ``green`` -> ``grønn``."""
    return COLOUR_LABELS[colour][0]


def and_join(items: list[str]) -> str:
    """``a``, ``a og b``, ``a, b og c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]


def years_text(years) -> str:
    """Years in words: consecutive runs as spans: ``2016–2018``, ``2016–2018 og 2020``."""
    years = sorted({int(y) for y in years})
    runs, start = [], None
    for i, y in enumerate(years):
        start = y if start is None else start
        if i + 1 == len(years) or years[i + 1] != y + 1:
            runs.append(str(y) if start == y else f"{start}–{y}")
            start = None
    return and_join(runs) if runs else ""


_PLURAL = {"green": "grønne", "yellow": "gule", "red": "røde", "grey": "grå"}


def colour_counts_text(table: AreaTable, period: tuple[int, int] | None = None) -> str:
    """The colours of a table's change column in words: ``1 grønn, 6 gule, 3 røde og 8 grå``."""
    counts = colour_counts(table, period)
    parts = [f"{fmt.number(n)} {COLOUR_LABELS[c][0] if n == 1 else _PLURAL[c]}" for c, n in counts.items() if n]
    return and_join(parts) if parts else "ingen"


def count_text(n: int) -> str:
    """A count for prose: ``ingen`` for 0."""
    return "ingen" if n == 0 else fmt.number(n)


def join_values(rows: pd.DataFrame) -> str:
    """``2,0 (2016), −3,1 (2017) og 1,0 (2018)`` from observation rows, as precise as printed."""
    return and_join([f"{fmt.number(v, d)} ({y})"
                      for y, v, d in zip(rows["year"], rows["value"], rows["value_decimals"])])


__all__ = ["Chapter", "setup", "show_table", "styled_table", "legend_html", "line_figure", "bar_figure", "scale_figure", "glue", "Text",
           "table_frame", "short_name", "colour_name", "join_values", "escalation_parts", "SERIES_LABELS", "count_text", "and_join", "years_text",
           "colour_counts_text", "DOCUMENT_LABELS"]
