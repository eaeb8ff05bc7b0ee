"""One page per indicator: everything the book knows about one indicator, for the template notebooks
the build executes once per indicator (``indikatorer/_template.md`` for an active indicator, the short
``indikatorer/_retired.md`` for a retired one; :func:`page_titles` says which pages there are), and the
index page beside them (:func:`headline_table`).

:class:`IndicatorPage` gathers, from a chapter's :class:`~evalkit.chapter.Chapter` (the same validated
frames, edition and thresholds as every chapter), the indicator's identity, every observation with its
provenance (``Fafo 2019, tabell 7.1`` and the exact document and line), each period's change under the
report's rule with the rule's inputs, the two other readings (sampling error, trend), what the reports
say in words, the errata, series breaks and corrections that touch it, its colour in each edition, and
the downloads. Every number is computed by the modules that compute it for the chapters
(:mod:`evalkit.tables`, :mod:`evalkit.views`, :mod:`evalkit.significance`); this module only selects
and words them, in bokmål.
"""

from __future__ import annotations

import html
import io
import json
import re
import urllib.parse
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from . import fmt, words
from .chapter import Chapter
from .editions import FINAL_EDITION, STATUS_EDITION
from .htmltables import styled_table
from .links import PAGES_DIR, page_href, page_link, page_titles
from .significance import sample_sizes, wilson_interval
from .tables import indicator_table, period_label

BOOK_TITLE = "Evaluering av Opptrappingsplanen for rusfeltet 2016–2020"
# Why a change is grey (evalkit.classify.GREY_REASONS), as a reader is told.
GREY_REASONS = {
    "missing": "mangler verdi for ett av årene",
    "series_break": "verdiene er fra ulike serier, et brudd i serien",
    "inexact": "omtrentlig verdi: vises, men vurderes ikke",
    "no_change_rule": "rapporten beregner ingen endring for indikatoren",
    "no_direction": "indikatoren har ingen ønsket retning",
    "zero_base": "en relativ endring fra null kan ikke beregnes",
}
SIGNIFICANCE_REASONS = {"not_significant": "ikke signifikant på 5 %-nivå", "n_unknown": "utvalgsstørrelsen er ikke oppgitt"}
RISKY = ("=", "+", "-", "@", "\t", "\r")  # a downloaded CSV's text cell starting so gets a ' (as _ext/safe_downloads)


# --------------------------------------------------------------------------------------------------
# Words


def provenance(vocab, document: str, location: str) -> tuple[str, str]:
    """Where a value stands, for a reader and exactly: ``("Fafo 2019, tabell 7.1", "001_….txt, Tabell
    7.1, linje 1290")``; a value in the running text is ``"Fafo 2021, teksten"``. The exact place is in
    the book's words (:meth:`Vocabulary.location`)."""
    table = re.search(r"Tabell\s+[\w.]+", str(location))
    short = f"{vocab.document(document)}, {table.group(0).lower() if table else 'teksten'}"
    return short, f"{document}, {vocab.location(location)}"


def _note_text(text) -> str:
    """A quoted sentence without the transcriber's note in brackets that follows it."""
    return "" if pd.isna(text) else str(text).split(" [", 1)[0].strip()


def _csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.map(lambda v: "'" + v if isinstance(v, str) and v.startswith(RISKY) else v)


def _data_link(text: str, mime: str, filename: str, label: str) -> str:
    href = f"data:{mime};charset=utf-8," + urllib.parse.quote(text)
    return (f'<a class="evalkit-download" download="{html.escape(filename)}" href="{href}">'
            f"{html.escape(label)}</a>")


# --------------------------------------------------------------------------------------------------
# One indicator


@dataclass
class IndicatorPage:
    """What the page of indicator *ident* shows, in the edition and with the thresholds of *ch*."""

    ch: Chapter
    ident: int

    def __post_init__(self):
        # The page reads its own indicator's rows only (evalkit.reads): another indicator's correction
        # does not execute it again, and it cannot show another indicator's data by mistake.
        self.ch = self.ch.scoped([self.ident])

    @cached_property
    def row(self) -> pd.Series:
        return self.ch.indicator(self.ident)

    @property
    def active(self) -> bool:
        return self.row["status"] == "active"

    @property
    def title(self) -> str:
        return f"Indikator {self.ident}: {self.row['name']}"

    @property
    def unit(self) -> str:
        return str(self.row["unit"])

    def _label(self, vocabulary: str, field: str) -> str:
        return self.ch.vocab.label(vocabulary, self.row[field])

    # -- identity -----------------------------------------------------------------------------------

    def identity(self) -> pd.DataFrame:
        """The catalogue's fields as a reader reads them (Felt, Verdi)."""
        r, vocab = self.row, self.ch.vocab
        short, exact = provenance(vocab, r["document"], r["location"])
        rule = {"points": "endring i prosentpoeng (per år over flere år)",
                "relative": "endring i prosent (årlig vekst over flere år)",
                "none": "rapporten beregner ingen endring"}[r["change"]]
        fields = [
            ("Nummer", str(self.ident)), ("Navn", r["name"]), ("Område", vocab.area(r["area"])),
            ("Type", self._label("type", "type") or "ikke oppgitt"), ("Enhet", self._label("unit", "unit")),
            ("Datakilde", r["source"]), ("Endringsregel", rule),
            ("Ønsket retning", self._label("direction", "direction")),
            ("Status", "i bruk" if self.active else "utgått"),
            ("Hvor indikatoren står", f"{short} ({exact})"),
            ("Begrunnelse for retningen (merknad i katalogen)" if self.active else "Merknad i katalogen",
             "" if pd.isna(r["note_nb"]) else str(r["note_nb"])),
        ]
        return pd.DataFrame(fields, columns=["Felt", "Verdi"])

    # -- observations -------------------------------------------------------------------------------

    @cached_property
    def observations(self) -> pd.DataFrame:
        """Every observation of the indicator within the edition's years, series by series (the main
        series first, the others in the order they begin) and by year within a series, so that a table
        of them shows where another series starts; with its sample size and 95 % Wilson interval where
        n is known (shares only)."""
        obs = self.ch.observations
        rows = obs[(obs["id"] == self.ident) & obs["year"].between(self.ch.base_year, self.ch.as_of)]
        order = dict(_main=rows["series"] != "main", _first=rows.groupby("series")["year"].transform("min"))
        rows = rows.assign(**order).sort_values(["_main", "_first", "series", "year"]).drop(columns=list(order))
        sizes = sample_sizes(self.ch.frames["sample_sizes"])
        n = np.array([sizes.get((self.ident, int(y), s), np.nan) for y, s in zip(rows["year"], rows["series"])],
                     dtype=float)
        if self.unit != "percent":
            n = np.full(len(rows), np.nan)
        low, high = wilson_interval(rows["value"].to_numpy(dtype=float), n)
        return rows.assign(n=n, ci_low=low, ci_high=high).reset_index(drop=True)

    def level_text(self, r) -> str:
        return self.ch.vocab.qualified(fmt.level(r.value, self.unit, r.value_decimals), r.qualifier)

    def observation_table(self) -> pd.DataFrame:
        """The observations as a reader sees them: year, value (with ca./over/under), series, n and
        interval, where the value stands (readable and exact), and the transcriber's note."""
        vocab, out = self.ch.vocab, []
        for r in self.observations.itertuples():
            short, exact = provenance(vocab, r.document, r.location)
            interval = ("" if np.isnan(r.ci_low) else
                        f"{fmt.number(r.ci_low, 1)}–{fmt.number(r.ci_high, 1)}{fmt.NBSP}%")
            out.append({"År": str(r.year), "Verdi": self.level_text(r), "Serie": vocab.series[r.series],
                        "n": "" if np.isnan(r.n) else fmt.number(r.n), "95 % intervall": interval,
                        "Kilde": short, "Nøyaktig sted": exact})
        return pd.DataFrame(out, columns=["År", "Verdi", "Serie", "n", "95 % intervall", "Kilde", "Nøyaktig sted"])

    def observations_csv(self) -> str:
        """The observations with their provenance, as a CSV (text cells safe for spreadsheets)."""
        obs = self.observations
        frame = pd.DataFrame({
            "id": self.ident, "year": obs["year"], "value": obs["value"], "unit": self.unit,
            "qualifier": obs["qualifier"], "series": obs["series"], "n": obs["n"],
            "ci95_low": obs["ci_low"].round(2), "ci95_high": obs["ci_high"].round(2),
            "source": [provenance(self.ch.vocab, d, loc)[0] for d, loc in zip(obs["document"], obs["location"])],
            "document": obs["document"], "location": obs["location"], "note": obs["note"],
        })
        buf = io.StringIO()
        _csv_safe(frame).to_csv(buf, index=False, lineterminator="\n")
        return buf.getvalue()

    def figure_text(self) -> str:
        """The figure in words (its text alternative): each series' values by year, and where the
        values go over to another series for good (a break, :func:`evalkit.figures.series_breaks`)."""
        from .figures import break_text, series_breaks

        obs = self.observations
        if obs.empty:
            return f"Indikatoren har ingen verdier i {self.ch.base_year}–{self.ch.as_of}."
        parts = []
        for series, rows in obs.groupby("series", sort=False):
            values = words.and_join([f"{self.level_text(r)} i {r.year}" for r in rows.itertuples()])
            label = self.ch.vocab.series[series]
            parts.append(f"{label[:1].upper()}{label[1:]}: {values}.")  # not capitalize(): «BrukerPlan» stays
        parts += [break_text(self.ch.vocab, *b) for b in series_breaks(obs)]
        return " ".join(parts)

    def figure(self):
        """Every value of every series over the edition's years (:func:`evalkit.figures.line_figure`):
        other series dashed and named, approximate values hollow, 95 % intervals where n is known."""
        from .figures import line_figure

        series = tuple(dict.fromkeys(self.observations["series"])) or ("main",)
        ylabel = "Prosent" if self.unit == "percent" else self._label("unit", "unit").capitalize()
        sources = words.and_join(sorted({provenance(self.ch.vocab, d, loc)[0] for d, loc in
                                         zip(self.observations["document"], self.observations["location"])}))
        return line_figure(self.ch, [self.ident], f"Indikator {self.ident}", sources or "ingen verdier",
                           ylabel=ylabel, labels={self.ident: "Verdier"},
                           series=series)

    # -- changes under the report's rule, and the other readings ------------------------------------

    @cached_property
    def table(self):
        return self.ch.table(self.row["area"])

    def threshold_text(self) -> str:
        rule = self.row["change"]
        if rule == "points":
            return f"{fmt.number(self.ch.thresholds.get('points_threshold', 1.0), 1)} %-poeng per år"
        if rule == "relative":
            return f"{fmt.number(self.ch.thresholds.get('relative_threshold', 2.5), 1)} % per år"
        return "ingen"

    def changes(self) -> pd.DataFrame:
        """Each change column of the area's table for this indicator, with the sampling-error reading
        (:func:`evalkit.views.cell_significance`): period, levels, span, change, colour, reason, n, p."""
        from .views import cell_significance

        cells = cell_significance(self.table, self.ch.frames)
        return cells[cells["id"] == self.ident].reset_index(drop=True)

    def _cell_level(self, year: int) -> str:
        t = self.table
        text = fmt.level(t.levels.at[self.ident, year], self.unit, t.decimals.at[self.ident, year])
        return text if text == fmt.NA else self.ch.vocab.qualified(text, t.qualifiers.at[self.ident, year] or "exact")

    def _colour(self, code: str) -> str:
        return self.ch.vocab.colour(code).named

    def change_table(self) -> pd.DataFrame:
        """Each period's change with every step of the rule: levels, span, annual change and colour
        (with the reason where grey; the threshold and desired direction are in
        :meth:`rule_text`); beside it the same change with sampling error (n, p, colour)."""
        out = []
        for r in self.changes().itertuples():
            n = " og ".join("?" if np.isnan(v) else fmt.number(v) for v in (r.n_from, r.n_to))
            if np.isnan(r.p_value):
                sig = f"n = {n}: {SIGNIFICANCE_REASONS['n_unknown']}" if self.unit == "percent" and r.colour != "grey" else ""
            else:
                sig = f"n = {n}; p = {fmt.number(r.p_value, 3)}: {self._colour(r.significance)}"
                sig += f" ({SIGNIFICANCE_REASONS[r.significance_reason]})" if r.significance_reason else ""
            out.append({
                "Periode": r.period, "Fra": self._cell_level(r.from_year), "Til": self._cell_level(r.to_year),
                "År": str(r.to_year - r.from_year), "Endring per år": fmt.change(r.delta, self.row["change"]),
                "Farge": self._colour(r.colour) + (f" ({GREY_REASONS[r.reason]})" if r.reason else ""),
                "Med utvalgsusikkerhet": sig,
            })
        return pd.DataFrame(out)

    def rule_text(self) -> str:
        """The rule's fixed inputs for this indicator: its unit of change, threshold and direction."""
        return (f"Terskel {self.threshold_text()}; ønsket retning {self._label('direction', 'direction')}; "
                f"over flere år er endringen et gjennomsnitt per år")

    @cached_property
    def reading(self) -> pd.Series | None:
        """The three readings from the first to the last exact value of the main series
        (:func:`evalkit.views.compare_views`); None for a retired indicator."""
        from .views import compare_views

        views = compare_views(self.ch.frames, as_of=self.ch.as_of, base=self.ch.base_year, **self.ch.thresholds)
        return views.loc[self.ident] if self.ident in views.index else None

    def readings_table(self) -> pd.DataFrame:
        """The report's reading, the reading with sampling error and the trend reading side by side."""
        v = self.reading
        if v is None or np.isnan(v["to_year"]) or v["from_year"] == v["to_year"]:
            return pd.DataFrame(columns=["Lesning", "Resultat", "Grunnlag"])
        span = f"{int(v['from_year'])}–{int(v['to_year'])}"
        levels = f"{fmt.level(v['from_value'], self.unit)} → {fmt.level(v['to_value'], self.unit)} ({span})"
        rule = (f"{levels}; {fmt.change(v['delta'], self.row['change'])} per år; terskel {self.threshold_text()}"
                if self.row["change"] != "none" else levels)
        if self.unit != "percent":
            sig = "ikke aktuelt: registertall og budsjett har ingen utvalgsfeil; rapportens farge gjelder"
        elif np.isnan(v["p_value"]):
            sig = "utvalgsstørrelsen er ikke oppgitt for begge årene"
        else:
            lo, hi = wilson_interval([v["from_value"], v["to_value"]], [v["n_from"], v["n_to"]])
            sig = (f"n = {fmt.number(v['n_from'])} og {fmt.number(v['n_to'])}; 95 % intervall "
                   f"{fmt.number(lo[0], 1)}–{fmt.number(hi[0], 1)}{fmt.NBSP}% og "
                   f"{fmt.number(lo[1], 1)}–{fmt.number(hi[1], 1)}{fmt.NBSP}%; "
                   f"p = {fmt.number(v['p_value'], 3)}")
        trend = ("ikke vurdert" if np.isnan(v["trend_value"]) else
                 f"{fmt.percent(v['trend_value'] * 100, 1)} per år (sammensatt vekst i ønsket retning)")
        return pd.DataFrame([
            ("Rapportens regel", self._colour(v["report"]), rule),
            ("Med utvalgsusikkerhet", self._colour(v["significance"]), sig),
            ("Statistikkbyråenes trendvurdering",
             f"{self._colour(v['trend'])} ({self.ch.vocab.label('trend_status', v['trend_status'])})", trend),
        ], columns=["Lesning", "Resultat", "Grunnlag"])

    # -- words, errata, editions ---------------------------------------------------------------------

    def statements_table(self) -> pd.DataFrame:
        """What the reports say about the indicator in words: stated changes, significance statements,
        levels stated in words (``figures.csv``), each with where it stands."""
        vocab, frames, out = self.ch.vocab, self.ch.frames, []
        for r in self.ch.reported(self.ident).itertuples():
            kind = vocab.label("reported_kind", r.kind)
            out.append((f"Oppgitt endring ({kind}, {words.span_text(r.period) if r.period != 'unstated' else 'periode ikke oppgitt'})",
                        f"«{r.text}»", provenance(vocab, r.document, r.location)))
        st = frames["significance_statements"]
        for r in st[st["id"] == self.ident].itertuples():
            said = "signifikant" if r.statement == "significant" else "ikke signifikant"
            out.append((f"Om signifikans ({words.span_text(r.period)}: {said})", f"«{r.text}»",
                        provenance(vocab, r.document, r.location)))
        fig = frames["figures"]
        for r in fig[fig["key"].str.startswith(f"ind{self.ident}_")].itertuples():
            out.append(("Nivå oppgitt i ord" + (f" ({words.span_text(r.year)})" if pd.notna(r.year) else ""),
                        f"«{_note_text(r.text)}»", provenance(vocab, r.document, r.location)))
        return pd.DataFrame([(what, text, f"{short} ({exact})") for what, text, (short, exact) in out],
                            columns=["Hva", "Tekst", "Kilde"])

    def verdict(self) -> tuple[str, str]:
        """The evaluators' verdict on the indicator's area (the verdicts are given per area)."""
        return self.ch.verdict(self.row["area"]) if self.row["area"] in self.ch.vocab.verdicts.index else ("", "")

    def corrections_table(self) -> pd.DataFrame:
        """The errata (where a source contradicts itself or another), the values of another series
        (breaks), and the corrections of the data after publication, that concern the indicator."""
        from .revisions import revision_table

        vocab, frames, out = self.ch.vocab, self.ch.frames, []
        err = frames["errata"]
        for r in err[err["id"] == self.ident].itertuples():
            out.append((f"Avvik i kilden ({vocab.label('errata_kind', r.kind)}): {r.what_nb}",
                        f"trykt «{r.printed}»; følger av dataene: {r.follows}",
                        "{} ({})".format(*provenance(vocab, r.document, r.location))))
        obs = self.observations
        for series, rows in obs[obs["series"] != "main"].groupby("series"):
            ser = frames["series"].set_index("series").loc[series]
            out.append((f"Brudd i serien: {vocab.series[series]}",
                        f"verdier for {words.years_text(rows['year'])} kan ikke sammenlignes med hovedserien",
                        "{} ({})".format(*provenance(vocab, ser["document"], ser["location"]))))
        for r in revision_table(frames, vocab).itertuples():  # the log's rows of this indicator (scoped frames)
            out.append((f"Rettelse {r.Dato}: {r.Hva}", f"{r.Endring}. {r.Begrunnelse}", r.Kilde))
        return pd.DataFrame(out, columns=["Hva", "Innhold", "Kilde"])

    def editions_table(self) -> pd.DataFrame:
        """The indicator's colour over each edition's whole span (the status report's 2016–2018 and the
        final edition's 2016–2020), for the editions this book's edition reaches."""
        out = []
        for edition, name in ((STATUS_EDITION, "Tredje statusrapport (2018)"), (FINAL_EDITION, "Sluttrapporten (2020)")):
            if edition > self.ch.as_of or edition <= self.ch.base_year:
                continue
            t = self.table if edition == self.ch.as_of else indicator_table(
                self.ch.catalogue, self.ch.observations, self.row["area"], as_of=edition, base=self.ch.base_year,
                **self.ch.thresholds)
            c = t.changes[(t.changes["id"] == self.ident) & (t.changes["period"] == period_label((t.base, edition)))]
            if c.empty:
                continue
            c = c.iloc[0]
            out.append((name, period_label((t.base, edition)), fmt.change(c["delta"], self.row["change"]),
                        self._colour(c["colour"]) + (f": {GREY_REASONS[c['reason']]}" if c["reason"] else "")))
        return pd.DataFrame(out, columns=["Utgave", "Periode", "Endring per år", "Farge"])

    # -- retired, downloads --------------------------------------------------------------------------

    def retired_text(self) -> str:
        """When and why the indicator was retired, from the catalogue's note for readers."""
        from .editions import retired

        r = retired(self.ch.frames).loc[self.ident]
        short, exact = provenance(self.ch.vocab, r["document"], r["location"])
        return (f"Indikatoren ble tatt ut av indikatorsettet i den tredje statusrapporten ({short}; {exact}). "
                f"Begrunnelsen i katalogen: {r['reason']}")

    def metadata(self) -> dict:
        """The catalogue's fields, the unit's and direction's words and the source documents."""
        r, vocab = self.row, self.ch.vocab
        docs = sorted({r["document"], *self.observations["document"]})
        return {
            "id": self.ident, "name": r["name"], "area": r["area"], "area_name": vocab.area(r["area"]),
            "type": "" if pd.isna(r["type"]) else r["type"], "source": r["source"], "unit": r["unit"],
            "unit_label": self._label("unit", "unit"), "change": r["change"], "direction": r["direction"],
            "direction_label": self._label("direction", "direction"), "status": r["status"],
            "note": "" if pd.isna(r["note_nb"]) else r["note_nb"], "document": r["document"], "location": r["location"],
            "documents": [{"document": d, "label": vocab.document(d), "title": str(vocab.documents.at[d, "title"]),
                           "bibkey": str(vocab.documents.at[d, "bibkey"])} for d in docs],
            "edition": {"from": self.ch.base_year, "to": self.ch.as_of,
                        "threshold_points_per_year": self.ch.thresholds.get("points_threshold"),
                        "threshold_percent_per_year": self.ch.thresholds.get("relative_threshold")},
            "page": f"{PAGES_DIR}/{self.ident}.html",
        }

    def citation(self) -> str:
        return (f"«{self.title}». I: {BOOK_TITLE}, utgaven {self.ch.base_year}–{self.ch.as_of}. "
                f"{PAGES_DIR}/{self.ident}.html.")

    def downloads_html(self) -> str:
        """Links to the observations (CSV) and the metadata (JSON), and the page's citation."""
        meta = json.dumps(self.metadata(), ensure_ascii=False, indent=1, default=str) + "\n"
        links = [_data_link(self.observations_csv(), "text/csv", f"indikator-{self.ident}.csv",
                            f"Observasjonene med kilder (indikator-{self.ident}.csv)"),
                 _data_link(meta, "application/json", f"indikator-{self.ident}.json",
                            f"Metadata (indikator-{self.ident}.json)")]
        items = "".join(f"<li>{a}</li>" for a in links)
        return (f'<div class="evalkit-downloads"><ul>{items}</ul>'
                f"<p>Slik kan siden siteres:</p><blockquote>{html.escape(self.citation())}</blockquote></div>")

    def show(self, frame: pd.DataFrame, caption: str, name: str):
        """A table of this page, escaped, with a fixed id."""
        return styled_table(frame, caption, f"ind{self.ident}-{name}")

    # -- what both templates show (the active indicator's page and the retired one's) ----------------

    def show_values(self, caption: str, empty: str | None = None) -> None:
        """Display the figure of every value, the figure in words and the table of every observation
        (*caption*); an indicator without values in the edition's years gets *empty* as a paragraph
        (nothing if None)."""
        from IPython.display import HTML, display

        from .figures import show

        if self.observations.empty:
            if empty:
                display(HTML(f"<p>{html.escape(empty)}</p>"))
            return
        show(self.figure())
        display(HTML(f"<p>Figuren i tekst: {html.escape(self.figure_text())}</p>"))
        display(self.show(self.observation_table(), caption, "verdier"))

    def show_corrections(self, empty: str | None = None) -> None:
        """Display the errata, series breaks and corrections that concern the indicator
        (:meth:`corrections_table`); if there are none, *empty* as a paragraph (nothing if None)."""
        from IPython.display import HTML, display

        notes = self.corrections_table()
        if not notes.empty:
            display(self.show(notes, "Avvik, brudd og rettelser", "avvik"))
        elif empty:
            display(HTML(f"<p>{html.escape(empty)}</p>"))


# --------------------------------------------------------------------------------------------------
# The index page


def headline(ch: Chapter) -> pd.DataFrame:
    """Every indicator (index id) with its area, name, status and headline colour: the report's colour
    from its first to its last exact value within the edition (``""`` for a retired one)."""
    cat = ch.catalogue.set_index("id").sort_index()
    overall = ch.overall()["colour"].astype(str)
    return pd.DataFrame({"area": cat["area"], "name": cat["name"], "status": cat["status"],
                         "colour": overall.reindex(cat.index).fillna("")})


def headline_table(ch: Chapter, area: str):
    """One area's indicators for the index page: number (a link to the page), name, and the headline
    colour as symbol and word."""
    h = headline(ch)
    h = h[h["area"] == area]
    frame = pd.DataFrame({
        "Nr.": [str(i) for i in h.index], "Indikator": h["name"].to_numpy(),
        "Samlet endring": [ch.vocab.colour(c).named if c else "utgått" for c in h["colour"]],
    })
    return styled_table(frame, f"{ch.vocab.area(area)}: {len(frame)} indikatorer", f"indeks-{area}",
                        link_from=PAGES_DIR)


__all__ = ["BOOK_TITLE", "IndicatorPage", "headline", "headline_table", "page_href", "page_link", "page_titles",
           "provenance"]
