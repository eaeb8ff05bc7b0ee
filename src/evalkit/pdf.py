"""The print edition: one PDF of the whole book, made from the built HTML pages of the stage before the
book is published, by Debian's Chromium (DevTools ``Page.printToPDF``, driven through chromedriver).

The print page is composed from the web pages themselves (each page's article, in ``_toc.yml``'s order,
under its part's caption), so its text, tables and figures are the web book's. Composing it makes the
pages one document: ids that repeat across pages (section ids, the bibliography's ``id1``, …) are made
unique and every link between pages becomes a link inside the PDF; links to pages that are not printed
(the indicator pages under ``indikatorer/``, downloads) keep their text and lose their target; headings
move one level down under the part captions, so the PDF's outline is parts > chapters > sections;
every ``<details>`` is opened; wide tables are marked for landscape pages; body text gets soft hyphens
for bokmål (Pyphen's nb_NO patterns: Chromium has no hyphenation dictionaries offline).

Chromium prints it twice: the first PDF tells on which page each chapter starts (its named
destinations, read with poppler's ``pdfinfo -dests``), the second carries those page numbers in the
table of contents. The result is a tagged PDF (structure tree, ``/Lang nb``) with an outline from the
headings; pypdf then sets the title, author and subject, and removes the dates and the random file
identifier so that two builds of the same book write the same bytes.
"""

from __future__ import annotations

import base64
import csv
import html
import os
import posixpath
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urldefrag, urlparse

from .build import BuildError

PDF_FOLDER = "pdf"  # inside the published HTML (the front page links to it); <out>/pdf links there
PDF_NAME = "opptrappingsplanen-rus.pdf"
PRINT_CSS = ["_static/evalkit.css", "_static/print.css"]  # in the built HTML's _static, in this order
WEB_ONLY = "indikatorer"  # pages under this folder (one per indicator) are on the web only
WIDE_COLUMNS = 7  # a table with more columns than this gets a landscape page
HEADING = re.compile(r"h[1-6]")
SHY = "\u00ad"


class PDFError(BuildError):
    """The print edition could not be made; the message says why (a failed build: nothing is published)."""


@dataclass
class Page:
    docname: str  # chapters/05_hovedmal1
    part: str | None  # the caption of its part in _toc.yml (None before the first part)

    @property
    def anchor(self) -> str:
        return "side-" + self.docname.replace("/", "-")


def printed_pages(root: Path) -> list[Page]:
    """The pages of ``_toc.yml`` in reading order with their part, leaving out the web-only pages."""
    from sphinx_external_toc.parsing import parse_toc_yaml

    site = parse_toc_yaml(root / "_toc.yml")
    found: list[Page] = []

    def walk(docname: str, part: str | None) -> None:
        if docname.split("/")[0] != WEB_ONLY:
            found.append(Page(docname, part))
        for tree in site[docname].subtrees:
            for item in tree.items:
                if isinstance(item, str):  # a docname (globs and URLs are not pages)
                    walk(item, tree.caption if docname == site.root.docname else part)

    walk(site.root.docname, None)
    return found


# --------------------------------------------------------------------------------------------------
# The print page


def _soup(text: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(text, "html.parser")


def _hyphenate(article, hyphenator) -> None:
    """Soft hyphens in the words of running text (paragraphs and list items, not tables or headings)."""
    from bs4 import NavigableString

    word = re.compile(r"[^\W\d_]{7,}")
    for block in article.find_all(["p", "li", "dd"]):
        if block.find_parent(["table", "pre", "code"]) or block.find_parent(HEADING):
            continue
        for text in block.find_all(string=True):
            if type(text) is NavigableString and text.parent.name not in ("code", "pre", "style", "script"):
                new = word.sub(lambda m: hyphenator.inserted(m.group(0), hyphen=SHY), str(text))
                if new != text:
                    text.replace_with(new)


class Composer:
    """The print page: the built pages' articles with unique ids, internal links and print marks."""

    def __init__(self, html_dir: Path, pages: list[Page], print_dir: Path):
        self.html_dir, self.pages, self.print_dir = html_dir, pages, print_dir
        self.printed = {p.docname: p for p in pages}
        self.ids: dict[tuple[str, str], str] = {}  # (docname, id on its web page) -> id in the print page

    def article(self, page: Page):
        """The page's article element (only it is parsed: the theme's navigation is most of a page)."""
        path = self.html_dir / f"{page.docname}.html"
        if not path.is_file():
            raise PDFError(f"the built book has no {path.relative_to(self.html_dir)} (named in _toc.yml)")
        text = path.read_text(encoding="utf-8")
        start = text.find('<article class="bd-article"')
        end = text.find("</article>", start)
        if start < 0 or end < 0:
            raise PDFError(f"{path.relative_to(self.html_dir)} has no article element to print")
        return _soup(text[start:end + len("</article>")]).article

    def unique_ids(self, page: Page, article, seen: set[str]) -> None:
        """Give every id of *article* that an earlier page used already a page prefix (also in the
        page's own style rules, which select table cells by id)."""
        renamed = {}
        for el in article.find_all(id=True):
            old = el["id"]
            new = old if old not in seen else f"{page.anchor}--{old}"
            seen.add(new)
            self.ids[(page.docname, old)] = new
            if new != old:
                el["id"], renamed[old] = new, new
        if renamed:
            names = "|".join(map(re.escape, sorted(renamed, key=len, reverse=True)))
            pattern = re.compile(f"#({names})" + r"(?![\w-])")
            for style in article.find_all("style"):
                style.string = pattern.sub(lambda m: "#" + renamed[m.group(1)], style.string or "")

    def relink(self, page: Page, article) -> None:
        folder = posixpath.dirname(page.docname)
        for a in article.find_all("a", href=True):
            href = a["href"]
            if urlparse(href).scheme:
                continue  # an address on the web: kept
            path, fragment = urldefrag(href)
            target = page.docname if not path else posixpath.normpath(posixpath.join(folder, path))
            target = target[:-5] if target.endswith(".html") else target
            if target in self.printed:
                inside = self.ids.get((target, fragment), fragment) if fragment else self.printed[target].anchor
                a["href"] = "#" + inside
            else:  # a web-only page or a download: the text stays, the link goes
                del a["href"]
                a["class"] = [*a.get("class", []), "web-only"]
        for el in article.find_all(src=True):  # images: from the page's folder to the print page's
            src = el["src"]
            if not urlparse(src).scheme and not src.startswith("data:"):
                absolute = (self.html_dir / folder / src).resolve()
                el["src"] = os.path.relpath(absolute, self.print_dir.resolve())

    def print_marks(self, article, hyphenator) -> None:
        for el in article.select("a.headerlink, script, button, .toggle-details__summary-marker"):
            el.decompose()
        for details in article.find_all("details"):
            details["open"] = ""
        for h in article.find_all(HEADING):  # under the part captions (h1)
            h.name = f"h{min(6, int(h.name[1]) + 1)}"
        for table in article.find_all("table"):
            first = table.find("tr")
            columns = sum(int(c.get("colspan", 1)) for c in first.find_all(["th", "td"])) if first else 0
            if columns > WIDE_COLUMNS and not table.find_parent(class_="print-wide"):
                table.wrap(_soup("<div class='print-wide'></div>").div)
        for img in article.find_all("img"):
            img["loading"] = "eager"
        if hyphenator is not None:
            _hyphenate(article, hyphenator)

    def compose(self, hyphenator) -> tuple[str, dict[str, str]]:
        """The body of the print page, and each page's title (its first heading) by anchor."""
        articles = [(page, self.article(page)) for page in self.pages]
        titles = {}
        for page, article in articles:
            heading = article.find(HEADING)
            if heading is None:
                raise PDFError(f"{page.docname} has no heading")
            for link in heading.select("a.headerlink"):
                link.decompose()
            titles[page.anchor] = heading.get_text(" ", strip=True)
        seen: set[str] = {p.anchor for p in self.pages}
        for page, article in articles:
            self.unique_ids(page, article, seen)
        out, part = [], None
        for page, article in articles:
            self.relink(page, article)
            self.print_marks(article, hyphenator)
            if page.part != part:
                if part is not None:
                    out.append("</section>")
                if page.part is not None:
                    out.append('<section class="print-part">'
                               f'<h1 class="print-part-title">{html.escape(page.part)}</h1>')
                part = page.part
            out.append(f'<section class="print-chapter" id="{page.anchor}">{article.decode_contents()}</section>')
        if part is not None:
            out.append("</section>")
        return "\n".join(out), titles


@dataclass
class Edition:
    """What the cover says: the book's title, author, edition and the data package it was computed from."""

    title: str
    author: str
    as_of: int
    data_digest: str  # evalkit.keys.tree_digest of the data package
    release: dict | None  # the last row of data/releases.csv

    @classmethod
    def of(cls, stage: Path, as_of: int, data_dir: Path) -> Edition:
        import yaml

        from .keys import tree_digest

        config = yaml.safe_load((stage / "_config.yml").read_text(encoding="utf-8")) or {}
        releases = data_dir / "releases.csv"
        rows = list(csv.DictReader(releases.open(encoding="utf-8"))) if releases.is_file() else []
        return cls(str(config.get("title") or "Evaluering"), str(config.get("author") or "evalkit"), as_of,
                   tree_digest([data_dir], data_dir), rows[-1] if rows else None)

    @property
    def pdf_title(self) -> str:
        return f"{self.title} (utgave {self.as_of})"


def cover_html(edition: Edition) -> str:
    release = ""
    if edition.release:
        r = edition.release
        release = (f"<p>Siste utgivelse av datapakken: nr. {html.escape(r['edition'])} "
                   f"({html.escape(r['date'])}, commit <code>{html.escape(r['commit'][:12])}</code>).</p>")
    return f"""<div class="print-cover">
<h1 class="print-title">{html.escape(edition.title)}</h1>
<p class="print-edition">Utgave {edition.as_of}: tall til og med {edition.as_of}</p>
<div class="print-provenance">
<p>Alle tall, tabeller og figurer er beregnet fra datapakken, innholdshash (SHA-256)
<code>{edition.data_digest[:16]}</code>.</p>
{release}
</div>
</div>"""


def contents_html(pages: list[Page], titles: dict[str, str], web_only: int) -> str:
    """The table of contents: parts and chapters, each with a page number to fill in after the first
    print (a placeholder of three digits' width until then)."""
    rows, part = [], None
    for page in pages:
        if page.part != part and page.part is not None:
            rows.append(f'<li class="toc-part">{html.escape(page.part)}</li>')
        part = page.part
        rows.append(f'<li class="toc-chapter"><a href="#{page.anchor}"><span class="toc-title">'
                    f'{html.escape(titles[page.anchor])}</span><span class="toc-page" data-for="{page.anchor}">'
                    "000</span></a></li>")
    note = ""
    if web_only:
        note = (f'<p class="print-note">Nettboken har i tillegg {web_only} sider med én indikator hver. '
                "De er bare på nettet: tallene på dem står også i kapitlenes indikatortabeller og i vedlegget "
                "med indikatorkatalogen, og så mange enkeltsider ville gjort den trykte utgaven mye lengre "
                "uten å gi nye tall.</p>")
    return f'<nav class="print-toc"><h2>Innhold</h2><ol>{"".join(rows)}</ol>{note}</nav>'


def print_page(html_dir: Path, print_dir: Path, edition: Edition, pages: list[Page], *,
               hyphenate: bool = True) -> Path:
    """Write the print page (``print_dir/index.html``) and return its path."""
    hyphenator = None
    if hyphenate:
        import pyphen

        hyphenator = pyphen.Pyphen(lang="nb_NO")
    body, titles = Composer(html_dir, pages, print_dir).compose(hyphenator)
    web_only = len([p for p in (html_dir / WEB_ONLY).glob("*.html") if p.stem != "index"])
    css = "".join(f'<link rel="stylesheet" href="{os.path.relpath(html_dir / c, print_dir)}">' for c in PRINT_CSS)
    page = (f'<!DOCTYPE html>\n<html lang="nb"><head><meta charset="utf-8">'
            f"<title>{html.escape(edition.pdf_title)}</title>"
            f'<meta name="author" content="{html.escape(edition.author)}">{css}</head>\n'
            f'<body class="print-book">{cover_html(edition)}\n{contents_html(pages, titles, web_only)}\n'
            f"<main>{body}</main></body></html>\n")
    print_dir.mkdir(parents=True, exist_ok=True)
    target = print_dir / "index.html"
    target.write_text(page, encoding="utf-8")
    return target


# --------------------------------------------------------------------------------------------------
# Chromium

PRINT_OPTIONS = {"printBackground": True, "preferCSSPageSize": True, "generateTaggedPDF": True,
                 "generateDocumentOutline": True, "displayHeaderFooter": False}
READY = """
const done = arguments[arguments.length - 1];
const images = Array.from(document.images).map(img => img.complete ? null :
  new Promise(ok => { img.onload = ok; img.onerror = ok; }));
Promise.all([document.fonts.ready, ...images]).then(() =>
  done(Array.from(document.images).filter(img => !img.naturalWidth).map(img => img.getAttribute('src'))));
"""


class Chromium:
    """Debian's headless Chromium through chromedriver (nothing is downloaded)."""

    def __enter__(self) -> Chromium:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        browser, driver = shutil.which("chromium"), shutil.which("chromedriver")
        if not (browser and driver):
            raise PDFError("the PDF needs Debian's chromium and chromium-driver (make book installs them)")
        options = webdriver.ChromeOptions()
        options.binary_location = browser
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-extensions", "--disable-component-update", "--no-first-run",
                     "--allow-file-access-from-files"):
            options.add_argument(flag)
        self.driver = webdriver.Chrome(service=Service(executable_path=driver), options=options)
        self.driver.set_script_timeout(60)
        return self

    def __exit__(self, *exc) -> None:
        self.driver.quit()

    def load(self, page: Path) -> None:
        """Open the print page and wait for its fonts and images."""
        self.driver.get(page.resolve().as_uri())
        missing = self.driver.execute_async_script(READY)
        if missing:
            raise PDFError(f"images did not load in the print page: {', '.join(missing[:5])}")

    def number_contents(self, pages: dict[str, int]) -> list[str]:
        """Write each chapter's page into the table of contents; return the anchors without one."""
        return self.driver.execute_script(FILL_CONTENTS, pages)

    def print(self) -> bytes:
        return base64.b64decode(self.driver.execute_cdp_cmd("Page.printToPDF", PRINT_OPTIONS)["data"])


FILL_CONTENTS = """
const pages = arguments[0], missing = [];
for (const span of document.querySelectorAll('.toc-page[data-for]')) {
  const page = pages[span.dataset.for];
  if (page === undefined) missing.push(span.dataset.for); else span.textContent = String(page);
}
return missing;
"""


def destinations(pdf: bytes, scratch: Path) -> dict[str, int]:
    """The page of each named destination (Chromium writes one for every link target)."""
    scratch.write_bytes(pdf)
    proc = subprocess.run(["pdfinfo", "-dests", str(scratch)], capture_output=True, text=True)
    scratch.unlink()
    if proc.returncode != 0:
        raise PDFError(f"pdfinfo -dests failed on the first print: {proc.stderr.strip()}")
    found = {}
    for line in proc.stdout.splitlines():
        m = re.match(r'\s*(\d+)\s+\[.*\]\s+"(.*)"\s*$', line)
        if m:
            found[m.group(2)] = int(m.group(1))
    return found


def _pdf_text(text: str) -> bytes:
    """A PDF text string (UTF-16BE with its byte-order mark, as hex)."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def finish(data: bytes, edition: Edition) -> bytes:
    """Chromium's PDF with the document information the issue asks for: title, author and subject (the
    language, ``nb``, is Chromium's, from the page). Chromium dates the file and names the tag tree's
    elements by its DOM node numbers, which differ from run to run: the dates are blanked in place (a
    dictionary may hold spaces) and the names numbered in order of appearance (same width), so the same
    book gives the same bytes. The new information
    dictionary is appended as an incremental update (PDF 1.4, 7.5.6): a new object, a cross-reference
    section for it and a trailer pointing back at the old one. (pypdf can do this too, but reads the
    document's 13 000 objects first: 6.5 s for the whole book, against milliseconds here.)"""
    for key in (rb"/CreationDate", rb"/ModDate"):
        data = re.sub(key + rb" \((?:[^()\\]|\\.)*\)", lambda m: b" " * len(m.group(0)), data, count=1)
    ids: dict[bytes, int] = {}  # the tag tree's element ids are Chromium's DOM node numbers: numbered anew
    data = re.sub(rb"\(node(\d{8})\)", lambda m: b"(node%08d)" % ids.setdefault(m.group(1), len(ids)), data)
    trailer = data[data.rindex(b"trailer"):]
    size = int(re.search(rb"/Size (\d+)", trailer).group(1))
    root = re.search(rb"/Root (\d+ \d+ R)", trailer).group(1)
    previous = int(re.search(rb"startxref\s+(\d+)", trailer).group(1))
    if not data.endswith(b"\n"):
        data += b"\n"
    info = (b"/Title " + _pdf_text(edition.pdf_title) + b" /Author " + _pdf_text(edition.author)
            + b" /Subject " + _pdf_text(f"Beregnet fra datapakken {edition.data_digest[:16]}")
            + b" /Creator (evalkit, Chromium Page.printToPDF) /Producer (Skia/PDF)")
    obj_at = len(data)
    data += b"%d 0 obj\n<< %s >>\nendobj\n" % (size, info)
    xref_at = len(data)
    data += b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \n" % (size, obj_at)
    data += b"trailer\n<< /Size %d /Root %s /Info %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        size + 1, root, size, previous, xref_at)
    return data


def make_pdf(stage: Path, html_dir: Path, *, as_of: int, data_dir: Path, log=print) -> Path:
    """Print the built book in *html_dir* (the stage's, before it is published) to
    ``html_dir/pdf/PDF_NAME`` and return its path; raises :class:`PDFError`."""
    t0 = time.perf_counter()
    if not shutil.which("pdfinfo"):
        raise PDFError("the PDF needs poppler's pdfinfo (Debian's poppler-utils; make book installs it)")
    edition = Edition.of(stage, as_of, data_dir)
    pages = printed_pages(stage)
    print_dir = stage / "_build" / "print"
    try:
        page = print_page(html_dir, print_dir, edition, pages)
        with Chromium() as chromium:
            chromium.load(page)
            found = destinations(chromium.print(), print_dir / "first.pdf")
            missing = chromium.number_contents(found)
            if missing:
                raise PDFError(f"the first print has no page for {', '.join(missing)}")
            data = chromium.print()
    finally:
        shutil.rmtree(print_dir, ignore_errors=True)
    target = html_dir / PDF_FOLDER / PDF_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(finish(data, edition))
    log(f"PDF of {len(pages)} pages of the book written in {time.perf_counter() - t0:.1f} s "
        f"({target.stat().st_size // 1024} KiB)")
    return target


def link_pdf(out: Path) -> Path:
    """``out/pdf``: a link into the published HTML's PDF folder, so it changes with the book, atomically."""
    link = out / PDF_FOLDER
    want = Path("html") / PDF_FOLDER
    if link.is_symlink() and Path(os.readlink(link)) == want:
        return link
    tmp = out / f".pdf-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(want, target_is_directory=True)
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)
    os.replace(tmp, link)
    return link


def published_pdf(out: Path) -> Path | None:
    """The published book's PDF, if it has one."""
    path = out / "html" / PDF_FOLDER / PDF_NAME
    return path if path.is_file() else None


__all__ = ["PDFError", "PDF_FOLDER", "PDF_NAME", "link_pdf", "make_pdf", "printed_pages", "published_pdf"]
