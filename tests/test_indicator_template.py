"""The indicator pages' templates on a small book (the real configuration and templates, a small data
package): each page has its own cache key, an edit of a template's prose executes nothing and of its
code executes its pages alone, and a name with markup in it stays text.

In a file of its own, apart from the tests of the built book, so that ``make test``'s scheduler
(``conftest.py``) can run it in the other process while that one builds the real book.
"""

import csv
import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from evalkit.build import build, expansions

from .conftest import ROOT, write_csv


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def indicator_book(root: Path) -> Path:
    """The real configuration and the indicator template and index, with a one-page chapter."""
    root.mkdir(parents=True)
    for name in ("_config.yml", "references.bib", "_static", "_ext", "_locale", "indikatorer"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, root / name)
    (root / "chapters").mkdir()
    (root / "chapters" / "intro.md").write_text("# Intro\n\nEn side.\n\n```{bibliography}\n:all:\n```\n")
    (root / "_toc.yml").write_text("format: jb-book\nroot: chapters/intro\nchapters:\n  - file: indikatorer/index\n")
    return root


@pytest.mark.book
def test_template_pages_cache_and_hostile_names(mini_package, tmp_path_factory):
    path = mini_package / "indicators.csv"
    table_rows = list(csv.reader(path.open(encoding="utf-8")))
    for row in table_rows[1:]:
        if row[0] == "7":
            row[3] = "<script>alert(1)</script> *fet* [lenke](http://x)"
    write_csv(path, table_rows)
    base = tmp_path_factory.mktemp("indicator-book")  # not in the data's folder, whose digest is a key
    root = indicator_book(base / "book")
    out = base / "out"
    assert sorted(p.name for p in expansions(root, mini_package)) == ["11.md", "17.md", "3.md", "7.md"]

    def run(**kw):
        build(root=root, out=out, data_dir=mini_package, log=lambda *_: None, **kw)
        return json.loads((out / "last-build.json").read_text())

    first = run()
    assert sorted(first["executed"]) == ["indikatorer/11.md", "indikatorer/17.md", "indikatorer/3.md",
                                         "indikatorer/7.md", "indikatorer/index.md"]
    assert run()["up_to_date"]
    template, retired = root / "indikatorer" / "_template.md", root / "indikatorer" / "_retired.md"
    # the template's prose alone: nothing executes, every page made from it shows the new heading (the
    # build puts the current prose into the executed copies: evalkit.build.with_prose)
    template.write_text(template.read_text(encoding="utf-8").replace("## Verdiene", "## Verdiene i årene"),
                        encoding="utf-8")
    prose = run()
    assert prose["executed"] == {} and "indikatorer/7.md" in prose["reused"]
    assert any("Verdiene i årene" in h.get_text() for h in soup(out / "html" / "indikatorer" / "11.html").find_all("h2"))
    # a code cell of the template: every active indicator's page executes again, not the retired one's
    # (made from _retired.md) nor the index page
    template.write_text(template.read_text(encoding="utf-8").replace(
        "# What the indicator is", "# What the indicator is (edited)"), encoding="utf-8")
    again = run()
    assert sorted(again["executed"]) == ["indikatorer/11.md", "indikatorer/3.md", "indikatorer/7.md"]
    assert sorted(again["reused"]) == ["indikatorer/17.md", "indikatorer/index.md"]
    # and a code cell of the retired indicators' template: their pages alone
    retired.write_text(retired.read_text(encoding="utf-8").replace(
        "# When and why the indicator was retired", "# When and why (edited)"), encoding="utf-8")
    assert sorted(run()["executed"]) == ["indikatorer/17.md"]
    # neither template is a page of its own
    assert not list((out / "html" / "indikatorer").glob("_*.html"))

    html = out / "html"
    for page in ("indikatorer/7.html", "indikatorer/index.html"):
        main = soup(html / page).find("main")
        assert not [s for s in main.find_all("script") if "alert(1)" in s.get_text()], page
        assert not main.find("em", string="fet") and not main.find("a", href="http://x"), page
        assert "<script>alert(1)</script> *fet* [lenke](http://x)" in main.get_text(""), page
    assert "Indikator 7: <script>" in soup(html / "indikatorer" / "7.html").find("title").get_text()
