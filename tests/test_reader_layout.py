"""What a reader sees of each chapter's indicators, measured in Debian's headless Chromium: the verdict
table fits the text column at 1024 and 1280 px with no sideways scrolling of it or the page; on a
390 px phone every row still shows the indicator's number, name and colour symbol inside the screen;
the full table opens from the keyboard and scrolls inside its own box. Both editions. (The screenshots of
every chapter at 1280 and 390 px are saved by the shared visit in tests/browser.py.)"""

import pytest

from .test_book import AREA_PAGE, FRAMES, VOCAB, page_of
from .browser import viewport

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
def site(request, served):
    """Each edition's book on the shared local server (tests/browser.py)."""
    found = served(request.param)
    return found.html, found.base


@pytest.fixture
def browser(chromium):
    """The session's Chromium, back at a laptop's width after the test."""
    yield chromium
    viewport(chromium, 1280)


def load(driver, base, page, width):
    viewport(driver, width)
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
    problems, seen = [], 0
    for page in PAGES:
        width = load(browser, base, page, 390)
        assert width <= 400
        for row in browser.execute_script(ROWS):
            seen += 1
            if not (row["number"].isdigit() and row["numberShown"] and row["name"] and row["nameShown"]
                    and row["colourShown"] and row["colour"].split()[0] in SYMBOLS):
                problems.append(f"{page}: row {row}")
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
