"""The book's figures, drawn from the data with a source line under each: levels of indicators over
the years (:func:`line_figure`, with 95 % intervals where a share's sample size is known), bars with
their values (:func:`bar_figure`), items on an ordinal scale (:func:`scale_figure`) and colour counts
per area (:func:`colour_bars`); and the style every chapter's figures share (:func:`use_book_style`).

Every figure carries, from the same data it is drawn from, a text alternative in bokmål (what it shows
and its main numbers) and its numbers as a table (:func:`describe`). :func:`show` displays a figure with
its text alternative as the image's ``alt`` (``_ext/figure_alt.py`` puts it on the page) and the table
in a ``<details>`` under it. Numbers on axes and labels are Norwegian (``1 000``, ``2,5``); counts get
whole-number ticks; series differ by marker and line style as well as colour.
"""

from __future__ import annotations

import hashlib
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from . import fmt
from .chapter import Chapter
from .htmltables import BACKGROUND, TEXT, styled_table
from .significance import sample_sizes, wilson_interval
from .words import and_join, colour_counts_text
from .words import shorten as short_name

# Line colours: the Okabe-Ito palette, distinguishable with common colour-vision deficiencies; and a
# marker for each line, so that lines differ without colour too.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
# Units whose values are whole numbers: their axes get whole-number ticks.
COUNT_UNITS = {"count"}
# A break in a series: a vertical dash-dotted line (not dotted: a dotted line joins values across years
# without one), dark grey, behind the values, named in the legend (a name at the line itself would cover
# values where they reach the top of the axes).
BREAK_STYLE = {"color": "#444444", "linestyle": "-.", "linewidth": 1.5}
BREAK_LABEL = "Brudd i serien"


def use_book_style() -> None:
    """The figures' style (seaborn's white grid, the palette, DejaVu Sans) and, in a kernel, SVG output
    without a date, so that two builds give the same files."""
    _inline_svg()
    sns.set_theme(style="whitegrid", context="notebook", palette=PALETTE)
    plt.rcParams.update({
        "figure.figsize": (8, 4.2), "figure.dpi": 100, "savefig.dpi": 100, "font.family": "DejaVu Sans",
        "svg.hashsalt": "evalkit", "axes.titlesize": 12, "axes.titleweight": "bold",
    })


def _inline_svg() -> None:
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # pragma: no cover - outside Jupyter
        return
    shell = get_ipython()
    if shell is not None:
        shell.run_line_magic("matplotlib", "inline")  # even if MPLBACKEND says otherwise
        set_matplotlib_formats("svg", metadata={"Date": None}, bbox_inches="tight")
        svg = shell.display_formatter.formatters["image/svg+xml"]
        svg.for_type(plt.Figure, _with_alt(svg.lookup_by_type(plt.Figure)))


def _with_alt(print_svg):
    """The SVG of a figure together with its text alternative as the output's metadata (IPython lets a
    formatter return ``(data, metadata)``), so that the page can use it as the image's ``alt``."""
    def svg(fig):
        data = print_svg(fig)
        text = getattr(fig, "evalkit_text", None)
        return (data, {"alt": text.alt}) if text is not None and data is not None else data
    return svg


def _wrap(text: str, width: int = 90) -> str:
    return "\n".join(textwrap.wrap(text, width)) if text else text


def _norwegian_ticks(axis, *, integer: bool = False) -> None:
    """Tick labels in Norwegian format (``1 000``, ``2,5``, ``−0,25``), whole numbers only if
    *integer* (counts: no 2,5 indicators)."""
    if integer:
        axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(FuncFormatter(lambda v, _: fmt.number(v, fmt.decimals_of(round(v, 9)))))


class FigureText:
    """What a figure shows, in words and as a table: ``alt`` (its text alternative) and ``data`` (its
    numbers, as shown: one row per bar, year or item)."""

    def __init__(self, alt: str, data: pd.DataFrame, title: str):
        self.alt, self.data, self.title = alt, data, title


def describe(fig, kind: str, title: str, parts: list[str], data: pd.DataFrame):
    """Attach to *fig* its text alternative (*kind* of figure, *title*, then each of *parts*, a
    sentence about one series, bar or group with its numbers) and its numbers (*data*)."""
    title = " ".join(title.split())
    fig.evalkit_text = FigureText(f"{kind}: {title.rstrip('.')}. " + " ".join(parts), data, title)
    return fig


def _source_below(fig, ax, legend, source: str) -> None:
    """Place the source line just under the legend (or the axes), wrapped to the figure's width."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    to_fig = fig.transFigure.inverted()
    # Under everything drawn around the axes (tick labels, axis label) and the legend, if any.
    bottom = min(box.transformed(to_fig).y0 for box in
                 [ax.get_tightbbox(renderer), *([legend.get_window_extent(renderer)] if legend else [])])
    fig.text(0.01, bottom - 0.02, _wrap(f"Kilde: {source}", 120), fontsize=8, ha="left", va="top")


def series_breaks(rows: pd.DataFrame) -> list[tuple[int, int, str]]:
    """Where one indicator's values (*rows*, with ``year`` and ``series``) go over to another series
    for good: ``(last year of the main series, first year after it of the other series, that series)``
    for each series other than ``main`` that has values after the main series' last one. A series
    beside the main one (the same years, e.g. a constructed year to compare with), or one with no
    main series to break from, makes no break."""
    main = rows.loc[rows["series"] == "main", "year"]
    if main.empty:
        return []
    last = int(main.max())
    out = []
    for s, other in rows[rows["series"] != "main"].groupby("series", sort=False):
        later = other["year"][other["year"] > last]
        if not later.empty:
            out.append((last, int(later.min()), str(s)))
    return out


def break_text(vocab, last: int, first: int, series: str) -> str:
    """A break (:func:`series_breaks`) in words, for a figure's text alternative (after the sentences on
    the indicator's values, which say whose it is)."""
    return (f"{BREAK_LABEL} mellom {last} og {first}: hovedserien slutter i {last}, og fra {first} hører "
            f"verdiene til serien «{vocab.series[series]}», som ikke kan sammenlignes med hovedserien.")


def line_figure(chapter: Chapter, ids: list[int], title: str, source: str, *, ylabel: str = "Prosent",
                labels: dict[int, str] | None = None, series: tuple[str, ...] = ("main",)):
    """Levels of several indicators over the years the chapter covers, one line per indicator and
    series, each with its own colour and marker. Approximate values are drawn hollow; series other than
    ``main`` are dashed and labelled as such; where an indicator's values go over to another series
    for good (:func:`series_breaks`), a dash-dotted vertical line between the two years marks the break,
    named in the legend and the text alternative; a source line stands under the legend. Counts get
    whole-number ticks."""
    chapter = chapter.scoped(ids)  # reads these indicators' rows only
    cat = chapter.catalogue.set_index("id")
    obs = chapter.observations
    years = list(range(chapter.base_year, chapter.as_of + 1))
    fig, ax = plt.subplots()
    handles, parts, columns = [], [], {}
    break_at: set[float] = set()  # where a break's line goes (between the two years)
    intervals = 0
    for i, ident in enumerate(ids):
        colour, marker = PALETTE[i % len(PALETTE)], MARKERS[i % len(MARKERS)]
        name = (labels or {}).get(ident) or f"{ident}: {short_name(cat.at[ident, 'name'])}"
        for s in series:
            rows = obs[(obs["id"] == ident) & (obs["series"] == s) & obs["year"].isin(years)].set_index("year")
            if rows.empty:
                continue
            label = name if s == "main" else f"{name} ({chapter.vocab.series[s]})"
            style = "-" if s == "main" else "--"
            ax.plot(rows.index, rows["value"], color=colour, marker=marker, linestyle="none")
            handles.append(Line2D([0], [0], color=colour, marker=marker, linestyle=style, label=label))
            # Join the series' own values: solid (dashed for other series) between consecutive years,
            # dotted across years without a value, so that a gap in the data stays visible.
            for (y0, v0), (y1, v1) in zip(rows["value"].items(), list(rows["value"].items())[1:]):
                ax.plot([y0, y1], [v0, v1], color=colour, linestyle=style if y1 - y0 == 1 else ":",
                        linewidth=1.8 if y1 - y0 == 1 else 1.2)
            inexact = rows[rows["qualifier"] != "exact"]
            ax.scatter(inexact.index, inexact["value"], s=80, marker=marker, facecolors="white", edgecolors=colour,
                       zorder=3)
            if cat.at[ident, "unit"] == "percent":
                intervals += _error_bars(ax, chapter, ident, s, rows["value"], colour)
            columns[label] = {int(y): chapter.level_text(ident, int(y), s) for y in rows.index}
            parts.append(f"{label}: {and_join([f'{t} i {y}' for y, t in columns[label].items()])}.")
        shown = obs[(obs["id"] == ident) & obs["series"].isin(series) & obs["year"].isin(years)]
        for last, first, s in series_breaks(shown):
            break_at.add((last + first) / 2)
            parts.append(break_text(chapter.vocab, last, first, s))
    for k, x in enumerate(sorted(break_at)):
        ax.axvline(x, zorder=1, gid=f"evalkit-series-break-{k}", **BREAK_STYLE)
    if break_at:
        handles.append(Line2D([0], [0], label=BREAK_LABEL, **BREAK_STYLE))
    ax.set_title(_wrap(title, 70), loc="left")
    ax.set_ylabel(ylabel)
    ax.set_xticks(years)
    ax.set_xlim(chapter.base_year - 0.3, chapter.as_of + 0.3)
    _norwegian_ticks(ax.yaxis, integer=set(cat.loc[ids, "unit"]) <= COUNT_UNITS)
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
    data = pd.DataFrame(columns).reindex([y for y in years if any(y in c for c in columns.values())]).fillna("")
    data = data.rename_axis("År").reset_index()
    return describe(fig, "Linjediagram", title, parts, data)


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
    texts = [number_format(v) for v in values.to_numpy()]
    if horizontal:
        bars = ax.barh(labels[::-1], values.to_numpy()[::-1], color=PALETTE[0])
        ax.set_xlabel(ylabel)
        ax.bar_label(bars, labels=texts[::-1], padding=3, fontsize=9)
        ax.set_xlim(0, values.max() * 1.15)
        _norwegian_ticks(ax.xaxis)
    else:
        bars = ax.bar(labels, values.to_numpy(), color=PALETTE[0])
        ax.set_ylabel(ylabel)
        _norwegian_ticks(ax.yaxis)
        ax.bar_label(bars, labels=texts, padding=2, fontsize=9)
    ax.set_title(_wrap(title, 70), loc="left")
    fig.tight_layout()
    _source_below(fig, ax, None, source)
    names = [" ".join(label.split()) for label in labels]  # labels may be wrapped over lines
    parts = [f"{ylabel}: " + "; ".join(f"{n}: {t}" for n, t in zip(names, texts)) + "."]
    return describe(fig, "Stolpediagram", title, parts, pd.DataFrame({"": names, ylabel: texts}))


def scale_figure(items: pd.DataFrame, scale: pd.DataFrame, title: str, source: str, *, label: str = "label",
                 group: str = "group", rank: str = "rank"):
    """Items judged on an ordinal scale (e.g. the status of each delmål on – / + / ++ / +++), grouped
    under a heading per group in the order given: a line from the scale's lowest step to each item's
    step, the step's symbol at its end, and the scale's steps (symbol and meaning) on the axis.

    ``items`` has columns ``label``, ``group`` and ``rank``; ``scale`` has ``symbol``, ``rank`` and
    ``meaning``, one row per step."""
    scale = scale.sort_values("rank")
    symbol = dict(zip(scale["rank"], scale["symbol"]))
    meaning = dict(zip(scale["rank"], scale["meaning"]))
    rows: list[tuple[str, float | None]] = []      # (tick label, rank); a heading has no rank
    parts = []
    for name, members in items.groupby(group, sort=False):
        rows.append((str(name), None))
        rows += [(short_name(str(r[label]), 50), float(r[rank])) for _, r in members.iterrows()]
        counts = members[rank].astype(float).value_counts()
        parts.append(f"{name}: " + and_join([f"{fmt.number(counts[k])} med {symbol[k]}"
                                             for k in sorted(counts.index, reverse=True)]) + ".")
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
    data = pd.DataFrame({"Gruppe": items[group].astype(str), "": items[label].astype(str),
                         "Vurdering": [f"{symbol[float(r)]} {meaning[float(r)]}" for r in items[rank]]})
    return describe(fig, "Diagram", title, parts, data)


def colour_bars(chapter: Chapter, counts: pd.DataFrame, title: str, source: str):
    """How many indicators of each area have each colour: one stacked bar per area (rows of *counts*,
    in its order), a segment per colour with the colour's background, its symbol and count written on
    it (black on the light fill), and the colours in the legend."""
    vocab = chapter.vocab
    fig, ax = plt.subplots(figsize=(8, 4.4))
    labels = [vocab.area_short(a) for a in counts.index][::-1]
    left = np.zeros(len(counts))
    for code, colour in vocab.colours.items():
        values = counts[code].to_numpy()[::-1]
        bars = ax.barh(labels, values, left=left, color=BACKGROUND[code], edgecolor="#555555",
                       label=f"{colour.symbol} {colour.label}")
        ax.bar_label(bars, labels=[f"{colour.symbol}{fmt.number(v)}" if v else "" for v in values],
                     label_type="center", fontsize=8, color=TEXT)
        left += values
    ax.set_xlabel("Antall indikatorer")
    _norwegian_ticks(ax.xaxis, integer=True)  # counts: no 2,5 indicators
    ax.set_title(_wrap(title, 70), loc="left")
    legend = ax.legend(loc="upper left", bbox_to_anchor=(0, -0.15), ncol=4, frameon=False)
    fig.tight_layout()
    _source_below(fig, ax, legend, source)
    parts = [f"{vocab.area_short(a)}: {colour_counts_text(counts.loc[a], vocab)}." for a in counts.index]
    data = pd.DataFrame({"Område": [vocab.area_short(a) for a in counts.index],
                         **{f"{c.symbol} {c.label}": counts[code].to_numpy() for code, c in vocab.colours.items()}})
    return describe(fig, "Liggende stolpediagram, antall indikatorer per farge", title, parts, data)


def data_html(fig) -> str:
    """The numbers of a figure (:func:`describe`) as a table in a ``<details>``, for a reader who wants
    them rather than the picture."""
    text = fig.evalkit_text
    name = "figur-" + hashlib.sha256(text.title.encode()).hexdigest()[:10]
    table = styled_table(text.data, f"Tallene i figuren: {text.title}", name)
    return (f'<details class="evalkit-figure-data"><summary>Tallene i figuren som tabell</summary>'
            f"{table}</details>")


def show(fig) -> None:
    """Show a figure with its text alternative and, under it, its numbers as a table; then close it."""
    from IPython.display import HTML, display

    display(fig)
    if getattr(fig, "evalkit_text", None) is not None:
        display(HTML(data_html(fig)))
    plt.close(fig)


__all__ = ["BREAK_LABEL", "MARKERS", "PALETTE", "FigureText", "bar_figure", "break_text", "colour_bars", "data_html",
           "describe", "line_figure", "scale_figure", "series_breaks", "short_name", "show", "use_book_style"]
