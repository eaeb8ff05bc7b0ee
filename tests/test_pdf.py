"""The print edition of both editions (the PDF that ``evalkit build`` makes beside the HTML), read with
poppler's tools as a reader's software would: document information, fonts, outline, the tagged
structure and the text; the cover, a chapter table and a figure page are rendered to PNG under the
build folder (``pdf-pages/``)."""

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from evalkit import Vocabulary, validate
from evalkit.keys import tree_digest
from evalkit.pdf import PDF_FOLDER, PDF_NAME, printed_pages
from evalkit.tables import display_frame, indicator_table, period_label

from .conftest import ROOT

pytestmark = pytest.mark.book

FRAMES = validate(ROOT / "data")
VOCAB = Vocabulary.from_frames(FRAMES)
TITLE = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["title"]
PAGES = printed_pages(ROOT)
# Areas whose table is checked cell by cell against evalkit (one from each part of the book)
AREAS = ["ressursinnsats", "hovedmal1", "hovedmal3", "samfunnseffekter"]


def run(*cmd: str) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, f"{' '.join(cmd)}: {proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module", params=[2020, 2018], ids=["as-of-2020", "as-of-2018"])
def printed(request, built_book) -> tuple[int, Path, Path]:
    html = built_book(request.param)
    return request.param, html, html / PDF_FOLDER / PDF_NAME


def info(pdf: Path) -> dict[str, str]:
    return dict(line.split(":", 1) for line in run("pdfinfo", str(pdf)).splitlines() if ":" in line)


def chapter_title(html: Path, docname: str) -> str:
    h1 = BeautifulSoup((html / f"{docname}.html").read_text(encoding="utf-8"), "html.parser").select_one("article h1")
    for link in h1.select("a.headerlink"):
        link.decompose()
    return h1.get_text(" ", strip=True)


def squeeze(text: str) -> str:
    """Text without white space (a line break in the PDF may fall between any two words, or inside a
    word after a hyphen or dash) and without soft hyphens."""
    return re.sub(r"\s+", "", text.replace("\u00ad", ""))


def page_texts(pdf: Path, *mode: str) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed), spaces normalised."""
    return [" ".join(page.replace("\u00ad", "").split()) for page in run("pdftotext", *mode, str(pdf), "-").split("\f")]


def test_document_information(printed):
    as_of, _, pdf = printed
    meta = info(pdf)
    assert meta["Tagged"].strip() == "yes"
    assert meta["Title"].strip() == f"{TITLE} (utgave {as_of})"
    assert meta["Author"].strip()
    assert meta["Page size"].strip().startswith("594.96 x 841.92")  # A4 (the first page; wide tables turn)
    # 18 pages, each chapter on a new page, five area tables on landscape pages: at least one page per
    # printed page and no more than six on average
    assert len(PAGES) + 2 <= int(meta["Pages"]) <= 6 * len(PAGES), meta["Pages"]
    raw = pdf.read_bytes()
    assert re.search(rb"/Lang \(nb\)", raw), "the catalogue's language is not nb"
    assert b"/StructTreeRoot" in raw and b"/MarkInfo" in raw


def test_every_font_is_embedded(printed):
    _, _, pdf = printed
    rows = run("pdffonts", str(pdf)).splitlines()[2:]
    assert rows, "no fonts"
    for row in rows:  # name type encoding emb sub uni object ID: the emb column is the fourth from the end
        assert row.split()[-5] == "yes", row


def test_outline_has_every_part_and_chapter(printed):
    _, html, pdf = printed
    xml = run("pdftohtml", "-xml", "-i", "-q", "-stdout", "-l", "1", str(pdf))
    outline = ET.fromstring(xml).find("outline")
    entries = [squeeze("".join(item.itertext())) for item in outline.iter("item")]
    for page in PAGES:
        assert squeeze(chapter_title(html, page.docname)) in entries, page.docname
    for part in {p.part for p in PAGES if p.part}:
        assert squeeze(part) in entries, part


def test_cover_contents_and_chapter_titles(printed):
    as_of, html, pdf = printed
    pages = page_texts(pdf)
    cover = pages[0]
    assert TITLE in cover and f"Utgave {as_of}" in cover
    assert "beregnet fra datapakken" in cover
    assert tree_digest([ROOT / "data"], ROOT / "data")[:16] in cover
    assert not re.search(r"(^|\s)1$", cover), "the cover carries a page number"
    # the contents (one page or two), without the number at the foot of its page(s)
    contents = squeeze(" ".join(p.rsplit(" ", 1)[0] for p in pages[1:3] if p.startswith("Innhold")))
    numbers = {}
    for page in PAGES:
        title = squeeze(chapter_title(html, page.docname))
        m = re.search(re.escape(title) + r"(\d+)", contents)
        assert m, f"{title} has no page number in the table of contents"
        numbers[title] = int(m.group(1))
        start = squeeze(pages[numbers[title] - 1])  # the chapter starts on that page, under its part's caption
        part = squeeze(page.part or "")
        assert start.startswith(title) or start.startswith(part + title), (title, numbers[title], start[:80])
    assert list(numbers.values()) == sorted(numbers.values())
    # running page numbers: the last line of every page after the cover is its number
    layout = run("pdftotext", "-layout", str(pdf), "-").split("\f")[:-1]
    for i, text in enumerate(layout[1:], start=2):
        assert [line.strip() for line in text.splitlines() if line.strip()][-1] == str(i), (i, text[-200:])


def test_area_tables_hold_evalkit_cells(printed):
    """Several area tables row by row, as the PDF's text runs (pdftotext -raw): the indicator's id,
    type, name, source and levels, then each change with its colour's symbol (a significance marker
    may follow), all as evalkit computes them; and the legend names the colours in words."""
    as_of, _, pdf = printed
    text = squeeze(" ".join(page_texts(pdf, "-raw")))
    for c in VOCAB.colours.values():
        assert squeeze(f"{c.symbol} {c.label}: {c.meaning}") in text, c.label
    for area in AREAS:
        table = indicator_table(FRAMES["indicators"], FRAMES["observations"], area, as_of=as_of)
        frame = display_frame(table, VOCAB).set_index("Nr.", drop=False)
        fixed = [c for c in frame.columns if not c.startswith("Farge ") and "–" not in c]
        for ident in table.indicators.index:
            row = frame.loc[str(ident)]
            pattern = "".join(re.escape(squeeze(row[c])) for c in fixed)
            for p in table.periods:
                label = period_label(p)
                symbol = VOCAB.colour(table.colour(ident, p)).symbol
                pattern += re.escape(squeeze(row[label]) + symbol) + r"[*?]?"
            assert re.search(pattern, text), (area, ident, pattern)


def test_pages_as_images(printed):
    """The cover, the first area table and the first figure of the hovedmål 1 chapter, as PNG files."""
    as_of, html, pdf = printed
    pages = page_texts(pdf)
    caption = squeeze(f"{VOCAB.area('hovedmal1')}, 2016–{as_of}. Nivå hvert år")  # the full table (htmltables.show_table)
    table_page = next(i for i, t in enumerate(pages, 1) if caption in squeeze(t))
    chapter = next(p for p in PAGES if p.docname.endswith("_hovedmal1"))
    soup = BeautifulSoup((html / f"{chapter.docname}.html").read_text(encoding="utf-8"), "html.parser")
    before = soup.select_one("article img").find_previous("p").get_text(" ", strip=True)
    tail = squeeze(" ".join(before.split()[-6:])).replace("-", "")  # a word may be hyphenated in print
    text_page = next(i for i, t in enumerate(pages, 1) if i > table_page and tail in squeeze(t).replace("-", ""))
    shots = html.parent / "pdf-pages"
    shots.mkdir(exist_ok=True)
    made = []
    for name, page in [("cover", 1), ("table", table_page), ("figure", text_page), ("figure-next", text_page + 1)]:
        prefix = shots / f"{as_of}-{name}"
        run("pdftoppm", "-png", "-r", "60", "-singlefile", "-f", str(page), "-l", str(page), str(pdf), str(prefix))
        made.append(prefix.with_suffix(".png"))
    for png in made:
        assert png.stat().st_size > 5000, png
    print("pages rendered:", *made)


def test_pages_become_one_document(tmp_path):
    """Two built pages with the same section id and a bibliography id, a link between them, a link to
    a web-only indicator page and an image: in the print page every id is unique, the links point
    inside it (or lose their target) and the image is found from the print page's folder."""
    from evalkit.pdf import Composer, Page

    html = tmp_path / "html"
    (html / "chapters").mkdir(parents=True)
    article = '<article class="bd-article"><section id="{sid}"><h1>{title}</h1>{body}</section></article>'
    (html / "chapters" / "a.html").write_text("<nav>theme</nav>" + article.format(
        sid="vurdering", title="A", body='<p id="id1"><a href="b.html#vurdering">til B</a> '
        '<a href="../indikatorer/30.html">indikator 30</a></p><img src="../_images/f.svg">'), encoding="utf-8")
    (html / "chapters" / "b.html").write_text(article.format(
        sid="vurdering", title="B", body='<span id="id1"></span><details><summary>Hele tabellen</summary>'
        '<table><tr><td>1</td></tr></table></details><a href="a.html#id1">til A</a>'), encoding="utf-8")
    pages = [Page("chapters/a", None), Page("chapters/b", "Del")]
    body, titles = Composer(html, pages, tmp_path / "print").compose(None)
    soup = BeautifulSoup(body, "html.parser")
    ids = [el["id"] for el in soup.find_all(id=True)]
    assert len(ids) == len(set(ids)) == 6  # two chapters, two sections, two bibliography ids
    links = {a.get_text(): a.get("href") for a in soup.find_all("a")}
    assert links == {"til B": "#side-chapters-b--vurdering", "til A": "#id1", "indikator 30": None}
    assert soup.find("img")["src"] == "../html/_images/f.svg"
    assert soup.find("details").has_attr("open")
    assert [h.name for h in soup.find_all(re.compile("h[1-6]"))] == ["h2", "h1", "h2"]  # under the part
    assert titles == {"side-chapters-a": "A", "side-chapters-b": "B"}
