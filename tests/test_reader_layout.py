"""What a reader sees of each chapter's indicators, measured in Debian's headless Chromium: the verdict
table fits the text column at 1024 and 1280 px with no sideways scrolling of it or the page; on a
390 px phone every row still shows the indicator's number, name and colour symbol inside the screen;
the full table opens from the keyboard and scrolls inside its own box. Both editions. Screenshots of every chapter
with a verdict table, at 1280 and 390 px, are saved under the build folder (screenshots-reader/)."""

import pytest

from .test_book import AREA_PAGE, FRAMES, VOCAB, page_of
from . import test_browser
from .test_browser import browser  # noqa: F401  (a fixture)

pytestmark = pytest.mark.book

PAGES = sorted({*AREA_PAGE.values(), page_of("kapasitet")})
SYMBOLS = [c.symbol for c in VOCAB.colours.values()]

MEASURE = """
return [...document.querySelectorAll('main table[data-verdict]')].map(t => {
  const box = t.parentElement.getBoundingClientRect(), r = t.getBoundingClientRect();
  return {name: t.dataset.verdict, scroll: t.scrollWidth, width: r.width, right: r.right,
          column: t.parentElement.clientWidth, columnRight: box.right};
});"""

ROWS = """
const inside = e => { const r = e.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= window.innerWidth; };
return [...document.querySelectorAll('main table[data-verdict] tbody tr')].map(tr => {
  const cells = tr.querySelectorAll('th, td'), colour = tr.querySelector('.evalkit-colour');
  return {number: cells[0].innerText.trim(), numberShown: inside(cells[0]), nameShown: inside(cells[1]),
          name: cells[1].innerText.trim(), colour: colour ? colour.innerText : '',
          colourShown: !!colour && inside(colour)};
});"""


@pytest.fixture(scope="module", params=[2020, 2018], ids=["as-of-2020", "as-of-2018"])
def site(request, built_book):
    """Each edition's book served over HTTP, by test_browser's server (its fixture serves 2020 only)."""
    yield from test_browser.site.__wrapped__(lambda _: built_book(request.param))


def load(driver, base, page, width):
    driver.set_window_size(width, 900)
    driver.get(f"{base}/{page}.html")
    return driver.execute_script("return window.innerWidth")


@pytest.mark.parametrize("width", [1024, 1280])
def test_verdict_tables_fit_the_column(site, browser, width):
    html, base = site
    problems = []
    for page in PAGES:
        load(browser, base, page, width)
        tables = browser.execute_script(MEASURE)
        assert tables, f"{page}: no verdict table"
        for t in tables:
            if t["scroll"] > t["column"] or t["right"] > t["columnRight"] + 0.5:
                problems.append(f"{page} at {width} px: {t['name']} is {t['scroll']} px in a {t['column']} px column")
        page_width = browser.execute_script("return document.documentElement.scrollWidth")
        if page_width > browser.execute_script("return window.innerWidth"):
            problems.append(f"{page} at {width} px: the page scrolls sideways ({page_width} px)")
    assert not problems, "\n".join(problems)


def test_phone_shows_number_name_and_colour(site, browser):
    html, base = site
    shots = html.parent / "screenshots-reader"   # beside test_browser's screenshots of every page
    shots.mkdir(exist_ok=True)
    problems, seen = [], 0
    for page in PAGES:
        width = load(browser, base, page, 390)
        assert width <= 400
        for row in browser.execute_script(ROWS):
            seen += 1
            if not (row["number"].isdigit() and row["numberShown"] and row["name"] and row["nameShown"]
                    and row["colourShown"] and row["colour"].split()[0] in SYMBOLS):
                problems.append(f"{page}: row {row}")
        for w in (390, 1280):
            load(browser, base, page, w)
            height = browser.execute_script("return document.body.scrollHeight")
            browser.set_window_size(w, min(height, 12000))
            browser.save_screenshot(str(shots / f"reader-{page.split('/')[-1]}-{w}.png"))
    assert not problems, "\n".join(problems)
    active = FRAMES["indicators"]["status"] == "active"
    assert seen == active.sum() + 2   # every active indicator once, and kapasitet's two (4 and 7) again


def test_full_table_opens_from_the_keyboard_and_scrolls_in_its_box(site, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    html, base = site
    load(browser, base, AREA_PAGE["hovedmal1"], 390)
    details = browser.find_element(By.CSS_SELECTOR, "main details.evalkit-details")
    summary = details.find_element(By.TAG_NAME, "summary")
    full = details.find_element(By.CSS_SELECTOR, "table[data-area='hovedmal1']")
    assert not full.is_displayed()
    browser.execute_script("arguments[0].focus()", summary)
    summary.send_keys(Keys.ENTER)
    assert details.get_attribute("open") is not None and full.is_displayed()
    box = details.find_element(By.CSS_SELECTOR, ".evalkit-scroll")
    assert box.get_attribute("tabindex") == "0"
    area = details.find_element(By.XPATH, "..")
    sizes = browser.execute_script("return [arguments[0].scrollWidth, arguments[0].clientWidth, "
                                   "arguments[1].scrollWidth, arguments[1].clientWidth]", box, area)
    assert sizes[0] > sizes[1]           # the full table is wider than a phone: it scrolls in its box,
    assert sizes[2] <= sizes[3]          # and does not push the column wider
