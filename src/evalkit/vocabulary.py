"""The book's words for the data's codes, read from the data package: area names, how each source
document is cited, the bokmål labels of units, directions, types, qualifiers, errata kinds, colours,
trend statuses, stated changes and data columns, the series, and the evaluators' verdict per area.

All of it lives in ``data/`` as validated tables (``areas.csv``, ``documents.csv``, ``labels_*.csv``,
``series.csv``, ``verdicts.csv``) that the data files refer to by foreign keys; nothing here is typed
in code. Build one :class:`Vocabulary` from the frames :func:`evalkit.data.validate` returns.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

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

    def area(self, area: str) -> str:
        """An area's name: ``Hovedmål 1: Reell brukerinnflytelse``."""
        return self.areas[area]

    def area_short(self, area: str) -> str:
        """An area's name before the colon: ``Hovedmål 1``."""
        return self.areas[area].split(":")[0]


__all__ = ["Colour", "LABEL_VOCABULARIES", "Vocabulary"]
