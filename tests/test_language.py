"""Bokmål for everything a reader sees.

English function words (words that are not also Norwegian: "the", "and", "of", "which", ...) are counted
in the text a reader gets: the visible text of every built page, in both editions, and the texts that
screen readers and tooltips read out (``alt``, ``title``, ``aria-label``, ``placeholder``, the page's
``<title>``). Any that stand outside the allow-list below fail, with the page and the snippet. The same
detector checks the data package's reader-facing texts without a build, and the package's validation
reports an empty or missing one with file and line like any other required value."""

import csv
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from evalkit import DataValidationError, validate

from .conftest import DATA, write_csv

# English words that are not Norwegian words as well ("for", "at", "to", "by", "is", "be", "have", "a",
# "all", "over", "under", "per" are, and are left out), and a few English words of the data's old
# location form ("line", "text") that betray an untranslated source reference.
ENGLISH = frozenset("""
the and of with which are was were from this that not but its their they these those than has been
would should does only into when where what who there between because each both an it on in or same
other about since after before above below one two three year years line lines text table see
""".split())
# A word on its own: lower case or capitalised (so "IS-24/8", "N/A", "TSB" and codes such as
# "final_report_2021" are not words), not part of a compound with "-", "/", "." or "_".
WORD = re.compile(r"(?<![\w/.\-])([a-z]+|[A-Z][a-z]+)(?![\w/\-])")

NUMBER = re.compile(r"\d+(?:[.,]\d+)?")

# Where English is legitimate: (page or None for every page, the English passage, reason). The passage is
# taken out of the text before counting, so English beside it is still found.
ALLOWED = [
    (None, re.compile(r"Probable inference, the law of succession, and statistical inference\. "
                      r"Journal of the American Statistical Association"),
     "the bibliography and the citations' tooltips cite an English work and its journal by their own titles"),
    (None, re.compile(r"Comparative analysis of two rates\. Statistics in Medicine"),
     "an English work and its journal by their own titles"),
    (None, re.compile(r"Eurostat\. Sustainable development in the European Union\. Monitoring report on progress "
                      r"towards the SDGs in an EU context\. Publications Office of the European Union"),
     "an English work by its own title and publisher"),
]
# Attributes whose text is read out or shown (tooltips, image descriptions, search box).
SPOKEN = ("alt", "title", "aria-label", "placeholder", "data-bs-title")


def english_words(text: str) -> list[re.Match]:
    return [m for m in WORD.finditer(text) if m.group(1).lower() in ENGLISH]


def _hidden(node) -> bool:
    style = (node.get("style") or "").replace(" ", "").lower()
    return node.has_attr("hidden") or "display:none" in style or "visibility:hidden" in style


def reader_texts(html: str) -> list[str]:
    """The texts of a page a reader sees or hears: each text block of the visible body and of <title>,
    and each spoken attribute, with whitespace collapsed."""
    soup = BeautifulSoup(html, "html.parser")
    for node in soup(["script", "style", "noscript", "template"]):
        node.decompose()
    for node in soup.find_all(_hidden):
        node.decompose()
    for node in soup.select("div.cell_input"):  # a code cell's source, when a page shows it, is code
        node.decompose()
    texts = [node.get_text(" ") for node in soup.find_all(["p", "li", "td", "th", "caption", "dt", "dd", "h1", "h2",
                                                          "h3", "h4", "h5", "h6", "title", "figcaption", "label",
                                                          "button", "a", "span", "div"])
             if not node.find(["p", "li", "td", "th", "caption", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
                               "figcaption", "div", "table", "ul", "ol"])]
    texts += [node[attr] for attr in SPOKEN for node in soup.find_all(attrs={attr: True})]
    # whitespace collapsed, and none before punctuation (get_text puts a space after an inline element)
    return [re.sub(r" (?=[.,;:])", "", " ".join(str(t).replace("\u00a0", " ").split()))
            for t in texts if str(t).strip()]


def english_on_page(page: str, html: str) -> list[str]:
    """Each English word of a page outside the allow-list, as ``page: «… snippet …»``."""
    found = []
    for text in dict.fromkeys(reader_texts(html)):
        for p, pattern, _ in ALLOWED:
            if p is None or p == page:
                text = pattern.sub(" … ", text)
        for m in english_words(text):
            start, end = max(m.start() - 50, 0), min(m.end() + 50, len(text))
            found.append(f"{page}: «{text[start:end]}» ({m.group(1)})")
    return found


def english_in_book(html_dir: Path) -> list[str]:
    found = []
    for path in sorted(html_dir.rglob("*.html")):
        if "_static" in path.parts or "_sources" in path.parts:
            continue
        page = path.relative_to(html_dir).with_suffix("").as_posix()
        found += english_on_page(page, path.read_text(encoding="utf-8"))
    return found


# --- the detector itself ------------------------------------------------------------------------------


def test_the_detector_finds_english_and_spares_bokmal():
    assert [m.group(1) for m in english_words("The final report gives 60 million with no price basis.")] == \
        ["The", "with"]
    assert [m.group(1) for m in english_words("the status report's year and the table")] == \
        ["the", "year", "and", "the", "table"]
    # bokmål, codes, acronyms and printed symbols are not English
    bokmal = ("Sluttrapporten oppgir 60 millioner for 2016 uten prisgrunnlag; IS-24/8, N/A, TSB, serien "
              "final_report_2021, tekst, linje 155 og 1104. Det er bare en økning fra 2017 for de som er over 18 år.")
    assert english_words(bokmal) == []


def test_visible_text_skips_scripts_and_hidden_parts_but_reads_spoken_attributes():
    html = ("<html><head><title>Search the book</title><script>var the = 1;</script></head><body>"
            "<p>Synlig tekst.</p><div hidden><p>hidden text of the page</p></div>"
            "<button aria-label='Print to PDF'></button><img alt='Figur: andelen økte'></body></html>")
    texts = reader_texts(html)
    assert "Synlig tekst." in texts and "Search the book" in texts and "Print to PDF" in texts
    assert not any("hidden" in t or "var the" in t for t in texts)
    assert english_on_page("x", html) == ["x: «Search the book» (the)"]


# --- the data package's reader-facing texts -------------------------------------------------------------

# (file, column) of every text the book shows from the data package as it is written (codes are shown by
# their labels from the labels_*.csv files, which are checked the same way).
READER_TEXTS = [("indicators.csv", "note_nb"), ("errata.csv", "what_nb"), ("errata.csv", "follows"),
                ("errata.csv", "explanation"), ("series.csv", "description"), ("series.csv", "label"),
                ("revisions.csv", "reason")] + [
    (p.name, "label") for p in sorted(DATA.glob("labels_*.csv"))]


@pytest.mark.parametrize("file,column", READER_TEXTS, ids=[f"{f}:{c}" for f, c in READER_TEXTS])
def test_reader_facing_texts_of_the_data_are_bokmal(file, column):
    with open(DATA / file, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    english = [f"{file}:{i + 2}: {column}: {[m.group(1) for m in english_words(r[column])]} in «{r[column][:90]}…»"
               for i, r in enumerate(rows) if english_words(r[column])]
    assert rows and not english, "\n".join(english)


def test_every_indicator_has_a_note_for_readers_and_keeps_the_maintainers_note():
    frames = validate(DATA)
    cat = frames["indicators"]
    assert cat["note_nb"].notna().all() and cat["note"].notna().all()
    # the reader's note states the same facts: every number of the maintainers' note (levels, years, line
    # references, footnotes), and no other
    for r in cat.itertuples():
        numbers_en, numbers_nb = set(NUMBER.findall(r.note)), set(NUMBER.findall(r.note_nb))
        assert numbers_en == numbers_nb, (r.id, sorted(numbers_en ^ numbers_nb))


@pytest.mark.parametrize("file,column,header_only", [("indicators.csv", "note_nb", False),
                                                     ("errata.csv", "what_nb", False),
                                                     ("errata.csv", "explanation", False),
                                                     ("indicators.csv", "note_nb", True)])
def test_an_empty_or_missing_reader_text_is_reported_with_file_and_line(tmp_path, file, column, header_only):
    for f in DATA.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    with open(tmp_path / file, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    at = rows[0].index(column)
    if header_only:
        rows = [r[:at] + r[at + 1:] for r in rows]
    else:
        rows[3][at] = ""
    write_csv(tmp_path / file, rows)
    with pytest.raises(DataValidationError) as info:
        validate(tmp_path)
    problems = [str(p).replace(f"{tmp_path}/", "") for p in info.value.problems]
    if header_only:
        assert f"{file}:1: missing column(s): {column}" in problems
    else:
        assert problems == [f"{file}:4: column '{column}': required value is empty"]


# --- the built book, both editions ---------------------------------------------------------------------


@pytest.mark.book
@pytest.mark.parametrize("as_of", [2020, 2018])
def test_the_built_pages_are_bokmal(built_book, as_of):
    html = built_book(as_of)
    pages = [p for p in html.rglob("*.html") if "_static" not in p.parts]
    assert len(pages) >= 19
    found = english_in_book(html)
    assert not found, f"{len(found)} English words on the pages (as of {as_of}):\n" + "\n".join(found[:200])


def figure_texts(html_dir: Path) -> dict[str, set[str]]:
    """The texts drawn in each figure (titles, axis labels, ticks, legends, source lines): matplotlib's SVG
    keeps each text as a comment beside its glyphs, or as a <text> element when fonts are not outlined."""
    out = {}
    for path in sorted((html_dir / "_images").glob("*.svg")):
        svg = path.read_text(encoding="utf-8")
        texts = set(re.findall(r"<!-- (.*?) -->", svg))
        texts |= {re.sub(r"<[^>]+>", " ", t) for t in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, flags=re.S)}
        out[path.name] = {" ".join(t.split()) for t in texts if t.strip()}
    return out


@pytest.mark.book
@pytest.mark.parametrize("as_of", [2020, 2018])
def test_the_figures_are_bokmal(built_book, as_of):
    figures = figure_texts(built_book(as_of))
    assert figures and sum(map(len, figures.values())) > 100  # the texts were found
    english = [f"{name}: «{text}»" for name, texts in figures.items() for text in sorted(texts) if english_words(text)]
    assert not english, "\n".join(english)
