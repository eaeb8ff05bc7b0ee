"""Three fixes to what Jupyter Book 1.x and its themes put on every page.

1. Bokmål for the theme's own strings.

Sphinx has nb_NO; pydata-sphinx-theme ships no Norwegian, and sphinx-book-theme only "no", which a
build in nb_NO never falls back to. This extension compiles the catalogs in ``_locale/nb_NO`` with Babel
and registers them, so their strings fill the gaps (Sphinx's own translations still come first).

2. No script twice. sphinx-thebe adds its configuration script each time its event fires, which a jb
build does twice; the page then declares ``const THEBE_JS_URL`` twice and the browser reports a
SyntaxError. Identical script entries are dropped from each page.

3. A page's title is text. sphinx-book-theme puts the title's plain text (``title.astext()``, with
``<`` and ``&`` as they are) into its print header unescaped, so a title made from the data (an
indicator page's heading, ``Indikator 7: <name>``) would be markup there. It is escaped here.
"""

import html
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

HERE = Path(__file__).resolve().parent.parent / "_locale"


def _compile(outdir: Path) -> Path:
    for po in HERE.glob("*/LC_MESSAGES/*.po"):
        mo = outdir / po.relative_to(HERE).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as src, mo.open("wb") as dst:
            write_mo(dst, read_po(src))
    return outdir


def _unique_scripts(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for script in context.get("script_files", []):
        attributes = getattr(script, "attributes", {})
        # An inline script is its body (one copy has filename None, the other ""); a file is its name.
        key = ("body", attributes["body"]) if attributes.get("body") else (str(getattr(script, "filename", script)),
                                                                         tuple(sorted(attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def _escape_page_title(app, pagename, templatename, context, doctree):
    if "pagetitle" in context:
        context["pagetitle"] = html.escape(str(context["pagetitle"]))


def setup(app):
    locale_dir = _compile(Path(app.doctreedir).parent / "_locale")
    for domain in ("sphinx", "booktheme"):
        app.add_message_catalog(domain, str(locale_dir))
    app.connect("html-page-context", _unique_scripts, priority=1000)  # after the themes and thebe
    app.connect("html-page-context", _escape_page_title, priority=1000)  # after sphinx-book-theme sets it
    return {"parallel_read_safe": True, "parallel_write_safe": True}

