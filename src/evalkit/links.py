"""Where an indicator's page is: ``indikatorer/<id>.html`` at the root of the book, so that a link
from a chapter (``chapters/*.html``) is ``../indikatorer/<id>.html`` and one from the index page
beside the pages is ``<id>.html``. The one place that knows the address; the build writes the pages
there (:data:`PAGES_DIR`) and every table links through :func:`page_href`.
"""

from __future__ import annotations

import posixpath

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


__all__ = ["PAGES_DIR", "page_href", "page_link"]
