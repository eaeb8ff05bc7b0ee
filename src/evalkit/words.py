"""Numbers and lists as words in bokmål prose, and the glue that puts them into a chapter's Markdown.

Everything here is pure text: the numbers come formatted from :mod:`evalkit.fmt`, the labels from
:class:`evalkit.vocabulary.Vocabulary`.
"""

from __future__ import annotations

import pandas as pd

from . import fmt
from .vocabulary import Vocabulary


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


def glue_all(**texts: str) -> None:
    """Glue several texts at once: ``glue_all(i30_first=..., i30_last=...)``."""
    for key, text in texts.items():
        glue(key, text)


def and_join(items) -> str:
    """``a``, ``a og b``, ``a, b og c`` (numbers are written as they are)."""
    items = [str(i) for i in items]
    if not items:
        raise ValueError("nothing to join")
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]


def shorten(text: str, width: int = 60) -> str:
    """*text* cut at the last word boundary before *width* characters, with `` …`` (as it is if short
    enough): ``shorten("Andel kommuner som har innhentet brukererfaringer", 30)`` -> ``Andel kommuner som har …``."""
    return text if len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + " …"


def years_text(years) -> str:
    """Years in words, consecutive runs of three or more as spans: ``2016–2018``, ``2016–2018 og 2020``,
    ``2017 og 2018``."""
    years = sorted({int(y) for y in years})
    runs, start = [], None
    for i, y in enumerate(years):
        start = y if start is None else start
        if i + 1 == len(years) or years[i + 1] != y + 1:
            if y - start >= 2:
                runs.append(f"{start}–{y}")
            else:
                runs += [str(x) for x in range(start, y + 1)]
            start = None
    return and_join(runs) if runs else ""


def span_text(span) -> str:
    """A stated year or span as printed in prose: ``2016-2019`` -> ``2016–2019``, ``2016;2018`` ->
    ``2016 og 2018`` ("" if not stated)."""
    return "" if span is None or pd.isna(span) else str(span).replace("-", "–").replace(";", " og ")


def count_text(n: int) -> str:
    """A count for prose: ``ingen`` for 0."""
    return "ingen" if n == 0 else fmt.number(n)


def join_values(rows: pd.DataFrame) -> str:
    """``2,0 (2016), −3,1 (2017) og 1,0 (2018)`` from observation rows, as precise as printed."""
    return and_join([f"{fmt.number(v, d)} ({y})"
                     for y, v, d in zip(rows["year"], rows["value"], rows["value_decimals"])])


def colour_counts_text(counts: pd.Series, vocab: Vocabulary) -> str:
    """Colour counts (colour -> n) in words: ``1 grønn, 6 gule, 3 røde og 8 grå`` (``ingen`` if none)."""
    parts = [f"{fmt.number(n)} {vocab.colour(c).label if n == 1 else vocab.colour(c).plural}"
             for c, n in counts.items() if n]
    return and_join(parts) if parts else "ingen"


def reported_text(rows: pd.DataFrame, vocab: Vocabulary) -> str:
    """The final report's statements of change (rows of ``reported_changes``) in words, "" if none:
    a direction in quotes, a number with its unit, qualifier and period."""
    parts = []
    for r in rows.itertuples():
        if r.kind == "direction":
            parts.append(f"«{r.text}»")
        elif pd.notna(r.value):
            unit = vocab.unit_symbols.get(r.unit, "") if pd.notna(r.unit) else ""
            number = fmt.number(r.value, r.value_decimals)
            span = "" if r.period == "unstated" else f" ({span_text(r.period)})"
            parts.append(vocab.qualified(f"{number}{fmt.NBSP + unit if unit else ''}", r.qualifier) + span)
    return "; ".join(parts)


__all__ = ["Text", "and_join", "colour_counts_text", "count_text", "glue", "glue_all", "join_values",
           "reported_text", "shorten", "span_text", "years_text"]
