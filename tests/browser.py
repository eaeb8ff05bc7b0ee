"""The built book in Debian's headless Chromium (driven by Selenium through Debian's chromedriver; nothing
is downloaded), shared by tests/test_browser.py and tests/test_accessibility.py: one browser for the
session, one local HTTP server per edition, and one visit of every page per edition that records what
those tests check (console errors, what is not shown, axe-core's findings, interactive elements the
keyboard cannot reach) and saves a screenshot of every chapter at 1280 px and at 390 px.

The fixtures are imported by tests/conftest.py, so both test modules share them."""

from __future__ import annotations

import base64
import functools
import http.server
import json
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"  # installed by `make test` (npm ci)
# axe-core's tags for the success criteria of WCAG 2.0 and 2.1, levels A and AA.
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
WIDTHS = {"desktop": 1280, "phone": 390}  # screenshot widths: a laptop and a phone (iPhone 12-15)
# The edition photographed (the 2018 edition's pages are checked by axe and the console alike; their
# layout is the same templates', and its screenshots cost make test minutes)
SCREENSHOT_EDITIONS = (2020,)
PAGE_HEIGHT = 900  # the viewport's height while a page is checked
# A screenshot shows a page down to this many pixels: the long appendices (Vedlegg A is 31 000 px at
# 1280 px, far more on a phone) cost seconds each to capture and are read on screen, not in a picture.
SHOT_HEIGHT = 6000
# The screenshots stay after the run (pytest's temporary folders are removed three runs later).
SCREENSHOTS = ROOT / "_build" / "screenshots"


def axe_version() -> str:
    """The axe-core version package-lock.json pins (what `npm ci` installs)."""
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    return lock["packages"]["node_modules/axe-core"]["version"]


@dataclass
class Site:
    html: Path  # the built book's HTML folder (resolved)
    base: str  # its URL on the local server

    def url(self, page: str) -> str:
        return f"{self.base}/{page}"


@dataclass
class Visit:
    """What one page showed in the browser."""
    console: list[str] = field(default_factory=list)  # SEVERE console messages
    hidden: list[str] = field(default_factory=list)  # tables or figures that are not shown
    violations: list[dict] = field(default_factory=list)  # axe-core: {id, impact, help, target}
    unreachable: list[str] = field(default_factory=list)  # clickable elements the keyboard cannot reach
    screenshots: dict[str, Path] = field(default_factory=dict)  # width name -> PNG


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the session (a 1280 x 900 viewport unless a test changes it)."""
    if not (CHROMIUM and DRIVER):
        pytest.fail("chromium and chromedriver are needed (make test installs Debian's packages)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--window-size={WIDTHS['desktop']},{PAGE_HEIGHT}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    driver.set_script_timeout(120)
    viewport(driver, WIDTHS["desktop"])
    yield driver
    driver.quit()


def viewport(driver, width: int, height: int = PAGE_HEIGHT) -> None:
    """Lay the page out at *width* CSS pixels (a phone's, with its viewport rules, below 500)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})


@pytest.fixture(scope="session")
def served(built_book):
    """``served(as_of)``: the built book of that edition on a local HTTP server."""
    sites: dict[int, Site] = {}
    servers = []

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    def get(as_of: int) -> Site:
        if as_of not in sites:
            html = built_book(as_of).resolve()
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                     functools.partial(Quiet, directory=str(html)))
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
            sites[as_of] = Site(html, f"http://127.0.0.1:{server.server_address[1]}")
        return sites[as_of]

    yield get
    for server in servers:
        server.shutdown()


# The indicator pages are one template's output: the browser checks those of the representative
# indicators nbval runs (a share with n, a count, money, a series break, an erratum, a retired one)
# and the index page, not all 93 (each costs as much as a chapter).
INDICATOR_PAGES = {f"indikatorer/{i}.html" for i in (33, 11, 3, 15, 25, 17)}


def site_pages(html: Path) -> list[str]:
    """Every HTML page of a built book (relative paths), but the site's entry ``index.html``, which only
    sends the browser on to the first chapter, and the indicator pages beyond INDICATOR_PAGES."""
    return sorted(name for name in (p.relative_to(html).as_posix() for p in html.rglob("*.html"))
                  if name != "index.html"
                  and (not name.startswith("indikatorer/") or name == "indikatorer/index.html"
                       or name in INDICATOR_PAGES))


# Elements a mouse user can click that the Tab key must reach: a negative tabIndex on a shown element
# (a <div onclick>, a role="button" without tabindex, a disabled-looking control) keeps keyboard users out.
UNREACHABLE_JS = """
const out = [];
const clickable = 'a[href], button, summary, input, select, textarea, [onclick], [role=button], [role=link], '
  + '[role=tab], [role=menuitem]';
for (const el of document.querySelectorAll(clickable)) {
  if (el.closest('dialog:not([open]), [hidden], [inert]')) continue;
  const r = el.getBoundingClientRect(), s = getComputedStyle(el);
  if (!r.width || !r.height || s.visibility === 'hidden' || s.display === 'none') continue;
  if (el.tabIndex < 0 || el.disabled) out.push(el.outerHTML.slice(0, 120));
}
return out;
"""

AXE_RUN_JS = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(r => done(r.violations.flatMap(v => v.nodes.map(n => ({
      id: v.id, impact: n.impact || v.impact, help: v.help, target: n.target.join(' ')})))))
  .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), target: ''}]));
"""


# Tables and figures of the page's main part that are not shown (no box, hidden, or an image that did not load);
# a table inside a closed <details> (an area's full table) is hidden until the reader opens it.
HIDDEN_JS = """
const out = [], shown = e => { const r = e.getBoundingClientRect(), s = getComputedStyle(e);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.opacity !== '0'; };
for (const t of document.querySelectorAll('main table'))
  if (!t.closest('details:not([open])') && !(shown(t) && t.getBoundingClientRect().height > 20)) out.push('table ' + (t.id || t.className));
for (const i of document.querySelectorAll('main img'))
  if (!(i.complete && i.naturalWidth > 0 && shown(i))) out.push('figure ' + i.getAttribute('src'));
return out;
"""


def check_page(driver, axe_source: str) -> Visit:
    """Console errors, what is not shown, axe-core's WCAG 2.1 A/AA findings and unreachable controls of
    the page the browser shows."""
    return Visit(console=[e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"],
                 hidden=driver.execute_script(HIDDEN_JS),
                 unreachable=driver.execute_script(UNREACHABLE_JS),
                 violations=driver.execute_async_script(axe_source + "\n" + AXE_RUN_JS, list(WCAG_TAGS)))


def screenshot(driver, width: int, path: Path) -> Path:
    """The page at *width* as a PNG, down to SHOT_HEIGHT pixels: the viewport is as tall as the picture,
    so nothing sticky repeats."""
    viewport(driver, width)
    if width != WIDTHS["desktop"]:  # a page loaded at a laptop's width keeps that layout: load it again
        driver.refresh()
    height = driver.execute_script("return Math.max(document.documentElement.scrollHeight, 400)")
    height = min(height, SHOT_HEIGHT)
    viewport(driver, width, height)
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "optimizeForSpeed": True})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def chapters() -> list[str]:
    """The book's pages in reading order, as the built site names them (``chapters/05_hovedmal1.html``)."""
    from evalkit.build import pages

    return [p.relative_to(ROOT).with_suffix(".html").as_posix() for p in pages(ROOT)]


@pytest.fixture(scope="session")
def visited(chromium, served):
    """``visited(as_of)``: every page of that edition checked once (see check_page), and every chapter
    of SCREENSHOT_EDITIONS photographed at each width of WIDTHS into SCREENSHOTS/as-of-<edition>/<width>/
    (emptied first)."""
    if not AXE.is_file():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: run `make test` (it runs npm ci) or npm ci")
    axe_source = AXE.read_text(encoding="utf-8")
    done: dict[int, dict[str, Visit]] = {}

    book = set(chapters())

    def get(as_of: int) -> dict[str, Visit]:
        if as_of not in done:
            site, start = served(as_of), time.monotonic()
            shots = SCREENSHOTS / f"as-of-{as_of}"
            shutil.rmtree(shots, ignore_errors=True)
            visits = {}
            for page in site_pages(site.html):
                viewport(chromium, WIDTHS["desktop"])
                chromium.get(site.url(page))
                visits[page] = check_page(chromium, axe_source)
                if page in book and as_of in SCREENSHOT_EDITIONS:
                    for name, width in WIDTHS.items():
                        png = shots / str(width) / f"{page.removesuffix('.html').replace('/', '_')}.png"
                        visits[page].screenshots[name] = screenshot(chromium, width, png)
            viewport(chromium, WIDTHS["desktop"])
            print(f"\n{as_of} edition: {len(visits)} pages checked in {time.monotonic() - start:.1f} s; "
                  f"screenshots in {shots}")
            done[as_of] = visits
        return done[as_of]

    return get
