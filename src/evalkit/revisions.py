"""The revision log (``data/revisions.csv``) for readers and against the last release.

Every correction of a published value, direction, unit, classification or source line after a release
has a row in the log (validated by :func:`evalkit.data.validate`). This module

- compares the data now with the data of a release (:func:`unlogged_changes`): a published field
  (:data:`evalkit.data.PUBLISHED_FIELDS`) that differs without revision rows leading from the old value
  to the new is reported; :func:`git_release` reads the release's files with ``git show``;
- turns the log into the table a reader follows (:func:`revision_table`) and counts it
  (:func:`revision_counts`).
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from . import fmt
from .data import (PUBLISHED_FIELDS, WHOLE_ROW, RawTable, parse_key, published_fields, raw_table,
                   resource_for_file)
from .vocabulary import Vocabulary
from .words import span_text


class ReleaseUnavailable(RuntimeError):
    """The release's files cannot be read (no git, not a clone, or the commit is missing)."""


def last_release(data_dir: Path) -> dict[str, str]:
    """The last row of ``releases.csv``: edition, date, commit, note."""
    with open(Path(data_dir) / "releases.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if not rows:
        raise ReleaseUnavailable(f"{Path(data_dir) / 'releases.csv'} lists no release")
    return rows[-1]


def git_release(repo: Path, commit: str, folder: str = "data") -> Callable[[str], str | None]:
    """A reader of ``<folder>/<file>`` at *commit* of the git repository *repo*: the file's text, or None
    if the file did not exist at that commit. Raises :class:`ReleaseUnavailable` at once, with what to
    do, if git is missing or the commit is not in the repository (a shallow clone)."""
    git = shutil.which("git")
    if git is None:
        raise ReleaseUnavailable("git is not installed: the comparison with the last release needs git and a "
                                 "full clone of the repository")
    check = subprocess.run([git, "-C", str(repo), "cat-file", "-e", f"{commit}^{{commit}}"],
                           capture_output=True, text=True)
    if check.returncode != 0:
        raise ReleaseUnavailable(f"commit {commit} of the last release is not in the repository at {repo} "
                                 f"({check.stderr.strip() or 'unknown commit'}); clone the whole history "
                                 "(git fetch --unshallow) to compare the data with the release")

    def read(file: str) -> str | None:
        shown = subprocess.run([git, "-C", str(repo), "show", f"{commit}:{folder}/{file}"], capture_output=True)
        if shown.returncode != 0:
            listed = subprocess.run([git, "-C", str(repo), "ls-tree", "--name-only", commit, f"{folder}/{file}"],
                                    capture_output=True, text=True)
            if listed.returncode == 0 and not listed.stdout.strip():
                return None  # the file is newer than the release
            raise ReleaseUnavailable(f"git show {commit}:{folder}/{file} failed: {shown.stderr.decode().strip()}")
        return shown.stdout.decode("utf-8")

    return read


def _log(data_dir: Path) -> list[dict[str, str]]:
    with open(Path(data_dir) / "revisions.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _explained(log: list[dict[str, str]], file: str, key: str, field: str, old: str, new: str) -> bool:
    """Whether the log leads the cell (or the whole row, field ``*``) from *old* to *new*: some row
    starts at *old* and the last row ends at *new*."""
    rows = [r for r in log if r["file"] == file and r["key"] == key and r["field"] == field]
    return bool(rows) and rows[-1]["new_value"] == new and any(r["old_value"] == old for r in rows)


def unlogged_changes(data_dir: Path, published: Callable[[str], str | None], release: str = "the last release",
                     files=None) -> list[str]:
    """Every published field that differs between the release (*published* reads a file of the release,
    None if it did not exist) and the data in *data_dir* without revision rows that explain it, as one
    message each. *files* defaults to every file of :data:`PUBLISHED_FIELDS`."""
    data_dir = Path(data_dir)
    log = _log(data_dir)
    problems = []
    for file in files or PUBLISHED_FIELDS:
        then_text = published(file)
        if then_text is None:
            continue  # not published yet
        key = _pk(file, data_dir)
        then, now = raw_table(then_text, key), raw_table((data_dir / file).read_text(encoding="utf-8"), key)
        fields = [f for f in published_fields(file, now.header, key) if f in then.header]
        for k in dict.fromkeys([*then.rows, *now.rows]):
            problems += _row_problems(log, file, k, then, now, fields, release)
    return problems


def _row_problems(log, file: str, key: str, then: RawTable, now: RawTable, fields, release: str) -> list[str]:
    was, is_ = then.rows.get(key), now.rows.get(key)
    whole_then, whole_now = then.whole_row(key, file), now.whole_row(key, file)
    if was is None or is_ is None:
        if _explained(log, file, key, WHOLE_ROW, whole_then, whole_now):
            return []
        if all(_explained(log, file, key, f, then.value(key, f), now.value(key, f)) for f in fields
               if then.value(key, f) != now.value(key, f)):
            return []
        what = "removed" if is_ is None else "added"
        return [f"{file} {key}: row {what} since {release} ({whole_then or whole_now}) without a row in "
                f"revisions.csv (field *, {'new_value empty' if is_ is None else 'old_value empty'})"]
    return [f"{file} {key}: {f} changed from {then.value(key, f)!r} to {now.value(key, f)!r} since {release} "
            "without revision rows from the old value to the new"
            for f in fields if then.value(key, f) != now.value(key, f)
            and not _explained(log, file, key, f, then.value(key, f), now.value(key, f))]


# --------------------------------------------------------------------------------------------------
# The log for readers


def _pk(file: str, data_dir: Path) -> list[str]:
    """The primary-key columns of *file*, from the package's descriptor."""
    return list(resource_for_file(file, data_dir)["schema"]["primaryKey"])


# Text fields written in English for the maintainers and not shown in the book: the log's table says that
# such a text was corrected and leaves the English old and new text to data/revisions.csv.
MAINTAINER_TEXTS = {("indicators.csv", "note"), ("observations.csv", "note"), ("figures.csv", "text"),
                    ("sample_sizes.csv", "note")}
# The vocabulary that names the codes of a field, for the log's old and new values ("kind" by file).
_FIELD_VOCABULARY = {"unit": "unit", "qualifier": "qualifier", "direction": "direction", "type": "type",
                     ("errata.csv", "kind"): "errata_kind",
                     ("reported_changes.csv", "kind"): "reported_kind"}


def value_text(file: str, field: str, value: str, vocab: Vocabulary) -> str:
    """A logged value as the book writes it: a code by its bokmål label (``percent_per_year`` -> ``prosent
    per år``; ``exact`` has none), a number with a decimal comma, a source line in the book's words."""
    if value == "":
        return ""
    vocabulary = _FIELD_VOCABULARY.get((file, field), _FIELD_VOCABULARY.get(field))
    if vocabulary == "unit" and value.startswith("of_"):
        return f"av {value.split('_', 1)[1]}"  # a figure's "1 of 2" (halvparten)
    if vocabulary:
        return vocab.labels[vocabulary].get(value, value)  # figures.csv has units the tables do not use
    if field == "location":
        return vocab.location(value)
    if field in ("value", "n"):
        try:
            return fmt.number(float(value), max(len(value.partition(".")[2]), 0))
        except ValueError:
            return value
    return value


def describe_row(file: str, key: dict[str, str], vocab: Vocabulary, errata_labels: dict | None = None) -> str:
    """The row a revision concerns, in words: ``indikator 10, 2020``, ``indikator 92, 2016–2020,
    gjennomsnitt per år``, ``tallet «ind79_stated_level» (Fafo 2021, tekst, linje 682-683)``; an erratum
    by its bokmål name (*errata_labels*: (document, location, what) -> ``what_nb``), if it still exists."""
    parts = []
    if "id" in key and key["id"]:
        parts.append(("utvalgsstørrelse for " if file == "sample_sizes.csv" else "") + f"indikator {key['id']}")
    if "year" in key and file != "figures.csv":
        parts.append(key["year"])
    if key.get("series", "main") != "main":
        parts.append(vocab.series.get(key["series"], key["series"]))
    if "period" in key:
        parts.append("periode ikke oppgitt" if key["period"] == "unstated" else span_text(key["period"]))
    if "kind" in key:
        parts.append(vocab.label("reported_kind", key["kind"]))
    if file == "figures.csv":
        year = f", {span_text(key['year'])}" if key.get("year") else ""
        parts.append(f"tallet «{key['key']}»{year} ({vocab.cited(key['document'], key['location'])})")
    if file == "errata.csv":
        name = (errata_labels or {}).get((key["document"], key["location"], key["what"]))
        parts.append((f"avviket «{name}»" if name else "et avvik som er fjernet")
                     + f" ({vocab.cited(key['document'], key['location'])})")
    if not parts:
        parts = [v for v in key.values()]
    return ", ".join(parts)


def whole_row_text(file: str, text: str, fields, vocab: Vocabulary) -> str:
    """A whole-row value (``value=20; qualifier=approx``) with the fields' labels and the values in the
    book's words (:func:`value_text`): ``verdi 20, kvalifikator ca.``; a field without a word (an exact
    value's qualifier) is left out."""
    names = "|".join(re.escape(f) for f in fields)
    parts = re.findall(rf"(?:^|; )({names})=(.*?)(?=; (?:{names})=|$)", text)
    words = [(f, value_text(file, f, v, vocab)) for f, v in parts]
    return ", ".join(f"{vocab.label('field', f)} {v}" for f, v in words if v) if parts else text


def changed_part(old: str, new: str, context: int = 30, short: int = 80) -> tuple[str, str]:
    """The part of a long text that a revision changed, with a little context and "…" where text is left
    out: ``(… (Tabell 6.1, line 1235)., … (Tabell 6.1, line 1233).)``. Short values are returned whole."""
    if len(old) <= short and len(new) <= short:
        return old, new
    p = 0
    while p < min(len(old), len(new)) and old[p] == new[p]:
        p += 1
    s = 0
    while s < min(len(old), len(new)) - p and old[-1 - s] == new[-1 - s]:
        s += 1
    start = old.rfind(" ", 0, max(p - context, 0)) + 1 if p > context else 0
    def cut(text: str) -> str:
        end = len(text) - s
        stop = text.find(" ", end + context) if end + context < len(text) else -1
        body = text[start:stop if stop != -1 else len(text)]
        return ("…" if start else "") + body + ("…" if stop != -1 else "")
    return cut(old), cut(new)


def revision_table(frames: dict[str, pd.DataFrame], vocab: Vocabulary) -> pd.DataFrame:
    """The revision log as a reader follows it, oldest first: date; what (the row in words, the field's
    label and the file: ``indikator 10, 2020: sted i kilden (observations.csv)``); old → new ("ny rad"
    and "fjernet" for whole rows); the reason; and the source cited by the document's label."""
    rows = []
    data_dir = Path(frames["revisions"].attrs["path"]).parent
    errata = frames["errata"]
    errata_labels = dict(zip(zip(errata["document"], errata["location"], errata["what"]), errata["what_nb"]))
    for r in frames["revisions"].itertuples():
        key = parse_key(r.key, _pk(r.file, data_dir))
        old = "" if pd.isna(r.old_value) else str(r.old_value)
        new = "" if pd.isna(r.new_value) else str(r.new_value)
        if r.field == WHOLE_ROW:
            header = list(frames[r.file.removesuffix(".csv")].columns)
            fields = published_fields(r.file, header, list(key))
            change = (f"ny rad: {whole_row_text(r.file, new, fields, vocab)}" if not old
                      else f"fjernet: {whole_row_text(r.file, old, fields, vocab)}")
        elif (r.file, r.field) in MAINTAINER_TEXTS:
            change = "teksten er rettet (engelsk merknad for vedlikeholdere; se data/revisions.csv)"
        else:
            before, after = changed_part(value_text(r.file, r.field, old, vocab),
                                         value_text(r.file, r.field, new, vocab))
            change = f"{before or '(tom)'} → {after or '(tom)'}"
        what = f"{describe_row(r.file, key, vocab, errata_labels)}: {vocab.label('field', r.field)} ({r.file})"
        rows.append({"Dato": str(r.date)[:10], "Hva": what, "Endring": change, "Begrunnelse": r.reason,
                     "Kilde": vocab.cited(r.document, r.location)})
    return pd.DataFrame(rows, columns=["Dato", "Hva", "Endring", "Begrunnelse", "Kilde"])


def revisions_by_file(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per corrected file, in the log's order: how many rows (``Rettelser``), how many change a published
    field or a whole row (``Publiserte verdier``) and how many a source line, note or quote
    (``Kilder og merknader``)."""
    log = frames["revisions"]
    published = [f == WHOLE_ROW or f in PUBLISHED_FIELDS.get(file, ()) for file, f in zip(log["file"], log["field"])]
    counts = log.assign(published=published).groupby("file", sort=False)["published"].agg(["size", "sum"])
    return pd.DataFrame({"Fil": counts.index, "Rettelser": counts["size"].to_numpy(),
                         "Publiserte verdier": counts["sum"].astype(int).to_numpy(),
                         "Kilder og merknader": (counts["size"] - counts["sum"]).astype(int).to_numpy()})


def revision_counts(frames: dict[str, pd.DataFrame]) -> dict[str, int]:
    """How much the log holds: ``rows``; ``cells`` (distinct file, row and field); ``records`` (distinct
    rows of the data corrected); ``files``; ``published`` (rows that change a published field or a
    whole row); ``provenance`` (the rest: source lines, notes, quotes); ``added`` and ``removed`` rows."""
    log = frames["revisions"]
    whole = log["field"] == WHOLE_ROW
    published = whole | pd.Series([f in PUBLISHED_FIELDS.get(file, ()) for file, f in zip(log["file"], log["field"])],
                                  index=log.index)
    return {
        "rows": len(log),
        "cells": len(log.drop_duplicates(["file", "key", "field"])),
        "records": len(log.drop_duplicates(["file", "key"])),
        "files": log["file"].nunique(),
        "published": int(published.sum()),
        "provenance": int((~published).sum()),
        "added": int((whole & log["old_value"].isna()).sum()),
        "removed": int((whole & log["new_value"].isna()).sum()),
    }


__all__ = ["MAINTAINER_TEXTS", "ReleaseUnavailable", "changed_part", "describe_row", "git_release", "last_release", "revision_counts", "revision_table", "revisions_by_file",
           "unlogged_changes", "value_text", "whole_row_text"]
