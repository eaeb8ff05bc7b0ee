"""What a chapter reads from the data: one :class:`Chapter` per notebook run, made by :func:`setup`,
holding the validated frames, the edition's years and thresholds and the vocabulary. Its methods give
single values, spans and changes of an indicator, figures of ``figures.csv``, and the same numbers as
words for the prose (through :mod:`evalkit.words`), each raising ``KeyError`` rather than printing a
silent NaN.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from . import fmt, words
from .reads import Frames
from .classify import COLOURS, DEFAULT_POINTS_THRESHOLD, DEFAULT_RELATIVE_THRESHOLD, change, classify
from .tables import AreaTable, colour_counts, indicator_table, overall_changes
from .vocabulary import Vocabulary


@dataclass
class Chapter:
    """The data and parameters of one chapter notebook's run."""

    as_of: int
    base_year: int
    frames: Frames  # (a plain dict of frames is wrapped) each read is recorded: evalkit.reads
    thresholds: dict[str, float] = field(default_factory=dict)

    def __post_init__(self):
        if not isinstance(self.frames, Frames):
            self.frames = Frames(self.frames)

    def scoped(self, ids) -> Chapter:
        """This chapter with the data of the indicators *ids* only (:meth:`evalkit.reads.Frames.scoped`):
        what it computes for them is what the whole chapter computes, and it reads nothing of the others."""
        return Chapter(self.as_of, self.base_year, self.frames.scoped(ids), self.thresholds)

    def rows(self, table: str, ids) -> pd.DataFrame:
        """The rows of the indicators *ids* in a table with rows per indicator (``observations``,
        ``errata`` …): ``ch.rows("observations", [15])``. Only these rows are read."""
        return self.frames.scoped(ids)[table]

    def area_ids(self, area: str) -> list[int]:
        """The ids of every indicator (active or retired) of *area* in the catalogue."""
        cat = self.catalogue
        return sorted(int(i) for i in cat.loc[cat["area"] == area, "id"])

    # -- the frames ---------------------------------------------------------------------------------

    @property
    def catalogue(self) -> pd.DataFrame:
        return self.frames["indicators"]

    @property
    def observations(self) -> pd.DataFrame:
        return self.frames["observations"]

    @cached_property
    def vocab(self) -> Vocabulary:
        return Vocabulary.from_frames(self.frames)

    @cached_property
    def _indicators(self) -> pd.DataFrame:
        return self.catalogue.set_index("id")

    def indicator(self, ident: int) -> pd.Series:
        """The catalogue row of an indicator."""
        return self._indicators.loc[ident]

    @property
    def final_edition(self) -> bool:
        """Whether the edition reaches the final report's years (2019 and later)."""
        return self.as_of >= 2019

    def table(self, area: str) -> AreaTable:
        return indicator_table(self.catalogue, self.rows("observations", self.area_ids(area)), area,
                               as_of=self.as_of, base=self.base_year, **self.thresholds)

    def overall(self, area: str | None = None) -> pd.DataFrame:
        """Each active indicator's change from its first to its last exact value within the edition's
        years (:func:`evalkit.tables.overall_changes`), for one area or all."""
        obs = self.observations if area is None else self.rows("observations", self.area_ids(area))
        ov = overall_changes(self.catalogue, obs, as_of=self.as_of, base=self.base_year, **self.thresholds)
        return ov if area is None else ov[ov["area"] == area]

    def colour_counts_by_area(self) -> pd.DataFrame:
        """How many active indicators of each area (rows, in the areas' order) have each colour
        (columns green, yellow, red, grey) from their first to their last exact value."""
        ov = self.overall()
        return (ov.groupby("area")["colour"].value_counts().unstack(fill_value=0)
                .reindex(index=list(self.vocab.areas), columns=COLOURS, fill_value=0))

    # -- one indicator ------------------------------------------------------------------------------

    def _row(self, ident: int, year: int, series: str = "main") -> pd.Series:
        obs = self.rows("observations", [ident])
        hit = obs[(obs["id"] == ident) & (obs["year"] == year) & (obs["series"] == series)]
        if hit.empty:
            raise KeyError(f"no observation for indicator {ident}, {year}, series {series}")
        return hit.iloc[0]

    def value(self, ident: int, year: int, series: str = "main") -> float:
        """One observed value; raises KeyError if the data has none (never a silent NaN in prose)."""
        return float(self._row(ident, year, series)["value"])

    def series_rows(self, ident: int, series: str = "main") -> pd.DataFrame:
        """The observations of one indicator's series within the chapter's years, by year."""
        obs = self.rows("observations", [ident])
        return obs[(obs["id"] == ident) & (obs["series"] == series)
                   & obs["year"].between(self.base_year, self.as_of)].sort_values("year")

    def _exact(self, ident: int, series: str) -> pd.DataFrame:
        rows = self.series_rows(ident, series)
        hit = rows[rows["qualifier"] == "exact"]
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

    def years_with_values(self, idents, series: str = "main") -> list[int]:
        """The years within the chapter's span in which any of *idents* has a value."""
        idents = list(idents)
        obs = self.rows("observations", idents)
        hit = obs[obs["id"].isin(idents) & (obs["series"] == series)
                  & obs["year"].between(self.base_year, self.as_of)]
        return sorted(int(y) for y in hit["year"].unique())

    def change_between(self, ident: int, start: int, end: int, series: str = "main") -> tuple[float, str]:
        """The report's change (annual average over a span) between two years, and its colour."""
        ind = self.indicator(ident)
        delta = change([self.value(ident, start, series)], [self.value(ident, end, series)], end - start,
                       ind["change"])
        colours, _ = classify(delta, ind["direction"], ind["change"], **self.thresholds)
        return float(delta[0]), str(colours[0])

    def reported(self, ident: int) -> pd.DataFrame:
        """The final report's statements of change for an indicator."""
        rc = self.rows("reported_changes", [ident])
        return rc[rc["id"] == ident]

    # -- the same numbers as words, for the prose ----------------------------------------------------

    def level_text(self, ident: int, year: int, series: str = "main") -> str:
        """A level as printed, in its unit, with "ca."/"over"/"under" for inexact values: ``ca. 70 %``."""
        r = self._row(ident, year, series)
        return self.vocab.qualified(fmt.level(r["value"], self.indicator(ident)["unit"], r["value_decimals"]),
                                    r["qualifier"])

    def values_text(self, ident: int, series: str = "main") -> str:
        """Every value of the series within the chapter's years: ``58 % i 2017, 66 % i 2018 og 64 % i 2020``."""
        rows = self.series_rows(ident, series)
        if rows.empty:
            raise KeyError(f"no value for indicator {ident} ({series}) in {self.base_year}-{self.as_of}")
        return words.and_join([f"{self.level_text(ident, y, series)} i {y}" for y in rows["year"]])

    def values_with_sources(self, ident: int) -> str:
        """Every value of an indicator within the chapter's years with where it is printed:
        ``2017: 58 % (Fafo 2019, Tabell 7.1, linje 1290); 2020: ca. 70 % (Fafo 2021, tekst, linje 361, nytt BrukerPlan-utvalg)``."""
        obs = self.rows("observations", [ident])
        rows = obs[(obs["id"] == ident) & obs["year"].between(self.base_year, self.as_of)].sort_values(["year", "series"])
        unit = self.indicator(ident)["unit"]
        out = []
        for r in rows.itertuples():
            text = self.vocab.qualified(fmt.level(r.value, unit, r.value_decimals), r.qualifier)
            series = "" if r.series == "main" else f", {self.vocab.series[r.series]}"
            out.append(f"{r.year}: {text} ({self.vocab.cited(r.document, r.location)}{series})")
        return "; ".join(out) or "ingen verdier"

    def change_text(self, delta: float, ident: int) -> str:
        """A change of indicator *ident* in its rule's unit: ``2,0 %-poeng`` or ``−3,1 %``."""
        return fmt.change(delta, self.indicator(ident)["change"])

    def movement(self, ident: int, start: int, end: int, series: str = "main") -> tuple[str, str]:
        """The change in words (``økte med 2,0 %-poeng per år``, ``gikk ned med …``, ``var uendret``)
        and the colour's Norwegian name."""
        delta, colour = self.change_between(ident, start, end, series)
        per = " per år" if end - start > 1 else ""
        if fmt.number(delta, 1) == "0,0":
            text = "var uendret"
        elif delta > 0:
            text = f"økte med {self.change_text(delta, ident)}{per}"
        else:
            text = f"gikk ned med {self.change_text(-delta, ident)}{per}"
        return text, self.colour_name(colour)

    def colour_name(self, colour: str) -> str:
        """The Norwegian name of a colour, for prose: ``green`` -> ``grønn``."""
        return self.vocab.colour(colour).label

    def reported_text(self, ident: int) -> str:
        """The final report's statements of change for an indicator, in words ("" if none)."""
        return words.reported_text(self.reported(ident), self.vocab)

    def colour_counts_text(self, table: AreaTable, period: tuple[int, int] | None = None) -> str:
        """The colours of a table's change column in words: ``1 grønn, 6 gule, 3 røde og 8 grå``."""
        return words.colour_counts_text(colour_counts(table, period), self.vocab)

    def overall_counts_text(self, area: str) -> str:
        """The colours of an area's indicators from first to last measurement (as its verdict table
        shows them) in words: ``6 grønne og 1 rød``."""
        counts = self.overall(area)["colour"].astype(str).value_counts()
        return words.colour_counts_text(counts.reindex(COLOURS, fill_value=0), self.vocab)

    SPAN_PARTS = ("first", "first_year", "last", "last_year", "change", "move", "colour")

    def glue_span(self, prefix: str, ident: int, *parts: str, series: str = "main") -> tuple[int, int]:
        """Glue ``<prefix>_<part>`` for each of *parts* (default all of :attr:`SPAN_PARTS`): the first and
        last exact value within the chapter's years and their years, and, when the years differ, the
        change (``change``), the change in words (``move``: ``økte med …``) and its colour's name. Glue
        only the parts the paragraph uses. Returns the two years."""
        y0, _ = self.first(ident, series)
        y1, _ = self.latest(ident, series)
        texts = {"first": lambda: self.level_text(ident, y0, series), "first_year": lambda: str(y0),
                 "last": lambda: self.level_text(ident, y1, series), "last_year": lambda: str(y1)}
        if y1 > y0:
            delta, colour = self.change_between(ident, y0, y1, series)
            texts.update(change=lambda: self.change_text(delta, ident),
                         move=lambda: self.movement(ident, y0, y1, series)[0],
                         colour=lambda: self.colour_name(colour))
        _glue_parts(prefix, texts, parts, self.SPAN_PARTS,
                    f"indicator {ident} has one exact value in {self.base_year}-{self.as_of}")
        return y0, y1

    SUMMARY_PARTS = ("n_ind", "n_two", "n_single", "n_green", "n_yellow", "n_red")

    def glue_area_summary(self, prefix: str, area: str, *parts: str) -> pd.DataFrame:
        """Glue ``<prefix>_<part>`` for each of *parts* (default all of :attr:`SUMMARY_PARTS`): how many
        active indicators the area has (``n_ind``), how many have two exact values (``n_two``) or fewer
        (``n_single``), and the colours from first to last exact value (``n_green``, ``n_yellow``,
        ``n_red``). Returns :meth:`overall` for the area."""
        overall = self.overall(area)
        two = overall[overall["to_value"].notna()]
        counts = two["colour"].astype(str).value_counts()
        texts = {"n_ind": fmt.number(len(overall)), "n_two": words.count_text(len(two)),
                 "n_single": words.count_text(len(overall) - len(two)),
                 **{f"n_{c}": words.count_text(int(counts.get(c, 0))) for c in ("green", "yellow", "red")}}
        _glue_parts(prefix, texts, parts, self.SUMMARY_PARTS)
        return overall

    def indicator_ids(self, status: str = "active", area: str | None = None) -> list[int]:
        """The ids of the catalogue's indicators with *status* (``active`` or ``retired``), of one area
        or of all, in ascending order: ``indicator_ids("retired", "hovedmal2")`` -> ``[40, 41]``."""
        cat = self.catalogue
        hit = cat[(cat["status"] == status) & ((cat["area"] == area) if area is not None else True)]
        return sorted(int(i) for i in hit["id"])

    def erratum_printed(self, what: str, *, document: str | None = None, ident: int | None = None) -> str:
        """What a source printed, as ``errata.csv`` records it, for the erratum *what* of a document or
        of an indicator: ``erratum_printed("text 2018", ident=69)``. Raises KeyError if there is not
        exactly one such erratum."""
        err = self.frames["errata"] if ident is None else self.rows("errata", [ident])
        hit = err[(err["what"] == what) & ((err["document"] == document) if document is not None else True)
                  & ((err["id"] == ident) if ident is not None else True)]
        if len(hit) != 1:
            raise KeyError(f"{len(hit)} errata {what!r} (document {document}, indicator {ident}), not one")
        return str(hit["printed"].iloc[0])

    def reported_statement(self, ident: int, kind: str) -> pd.Series:
        """The final report's one statement of *kind* (``direction``, ``level_difference``,
        ``annual_average``, ``total_change``) for an indicator: its row of ``reported_changes.csv``
        (``text``, ``value``, ``value_decimals``, ``unit``, ``qualifier``, ``period``):
        ``reported_statement(43, "direction")["text"]`` -> ``økt``. Raises KeyError if there is not
        exactly one."""
        rows = self.reported(ident)
        hit = rows[rows["kind"] == kind]
        if len(hit) != 1:
            raise KeyError(f"{len(hit)} statements of kind {kind!r} for indicator {ident}, not one")
        return hit.iloc[0]

    def peak(self, ident: int, series: str = "main") -> tuple[int, float]:
        """The year of the highest value of an indicator's series within the chapter's years (the
        earliest on a tie; any qualifier), and that value: ``peak(92)`` -> ``(2018, 527.0)``."""
        rows = self.series_rows(ident, series)
        if rows.empty:
            raise KeyError(f"no value for indicator {ident} ({series}) in {self.base_year}-{self.as_of}")
        top = rows.loc[rows["value"].idxmax()]
        return int(top["year"]), float(top["value"])

    CHECK_PARTS = ("cells", "match", "mismatch")

    def glue_published_check(self, prefix: str, *parts: str) -> pd.DataFrame:
        """Glue ``<prefix>_<part>`` for each of *parts* (default all of :attr:`CHECK_PARTS`): how many
        change cells the third status report prints (``cells``), how many of them follow from its own
        printed levels at the printed precision (``match``) and how many do not (``mismatch``). Returns
        :func:`evalkit.tables.check_published_changes`, one row per printed cell."""
        from .tables import check_published_changes

        check = check_published_changes(self.frames)
        texts = {"cells": fmt.number(len(check)), "match": fmt.number(int(check["matches"].sum())),
                 "mismatch": fmt.number(int((~check["matches"]).sum()))}
        _glue_parts(prefix, texts, parts, self.CHECK_PARTS)
        return check

    # -- figures.csv ----------------------------------------------------------------------------------

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

    def figure(self, key: str, *, year: str | None = None, qualifier: str | None = None) -> float:
        """A figure from ``figures.csv`` by key (and year or qualifier where the key has several rows)."""
        return float(self._figure_row(key, year, qualifier)["value"])

    def figure_text(self, key: str, *, year: str | None = None, qualifier: str | None = None,
                    with_qualifier: bool = True) -> str:
        """A figure in words, as stated: ``ca. 8 av 10``, ``over 400``, ``14 %``, ``2,6`` (without the
        qualifier's word where the prose words it itself: "nesten {glue}`…`")."""
        r = self._figure_row(key, year, qualifier)
        unit = str(r["unit"])
        if unit.startswith("of_"):
            text = f"{fmt.number(r['value'], r['value_decimals'])} av {unit.split('_', 1)[1]}"
        elif unit == "percent":
            text = fmt.percent(r["value"], r["value_decimals"])
        else:
            text = fmt.number(r["value"], r["value_decimals"])
        return self.vocab.qualified(text, r["qualifier"]) if with_qualifier else text

    def figure_year(self, key: str, *, year: str | None = None, qualifier: str | None = None) -> str:
        """The year or span a figure refers to, for prose: ``2016–2019``, ``2020`` ("" if not stated)."""
        return words.span_text(self._figure_row(key, year, qualifier)["year"])

    def figure_years(self, key: str) -> list[str]:
        """Every year or span a figure key has rows for, sorted."""
        fig = self.frames["figures"]
        return sorted(str(y) for y in fig.loc[fig["key"] == key, "year"].dropna().unique())

    def escalation_parts(self) -> pd.Series:
        """The 2,4 billion target by source, in millions (the final report's breakdown; the rest of the
        cross-ministry efforts is computed as what the named parts leave of the total)."""
        frie = self.figure("frie_inntekter_increase_total") * 1000
        tverr = self.figure("tverrdepartementale_satsinger_total")
        named = {
            "Boligsosiale formål": self.figure("tverrdep_boligsosiale_formal"),
            "Frivillige organisasjoner": self.figure("tverrdep_frivillige_organisasjoner"),
            "Straffegjennomføring": self.figure("tverrdep_straffegjennomforing"),
        }
        return pd.Series({"Frie inntekter til kommunene": frie, **named,
                          "Øvrige tverrdepartementale satsinger": tverr - sum(named.values())})

    # -- the evaluators' verdicts ---------------------------------------------------------------------

    def verdict(self, area: str) -> tuple[str, str]:
        """The evaluators' verdict on an area and its summary, with the figures it names filled in
        from ``figures.csv`` (``{target_total_escalation}`` -> ``2,4``)."""
        row = self.vocab.verdicts.loc[area]
        keys = {k for k in self.frames["figures"]["key"] if "{" + k + "}" in row["summary"]}
        return str(row["verdict"]), str(row["summary"]).format(**{k: self.figure_text(k) for k in keys})


def _glue_parts(prefix: str, texts: dict, parts: tuple[str, ...], allowed: tuple[str, ...],
                missing: str = "") -> None:
    """Glue ``<prefix>_<part>`` for each of *parts* (all of *allowed* if none is named), from *texts*
    (part -> text, or a function giving it). A named part that *texts* lacks is an error (*missing*
    says why); an unnamed one is left out."""
    unknown = set(parts) - set(allowed)
    if unknown:
        raise ValueError(f"unknown part(s) {', '.join(sorted(unknown))}; one of {', '.join(allowed)}")
    for part in parts or allowed:
        if part in texts:
            text = texts[part]
            words.glue(f"{prefix}_{part}", text() if callable(text) else text)
        elif parts:
            raise KeyError(f"{prefix}_{part}: {missing or 'not available'}")


def setup(as_of: int = 2020, base_year: int = 2016, data_dir=None,
          points_threshold: float = DEFAULT_POINTS_THRESHOLD,
          relative_threshold: float = DEFAULT_RELATIVE_THRESHOLD) -> Chapter:
    """Validate the data (once per content in a warm kernel; not again where the build has validated the
    same bytes: :func:`evalkit.data.trust`) and set the figures' style; the first call of every chapter
    notebook."""
    from .data import validated
    from .figures import use_book_style
    from .reads import quiet

    with quiet():  # the whole package is validated (once per content); what the chapter reads is recorded
        frames = validated(data_dir)
    use_book_style()
    return Chapter(as_of, base_year, frames,
                   dict(points_threshold=points_threshold, relative_threshold=relative_threshold))


__all__ = ["Chapter", "setup"]
