"""The book's figures, drawn from the data with a source line under each: levels of indicators over
the years (:func:`line_figure`, with 95 % intervals where a share's sample size is known), bars with
their values (:func:`bar_figure`), items on an ordinal scale (:func:`scale_figure`) and colour counts
per area (:func:`colour_bars`); and the style every chapter's figures share (:func:`use_book_style`).
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from . import fmt
from .chapter import Chapter
from .htmltables import BACKGROUND
from .significance import sample_sizes, wilson_interval

# Line colours: the Okabe-Ito palette, distinguishable with common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


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


def short_name(name: str, width: int = 60) -> str:
    return name if len(name) <= width else name[: width - 1].rsplit(" ", 1)[0] + " …"


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
            label = name if s == "main" else f"{name} ({chapter.vocab.series[s]})"
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


def show(fig) -> None:
    """Show a figure now and close it (for figures drawn in a loop; a cell's last figure shows itself)."""
    from IPython.display import display

    display(fig)
    plt.close(fig)


def colour_bars(chapter: Chapter, counts: pd.DataFrame, title: str, source: str):
    """How many indicators of each area have each colour: one stacked bar per area (rows of *counts*,
    in its order), a segment per colour with the colour's background and, in the legend, its symbol."""
    vocab = chapter.vocab
    fig, ax = plt.subplots(figsize=(8, 4.4))
    labels = [vocab.area_short(a) for a in counts.index][::-1]
    left = np.zeros(len(counts))
    for code, colour in vocab.colours.items():
        values = counts[code].to_numpy()[::-1]
        ax.barh(labels, values, left=left, color=BACKGROUND[code], edgecolor="#555555",
                label=f"{colour.symbol} {colour.label}")
        left += values
    ax.set_xlabel("Antall indikatorer")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 2,5 indicators
    _norwegian_ticks(ax.xaxis)
    ax.set_title(_wrap(title, 70), loc="left")
    legend = ax.legend(loc="upper left", bbox_to_anchor=(0, -0.15), ncol=4, frameon=False)
    fig.tight_layout()
    _source_below(fig, ax, legend, source)
    return fig


__all__ = ["PALETTE", "bar_figure", "colour_bars", "line_figure", "scale_figure", "short_name", "show", "use_book_style"]
