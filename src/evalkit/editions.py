"""What differs between the book's two editions and what the corrections changed.

The book has two editions: as of 2018 (the third status report's years, 2016-2018) and as of 2020 (the
final report). ``documents.csv`` says which edition each source document supplies (``edition``). This
module computes, from the validated frames:

- :func:`revised_levels`: the same indicator and year with a value from each edition's report, and
  the two values differ;
- :func:`span_colours`: each active indicator's colour over 2016-2018 in the 2018 edition, the same span
  in the final edition, and the final edition's colour over its whole span;
- :func:`retired` and :func:`added`: indicators taken out of the set, with the catalogue's reason, and
  indicators that only the final report measures;
- :func:`published_state` and :func:`correction_effects`: the data as last published, rebuilt by undoing
  ``revisions.csv``, and every change cell whose colour the corrections changed, in each edition.
"""

from __future__ import annotations

import re

import pandas as pd

from . import fmt
from .data import WHOLE_ROW, parse_key
from .tables import all_tables, period_label

STATUS_EDITION, FINAL_EDITION = 2018, 2020


def _documents_of(frames: dict[str, pd.DataFrame], edition: int) -> set[str]:
    docs = frames["documents"]
    return set(docs.loc[docs["edition"] == edition, "document"])


def revised_levels(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Each indicator and year with a value from the status report's edition and a different value from
    the final report's: ``id, year, status_value, status_series, final_value, final_series, document,
    location`` (of the final report's value), by id and year."""
    obs = frames["observations"]
    status = obs[obs["document"].isin(_documents_of(frames, STATUS_EDITION))]
    final = obs[obs["document"].isin(_documents_of(frames, FINAL_EDITION))]
    both = status.merge(final, on=["id", "year"], suffixes=("_status", "_final"))
    both = both[both["value_status"] != both["value_final"]]
    out = pd.DataFrame({
        "id": both["id"].astype(int), "year": both["year"].astype(int),
        "status_value": both["value_status"], "status_decimals": both["value_decimals_status"],
        "status_series": both["series_status"],
        "final_value": both["value_final"], "final_decimals": both["value_decimals_final"],
        "final_series": both["series_final"],
        "document": both["document_final"], "location": both["location_final"],
    })
    return out.sort_values(["id", "year"]).reset_index(drop=True)


def span_colours(frames: dict[str, pd.DataFrame], *, base: int = 2016, **thresholds) -> pd.DataFrame:
    """Per active indicator (index id): ``area``; ``status`` = the colour of the 2016-2018 column in the
    2018 edition; ``final_same_span`` = the colour of 2016-2018 computed from the final edition's table;
    ``final`` = the final edition's colour over its whole span (2016-2020) and its ``reason`` if grey."""
    cat, obs = frames["indicators"], frames["observations"]
    tables18 = all_tables(cat, obs, as_of=STATUS_EDITION, base=base, **thresholds)
    tables20 = all_tables(cat, obs, as_of=FINAL_EDITION, base=base, **thresholds)
    parts = []
    for area, t18 in tables18.items():
        t20 = tables20[area]
        whole18 = t18.changes[t18.changes["period"] == period_label((base, STATUS_EDITION))].set_index("id")
        whole20 = t20.changes[t20.changes["period"] == period_label((base, FINAL_EDITION))].set_index("id")
        same = t20.span(base, STATUS_EDITION, **thresholds)
        parts.append(pd.DataFrame({
            "area": area, "status": whole18["colour"].astype(str), "status_delta": whole18["delta"],
            "final_same_span": same["colour"].astype(str).reindex(whole18.index),
            "final": whole20["colour"].astype(str), "final_delta": whole20["delta"],
            "reason": whole20["reason"],
        }))
    return pd.concat(parts).sort_index()


def retired(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The retired indicators (index id): area, name, the reason (the first sentence of the catalogue's
    note for readers, ``note_nb``), document and location."""
    cat = frames["indicators"]
    out = cat[cat["status"] == "retired"].set_index("id")[["area", "name", "note_nb", "document", "location"]].copy()
    out["reason"] = [first_sentence(n) for n in out.pop("note_nb")]
    return out.sort_index()


def first_sentence(note) -> str:
    """A note's first sentence: up to the first full stop that follows a closing bracket or quote and
    ends the sentence (``... (line 337; ...).``), else up to the first ". "."""
    if note is None or pd.isna(note):
        return ""
    text = str(note)
    m = re.match(r"(.*?[)'])\.(?:\s|$)", text, flags=re.S) or re.match(r"(.*?)\.(?:\s|$)", text, flags=re.S)
    return (m.group(1) + ".") if m else text


def added(frames: dict[str, pd.DataFrame]) -> list[int]:
    """Active indicators with values from the final report's edition but none from the status report's."""
    cat, obs = frames["indicators"], frames["observations"]
    active = set(cat.loc[cat["status"] == "active", "id"])
    status = set(obs.loc[obs["document"].isin(_documents_of(frames, STATUS_EDITION)), "id"])
    final = set(obs.loc[obs["document"].isin(_documents_of(frames, FINAL_EDITION)), "id"])
    return sorted(int(i) for i in (active & final) - status)


# --------------------------------------------------------------------------------------------------
# What the corrections changed


def _fields(text: str) -> dict[str, str]:
    """A whole-row value ``value=71; qualifier=exact`` as a dict."""
    return dict(part.split("=", 1) for part in text.split("; ")) if text else {}


def published_state(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The catalogue and observations as last published: ``revisions.csv`` undone, newest first, on the
    fields the tables use (unit, change, direction, status; value, qualifier, and rows added or removed).
    Other frames are returned as they are."""
    cat = frames["indicators"].copy()
    obs = frames["observations"].copy()
    log = frames["revisions"]
    for r in log.iloc[::-1].itertuples():
        old = "" if pd.isna(r.old_value) else str(r.old_value)
        if r.file == "indicators.csv" and r.field in ("unit", "change", "direction", "status"):
            key = parse_key(r.key, ["id"])
            cat.loc[cat["id"] == int(key["id"]), r.field] = old
        elif r.file == "observations.csv":
            key = parse_key(r.key, ["id", "year", "series"])
            hit = ((obs["id"] == int(key["id"])) & (obs["year"] == int(key["year"]))
                   & (obs["series"] == key["series"]))
            if r.field == WHOLE_ROW and not old:        # added by the correction: not published
                obs = obs[~hit]
            elif r.field == WHOLE_ROW:                  # removed by the correction: put it back
                cells = _fields(old)
                value, decimals = fmt.parse(cells["value"])
                row = {"id": int(key["id"]), "year": int(key["year"]), "value": value, "value_decimals": decimals,
                       "qualifier": cells["qualifier"], "series": key["series"], "document": r.document,
                       "location": r.location, "note": pd.NA}
                obs = pd.concat([obs, pd.DataFrame([row]).astype({"id": "Int64", "year": "Int64",
                                                                  "value_decimals": "Int64"})], ignore_index=True)
            elif r.field == "value":
                obs.loc[hit, "value"], obs.loc[hit, "value_decimals"] = fmt.parse(old)
            elif r.field == "qualifier":
                obs.loc[hit, "qualifier"] = old
    return {**frames, "indicators": cat, "observations": obs.reset_index(drop=True)}


def correction_effects(frames: dict[str, pd.DataFrame], *, base: int = 2016, **thresholds) -> pd.DataFrame:
    """Every change cell of both editions' tables whose colour differs between the data as published
    (:func:`published_state`) and the data now: ``edition, area, id, period, before, after`` (colours)."""
    then = published_state(frames)
    rows = []
    for edition in (STATUS_EDITION, FINAL_EDITION):
        now_tables = all_tables(frames["indicators"], frames["observations"], as_of=edition, base=base, **thresholds)
        then_tables = all_tables(then["indicators"], then["observations"], as_of=edition, base=base, **thresholds)
        for area, table in now_tables.items():
            new = table.changes.set_index(["id", "period"])["colour"].astype(str)
            old = then_tables[area].changes.set_index(["id", "period"])["colour"].astype(str).reindex(new.index)
            differs = new[(old != new).to_numpy()]
            for (ident, period), colour in differs.items():
                rows.append({"edition": edition, "area": area, "id": int(ident), "period": period,
                             "before": old[(ident, period)], "after": colour})
    return pd.DataFrame(rows, columns=["edition", "area", "id", "period", "before", "after"])


__all__ = ["FINAL_EDITION", "STATUS_EDITION", "added", "correction_effects", "first_sentence", "published_state",
           "retired", "revised_levels", "span_colours"]
