"""The built book in a real browser, both editions (Debian's headless Chromium through Selenium; see
tests/browser.py): every page loads without console errors, its tables and figures are shown, and a
screenshot of every chapter at 1280 px and at 390 px is saved under the build folder. Internal links are
checked offline."""

import struct
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest
from bs4 import BeautifulSoup

from .browser import PAGE_HEIGHT, SCREENSHOT_EDITIONS, WIDTHS, chapters

pytestmark = pytest.mark.book

EDITIONS = [2020, 2018]


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


@pytest.mark.parametrize("as_of", EDITIONS)
def test_pages_in_the_browser(visited, as_of):
    problems = []
    for page, visit in visited(as_of).items():
        problems += [f"{page}: console: {m}" for m in visit.console]
        problems += [f"{page}: {what} is not shown" for what in visit.hidden]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("as_of", SCREENSHOT_EDITIONS)
def test_screenshots_of_every_chapter(visited, as_of):
    visits = visited(as_of)
    for page in chapters():
        for name, width in WIDTHS.items():
            png = visits[page].screenshots[name]
            w, h = png_size(png)
            assert w == width and h >= PAGE_HEIGHT, f"{page} at {width} px: {png} is {w} x {h}"


@pytest.mark.parametrize("as_of", EDITIONS)
def test_internal_links_resolve(built_book, as_of):
    html = built_book(as_of).resolve()
    ids: dict[Path, set[str]] = {}

    def anchors(path: Path) -> set[str]:
        if path not in ids:
            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            ids[path] = {t["id"] for t in soup.find_all(id=True)}
        return ids[path]

    broken = []
    for page in html.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for a in soup.find_all("a", href=True):
            href = a["href"]
            if urlparse(href).scheme or href.startswith(("mailto:", "javascript:")):
                continue
            target, fragment = urldefrag(href)
            path = (page.parent / unquote(target)).resolve() if target else page
            if path.is_dir():
                path = path / "index.html"
            if not path.is_file():
                broken.append(f"{page.relative_to(html)}: {href} (no such file)")
            elif fragment and path.suffix == ".html" and unquote(fragment) not in anchors(path):
                broken.append(f"{page.relative_to(html)}: {href} (no such anchor)")
    assert not broken, "\n".join(broken[:30])
