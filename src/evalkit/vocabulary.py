"""The book's words for the data's codes, read from the data package: area names, how each source
document is cited, the bokmål labels of units, directions, types, qualifiers, errata kinds, colours,
trend statuses, stated changes and data columns, the series, and the evaluators' verdict per area.

All of it lives in ``data/`` as validated tables (``areas.csv``, ``documents.csv``, ``labels_*.csv``,
``series.csv``, ``verdicts.csv``) that the data files refer to by foreign keys; nothing here is typed
in code. Build one :class:`Vocabulary` from the frames :func:`evalkit.data.validate` returns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

# How the data writes where a value stands (``p. text, lines 155 and 1104``, ``Tabell 5.1, line 1087``, ``p. 12,
# line 3``) and the book's words for it: the words are replaced, never the numbers or table names.
_LOCATION_WORDS = ((re.compile(r"\bp\. text\b"), "tekst"), (re.compile(r"\bp\. (?=\d)"), "s. "),
                   (re.compile(r"\blines? (?=\d)"), "linje "), (re.compile(r"(?<=\d) and (?=\d)"), " og "))

# The label vocabularies of the package: ``labels_<name>.csv``, each ``code`` -> ``label`` (+ extras).
LABEL_VOCABULARIES = ("unit", "direction", "type", "qualifier", "errata_kind", "colour", "trend_status",
                      "reported_kind", "field")


@dataclass(frozen=True)
class Colour:
    """A traffic-light colour as the reader sees it: ``grønn``/``grønne``, its symbol and meaning."""

    code: str
    label: str
    plural: str
    symbol: str
    meaning: str

    @property
    def named(self) -> str:
        """Name and symbol, as a table cell shows a colour: ``grønn ✓``."""
        return f"{self.label} {self.symbol}"


@dataclass(frozen=True)
class Vocabulary:
    areas: dict[str, str]                    # area -> name, in the tables' order
    labels: dict[str, dict[str, str]]        # vocabulary -> code -> label
    unit_symbols: dict[str, str]             # unit -> symbol after a number ("%", "%-poeng", "")
    colours: dict[str, Colour]               # in the order green, yellow, red, grey
    documents: pd.DataFrame                  # index document: label, bibkey, title (in citation order)
    series: dict[str, str]                   # series -> label
    verdicts: pd.DataFrame                   # index area: verdict, summary, document, location

    @classmethod
    def from_frames(cls, frames: dict[str, pd.DataFrame]) -> Vocabulary:
        areas = frames["areas"].sort_values("order")
        labels = {v: dict(zip(frames[f"labels_{v}"]["code"], frames[f"labels_{v}"]["label"].fillna("")))
                  for v in LABEL_VOCABULARIES}
        units = frames["labels_unit"]
        colours = {r.code: Colour(r.code, r.label, r.plural, r.symbol, r.meaning)
                   for r in frames["labels_colour"].itertuples()}
        return cls(
            areas=dict(zip(areas["area"], areas["name"])),
            labels=labels,
            unit_symbols=dict(zip(units["code"], units["symbol"].fillna(""))),
            colours=colours,
            documents=frames["documents"].set_index("document"),
            series=dict(zip(frames["series"]["series"], frames["series"]["label"])),
            verdicts=frames["verdicts"].set_index("area"),
        )

    def label(self, vocabulary: str, code) -> str:
        """The bokmål label of *code* in *vocabulary* (``label("direction", "up")`` -> ``opp``); an
        empty code (an optional field left blank) is an empty label."""
        if code is None or pd.isna(code) or code == "":
            return ""
        try:
            return self.labels[vocabulary][code]
        except KeyError:
            raise KeyError(f"no label for {code!r} in data/labels_{vocabulary}.csv") from None

    def qualified(self, text: str, qualifier: str) -> str:
        """A number with its qualifier's word in front: ``ca. 70 %``, ``over 400``, ``14 %``."""
        word = self.label("qualifier", qualifier)
        return f"{word} {text}" if word else text

    def colour(self, code: str) -> Colour:
        return self.colours[code]

    def document(self, document: str) -> str:
        """How a source document is cited in tables: ``Fafo 2019``."""
        return str(self.documents.at[document, "label"])

    @staticmethod
    def location(location) -> str:
        """Where in a source document a value stands, in the book's words: ``p. text, lines 155 and 1104``
        -> ``tekst, linje 155 og 1104``; ``Tabell 5.1, line 1087`` -> ``Tabell 5.1, linje 1087``. The data
        keeps its own form (it is part of keys and of the revision log)."""
        if location is None or pd.isna(location):
            return ""
        text = str(location)
        for pattern, words in _LOCATION_WORDS:
            text = pattern.sub(words, text)
        return text

    def cited(self, document: str, location) -> str:
        """A document and the place in it, as tables cite a source: ``Fafo 2019, Tabell 7.1, linje 1290``."""
        return f"{self.document(document)}, {self.location(location)}"

    def area(self, area: str) -> str:
        """An area's name: ``Hovedmål 1: Reell brukerinnflytelse``."""
        return self.areas[area]

    def area_short(self, area: str) -> str:
        """An area's name before the colon: ``Hovedmål 1``."""
        return self.areas[area].split(":")[0]


__all__ = ["Colour", "LABEL_VOCABULARIES", "Vocabulary"]
