"""The built book in a real browser (Debian's headless Chromium, driven by Selenium through Debian's
chromedriver; nothing is downloaded): every page loads without console errors, tables and figures are
visible, and a screenshot of each chapter is saved under the build folder. Internal links are checked
offline."""

import functools
import http.server
import shutil
import threading
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest
from bs4 import BeautifulSoup

from .test_book import PAGES

pytestmark = pytest.mark.book

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")


@pytest.fixture(scope="module")
def site(built_book):
    html = built_book(2020)
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(html.resolve()))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield html, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM and DRIVER):
        pytest.fail("chromium and chromedriver are needed (make test installs Debian's packages)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    yield driver
    driver.quit()


def test_pages_in_the_browser(site, browser):
    from selenium.webdriver.common.by import By

    html, base = site
    shots = html.parent / "screenshots"  # the build folder (html is its published link)
    shots.mkdir(exist_ok=True)
    problems = []
    for page in PAGES:
        browser.get(f"{base}/{page}.html")
        errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        problems += [f"{page}: console: {m}" for m in errors]
        main = browser.find_element(By.TAG_NAME, "main")
        # a table inside a closed <details> (an area's full table) is hidden until the reader opens it
        for table in main.find_elements(By.CSS_SELECTOR, "table.evalkit-table:not(details:not([open]) table)"):
            if not (table.is_displayed() and table.size["height"] > 20):
                problems.append(f"{page}: a table is not visible")
        for img in main.find_elements(By.TAG_NAME, "img"):
            loaded = browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", img)
            if not (loaded and img.is_displayed()):
                problems.append(f"{page}: figure {img.get_attribute('src')} not shown")
        height = browser.execute_script("return document.body.scrollHeight")
        browser.set_window_size(1400, min(max(height, 1000), 12000))
        browser.save_screenshot(str(shots / f"{page.replace('/', '_')}.png"))
        browser.set_window_size(1400, 1000)
    assert not problems, "\n".join(problems)
    assert len(list(shots.glob("*.png"))) == len(PAGES)


def test_internal_links_resolve(built_book):
    html = built_book(2020).resolve()
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
