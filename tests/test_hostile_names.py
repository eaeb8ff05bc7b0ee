"""Text from the data is never markup: an indicator's name and source with HTML in them are shown as
text on every page that shows them (the chapters, the appendix, the indicators' index), and no figure
carries a script. The real book's sources, built with two of its indicator pages.

In a file of its own, apart from the tests of the built book, so that ``make test``'s scheduler
(``conftest.py``) can run it in the other process while that one builds the real book.
"""

import csv
import shutil

import pytest
from bs4 import BeautifulSoup

from evalkit.build import build

from .conftest import DATA, ROOT

pytestmark = pytest.mark.book

HOSTILE = {4: "<script>alert(1)</script>", 7: "<b>bold</b>"}  # both shown on all four pages


def test_indicator_names_are_not_markup(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    path = data / "indicators.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    for row in rows[1:]:
        if int(row[0]) in HOSTILE:
            row[3] = HOSTILE[int(row[0])]          # name
            row[4] = HOSTILE[int(row[0])]          # source
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    html = build(root=ROOT, out=tmp_path / "out", data_dir=data, log=lambda *_: None, indicators=list(HOSTILE))
    for page in ("chapters/03_ressursinnsats", "chapters/04_kapasitet", "chapters/12_vedlegg_indikatorer",
                 "indikatorer/index"):
        text = (html / f"{page}.html").read_text(encoding="utf-8")
        soup = BeautifulSoup(text, "html.parser")
        main = soup.find("main")
        assert not [s for s in main.find_all("script") if "alert(1)" in s.get_text()], page
        assert not [b for b in main.find_all("b") if b.get_text() == "bold"], page
        shown = main.get_text(" ")
        assert "<script>alert(1)</script>" in shown and "<b>bold</b>" in shown, page
    for svg in html.glob("_images/*.svg"):
        assert "<script" not in svg.read_text(encoding="utf-8"), svg.name
