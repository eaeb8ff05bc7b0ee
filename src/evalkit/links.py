"""Which indicator pages there are (:func:`page_titles`) and where each is: ``indikatorer/<id>.html`` at the root of the book, so that a link
from a chapter (``chapters/*.html``) is ``../indikatorer/<id>.html`` and one from the index page
beside the pages is ``<id>.html``. The one place that knows the address; the build writes the pages
there (:data:`PAGES_DIR`) and every table links through :func:`page_href`.
"""

from __future__ import annotations

import csv
import posixpath
from pathlib import Path

PAGES_DIR = "indikatorer"


def page_href(ident, from_dir: str = "chapters") -> str:
    """The relative address of indicator *ident*'s page from a page in *from_dir* (a folder relative to
    the book's root, ``""`` for the root): ``page_href(24)`` -> ``../indikatorer/24.html``."""
    return posixpath.relpath(f"{PAGES_DIR}/{int(ident)}.html", from_dir or ".")


def page_link(ident, from_dir: str = "chapters") -> str:
    """An indicator's number as an HTML link to its page: ``<a href="../indikatorer/24.html">24</a>``
    (the number is an int, so nothing from the data reaches the markup)."""
    n = int(ident)
    return f'<a class="evalkit-indicator-link" href="{page_href(n, from_dir)}">{n}</a>'


# --------------------------------------------------------------------------------------------------
# Which pages there are (read by the build before the data is validated: plain CSV, no pandas, so that
# planning a build, a no-op included, imports nothing heavy)


def page_titles(data_dir: Path, only=None, status: str | None = None) -> dict[int, str]:
    """Indicator id -> its page's heading (``Indikator 24: …``), for every row of ``indicators.csv``
    (active and retired), or only for the ids in *only*, and only those whose catalogue status is
    *status* (``active``, ``retired``) if given. A catalogue that cannot be read gives no pages:
    validation reports its problems before anything is executed."""
    try:
        with open(Path(data_dir) / "indicators.csv", encoding="utf-8", newline="") as fh:
            rows = {int(r["id"]): (r["name"], r["status"]) for r in csv.DictReader(fh)}
    except (OSError, KeyError, ValueError, TypeError, csv.Error):
        return {}
    keep = {i for i, (_, s) in rows.items() if status in (None, s)}
    keep = keep if only is None else {int(i) for i in only} & keep
    return {i: f"Indikator {i}: {rows[i][0]}" for i in sorted(keep)}


__all__ = ["PAGES_DIR", "page_href", "page_link", "page_titles"]
