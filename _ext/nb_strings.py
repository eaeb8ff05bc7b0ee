"""Bokmål for the theme's own strings.

Sphinx has nb_NO; pydata-sphinx-theme ships no Norwegian, and sphinx-book-theme only "no", which a
build in nb_NO never falls back to. This extension compiles the catalogs in ``_locale/nb_NO`` with Babel
and registers them, so their strings fill the gaps (Sphinx's own translations still come first).
"""

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


def setup(app):
    locale_dir = _compile(Path(app.doctreedir).parent / "_locale")
    for domain in ("sphinx", "booktheme"):
        app.add_message_catalog(domain, str(locale_dir))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
