"""WCAG 2.1 AA fixes to what Jupyter Book 1.x and its themes put on every page (tests/test_accessibility.py
runs axe-core over the built book and tabs through a page to check them).

- Theme components whose accessible name hides their visible text, or is English, are replaced by the
  templates in ``templates/`` (searched before the themes' own components):
  ``search-button-field.html`` (its ``aria-label`` "Søk" hid the visible "Ctrl + K"),
  ``theme-switcher.html`` (Font Awesome turned each icon's ``title`` into text inside the button that its
  ``aria-label`` did not contain), ``toggle-primary-sidebar.html`` and ``toggle-secondary-sidebar.html``
  (named only by an English ``title``); ``sections/header.html`` loses the two sidebar toggles that
  sphinx-book-theme hides, since both themes' scripts bind to the first toggle of the page and the
  visible ones therefore did nothing (pydata-sphinx-theme issue 2451: no chapter list on a phone).
- ``static/accessibility.css``: a visible focus ring on everything the keyboard reaches (the theme
  removes it from the search field and the sidebar toggle); ``static/accessibility.js`` keeps focus on
  a toolbar button used from the keyboard, and gives it back to the button when the dialog it opened
  closes (sphinx-book-theme blurs these buttons, so focus fell to the top of the page).
- Every header cell of every table gets a ``scope`` (``col``/``colgroup`` in the head, ``row`` in the
  body): tables come from pandas' Styler, MyST and docutils, and none of them writes one.
- The bibliography's ``role="doc-biblioentry"`` (deprecated in DPUB-ARIA 1.1, and not a list item, so
  the list around it had children a list may not have) becomes ``role="listitem"``.
- The site's ``index.html``, a bare ``<meta http-equiv="Refresh">`` written by sphinx-external-toc, becomes
  a document with the book's language and title and a link to the first page.
- The themes' Jinja macro files that Sphinx copies into ``_static`` as ``*.html`` (pages without a
  language or title that a reader can open) are removed from the output.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent

_HEAD = re.compile(r"<thead\b.*?</thead>", re.S)
_BODY = re.compile(r"<tbody\b.*?</tbody>", re.S)
_TH = re.compile(r"<th(?=[\s>])(?![^>]*\sscope=)([^>]*)>")
_SPAN = re.compile(r"\scolspan=\"?([0-9]+)")


def _scope_head(match: re.Match) -> str:
    def one(th: re.Match) -> str:
        span = _SPAN.search(th.group(1))
        scope = "colgroup" if span and int(span.group(1)) > 1 else "col"
        return f'<th scope="{scope}"{th.group(1)}>'
    return _TH.sub(one, match.group(0))


def _scope_body(match: re.Match) -> str:
    return _TH.sub(lambda th: f'<th scope="row"{th.group(1)}>', match.group(0))


def accessible_body(body: str) -> str:
    """A page's body with a scope on every table header cell and list items in the bibliography."""
    body = _HEAD.sub(_scope_head, body)
    body = _BODY.sub(_scope_body, body)
    return body.replace(' role="doc-biblioentry"', ' role="listitem"')


def _page_context(app, pagename, templatename, context, doctree):
    if context.get("body"):
        context["body"] = accessible_body(context["body"])


def language_tag(language: str | None) -> str:
    """The HTML ``lang`` of a Sphinx language: ``nb_NO`` -> ``nb-NO`` (what Sphinx writes on its pages)."""
    return (language or "en").replace("_", "-")


def redirect_page(target: str, title: str, language: str, icon: str | None = None) -> str:
    """The site's entry page: it sends the browser to *target* and, for a reader whose browser does not
    follow the redirect, links to it. *icon* is the favicon's path (else the browser asks for a missing
    ``/favicon.ico``)."""
    t, url = html.escape(title), html.escape(target, quote=True)
    link = f'<link rel="icon" href="{html.escape(icon, quote=True)}">\n' if icon else ""
    return (f'<!DOCTYPE html>\n<html lang="{html.escape(language)}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{t}</title>\n{link}"
            f'<meta http-equiv="Refresh" content="0; url={url}">\n'
            f'<link rel="canonical" href="{url}">\n</head>\n'
            f'<body>\n<p><a href="{url}">{t}</a></p>\n</body>\n</html>\n')


def _finish(app, exception):
    if exception is not None or app.builder.format != "html" or app.config.root_doc == "index":
        return
    out = Path(app.outdir)
    target = f"{app.config.root_doc}.html" if app.builder.name != "dirhtml" else f"{app.config.root_doc}/index.html"
    title = app.config.html_title or app.config.project
    icon = app.config.html_favicon
    if icon and "://" not in icon:
        icon = f"_static/{Path(icon).name}"  # where Sphinx copies a local favicon
    (out / "index.html").write_text(redirect_page(target, title, language_tag(app.config.language), icon),
                                    encoding="utf-8")
    for macros in (out / "_static").glob("*.html"):
        if "{% macro" in macros.read_text(encoding="utf-8", errors="replace"):
            macros.unlink()


def _config_inited(app, config):
    # Relative to the configuration's folder, as Sphinx reads them: an absolute path would change the
    # configuration's hash (.buildinfo) with the folder the book is built in.
    here = Path(os.path.relpath(HERE, app.confdir)).as_posix()
    # Before the themes' component folders, which they add to templates_path themselves.
    config.templates_path.insert(0, f"{here}/templates")
    config.html_static_path.append(f"{here}/static")


def setup(app):
    app.connect("config-inited", _config_inited)
    app.add_css_file("accessibility.css")
    app.add_js_file("accessibility.js", loading_method="defer")
    app.connect("html-page-context", _page_context)
    # After sphinx-external-toc has written its bare redirect (priority 500).
    app.connect("build-finished", _finish, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
