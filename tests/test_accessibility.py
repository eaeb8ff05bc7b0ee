"""WCAG 2.1 AA in the browser, both editions: axe-core (pinned in package-lock.json, injected into Debian's
Chromium) finds no serious or critical violation of the WCAG 2.0/2.1 A and AA rules on any page; every
page declares bokmål and has a title; every table has a caption and header cells with a scope; the
keyboard reaches and operates the skip link, the search, the chapter list (also on a phone) and every
other control, with a visible focus ring. Also the fixes of _ext/accessibility on their own, and the
accessibility statement's facts."""

from __future__ import annotations

import sys
import time
import warnings

import pytest
from bs4 import BeautifulSoup

from .browser import ROOT, WCAG_TAGS, WIDTHS, axe_version, viewport

sys.path.insert(0, str(ROOT / "_ext"))
from accessibility import accessible_body, redirect_page  # noqa: E402

EDITIONS = [2020, 2018]
BLOCKING = {"serious", "critical"}
CHAPTER = "chapters/05_hovedmal1.html"  # a chapter with a table, figures, citations and cross-references
STATEMENT = "chapters/18_tilgjengelighet.html"


class AccessibilityWarning(UserWarning):
    """axe-core's minor and moderate findings: shown in the test summary, not failures."""


def report(findings: list[tuple[str, dict]]) -> str:
    return "\n".join(f"{page}: {v['id']} ({v['impact']}) at {v['target']}: {v['help']}" for page, v in findings)


# --- the fixes on their own ---------------------------------------------------------------------------

def test_every_table_header_cell_gets_a_scope():
    body = ('<table><caption>T</caption><thead><tr><th class="a">Nr.</th><th colspan="2">2016–2017</th>'
            '<th scope="col">Kilde</th></tr></thead><tbody><tr><th>24</th><td>5</td><td>6</td>'
            '<td>FHI</td></tr></tbody></table>')
    assert accessible_body(body) == (
        '<table><caption>T</caption><thead><tr><th scope="col" class="a">Nr.</th>'
        '<th scope="colgroup" colspan="2">2016–2017</th><th scope="col">Kilde</th></tr></thead>'
        '<tbody><tr><th scope="row">24</th><td>5</td><td>6</td><td>FHI</td></tr></tbody></table>')


def test_bibliography_entries_are_list_items():
    body = ('<div role="list" class="citation-list"><div class="citation" id="id2" role="doc-biblioentry">'
            '<p>A</p></div></div>')
    assert accessible_body(body) == ('<div role="list" class="citation-list"><div class="citation" id="id2" '
                                     'role="listitem"><p>A</p></div></div>')


def test_entry_page_has_language_title_and_link():
    soup = BeautifulSoup(redirect_page("chapters/00_intro.html", "Evaluering & mer", "nb-NO", "_static/f.svg"),
                         "html.parser")
    assert soup.html["lang"] == "nb-NO"
    assert soup.title.string == "Evaluering & mer"
    assert soup.find("meta", attrs={"http-equiv": "Refresh"})["content"] == "0; url=chapters/00_intro.html"
    assert soup.find("a")["href"] == "chapters/00_intro.html"
    assert soup.find("link", rel="icon")["href"] == "_static/f.svg"


# --- the check itself ----------------------------------------------------------------------------------

# What the theme wrote before _ext/accessibility (the issue's axe-core findings), in one page: no language,
# no title, a button whose aria-label hides its visible "Ctrl + K", the bibliography's deprecated role in
# a list, and a clickable <div> outside the Tab order.
BROKEN = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><main>
<button class="btn" aria-label="Søk">Søk <kbd>Ctrl</kbd>+<kbd>K</kbd></button>
<div role="list"><div role="doc-biblioentry"><p>Wilson 1927 <a href="#x">x</a></p></div></div>
<div onclick="void 0" style="width: 50px; height: 20px">klikk</div>
</main></body></html>"""


@pytest.mark.book
def test_the_check_finds_what_the_issue_measured(chromium):
    from urllib.parse import quote

    from .browser import AXE, check_page

    chromium.get("data:text/html;charset=utf-8," + quote(BROKEN))
    visit = check_page(chromium, AXE.read_text(encoding="utf-8"))
    assert sorted((v["id"], v["impact"]) for v in visit.violations) == [
        ("aria-deprecated-role", "minor"), ("aria-required-children", "critical"), ("document-title", "serious"),
        ("html-has-lang", "serious"), ("label-content-name-mismatch", "serious")]
    assert visit.unreachable == ['<div onclick="void 0" style="width: 50px; height: 20px">klikk</div>']


# --- the built pages ----------------------------------------------------------------------------------

@pytest.mark.book
@pytest.mark.parametrize("as_of", EDITIONS)
def test_axe_finds_no_serious_violation(visited, as_of):
    findings = [(page, v) for page, visit in visited(as_of).items() for v in visit.violations]
    blocking = [(p, v) for p, v in findings if v["impact"] in BLOCKING]
    others = [(p, v) for p, v in findings if v["impact"] not in BLOCKING]
    if others:
        warnings.warn(AccessibilityWarning(f"axe-core {axe_version()}, {as_of} edition, minor or moderate:\n"
                                           + report(others)))
    assert not blocking, (f"axe-core {axe_version()} ({', '.join(WCAG_TAGS)}), {as_of} edition:\n"
                          + report(blocking))
    assert len(visited(as_of)) >= 20  # every page was checked: the chapters, the index and the search page


@pytest.mark.book
@pytest.mark.parametrize("as_of", EDITIONS)
def test_every_page_declares_bokmal_and_has_a_title(built_book, as_of):
    html = built_book(as_of).resolve()
    problems = []
    for page in sorted(html.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        lang = soup.html.get("lang", "") if soup.html else ""
        if lang.split("-")[0] != "nb":  # nb or nb-NO: Norwegian bokmål (BCP 47)
            problems.append(f"{page.relative_to(html)}: lang={lang!r}")
        if not (soup.title and soup.title.get_text(strip=True)):
            problems.append(f"{page.relative_to(html)}: no title")
    assert not problems, "\n".join(problems)


@pytest.mark.book
@pytest.mark.parametrize("as_of", EDITIONS)
def test_tables_have_captions_and_header_cells(built_book, as_of):
    html = built_book(as_of).resolve()
    problems, tables = [], 0
    for page in sorted(html.rglob("*.html")):
        main = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("main")
        for i, table in enumerate(main.find_all("table") if main else [], 1):
            tables += 1
            where = f"{page.relative_to(html)} table {i}"
            if not (table.caption and table.caption.get_text(strip=True)):
                problems.append(f"{where}: no caption")
            head = table.find("thead")
            if not (head and head.find("th")):
                problems.append(f"{where}: no header row")
            for th in table.find_all("th"):
                wanted = {"col", "colgroup"} if th.find_parent("thead") else {"row", "rowgroup"}
                if th.get("scope") not in wanted:
                    problems.append(f"{where}: header cell {th.get_text(strip=True)!r} has scope={th.get('scope')!r}")
    assert not problems, "\n".join(problems[:40])
    assert tables >= 25  # the area tables, the appendices' tables and the data files' table


@pytest.mark.book
@pytest.mark.parametrize("as_of", EDITIONS)
def test_the_keyboard_reaches_every_control(visited, as_of):
    unreachable = [f"{page}: {html}" for page, visit in visited(as_of).items() for html in visit.unreachable]
    assert not unreachable, "shown and clickable, but not in the Tab order:\n" + "\n".join(unreachable)


# --- the keyboard -------------------------------------------------------------------------------------

FOCUS_JS = """
const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
return {tag: e.tagName, href: e.getAttribute('href') || '', cls: String(e.className),
        nav: !!e.closest('.bd-docs-nav'), main: !!e.closest('#main-content'), dialog: !!e.closest('dialog'),
        outline: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) || 0, shown: r.width > 0 && r.height > 0};
"""


class Keyboard:
    def __init__(self, driver):
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        self.driver, self.chain, self.keys = driver, ActionChains, Keys

    def press(self, key: str) -> dict:
        self.chain(self.driver).send_keys(getattr(self.keys, key, key)).perform()
        return self.focus()

    def focus(self) -> dict:
        return self.driver.execute_script(FOCUS_JS)

    def tab_until(self, wanted, limit: int = 40) -> list[dict]:
        """Press Tab until the focused element satisfies *wanted*; every stop on the way."""
        stops = []
        for _ in range(limit):
            stops.append(self.press("TAB"))
            if wanted(stops[-1]):
                return stops
        raise AssertionError(f"{limit} presses of Tab never reached it; stops: {stops}")


def wait_for(condition, seconds: float = 10.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if value := condition():
            return value
        time.sleep(0.1)
    return condition()


def is_search(stop):
    return "search-button__button" in stop["cls"]


def is_chapter_link(stop):
    return stop["nav"] and stop["href"].endswith(".html")


@pytest.mark.book
@pytest.mark.parametrize("as_of", EDITIONS)
def test_keyboard_walk_through_a_chapter(chromium, served, as_of):
    site, keys = served(as_of), Keyboard(chromium)
    viewport(chromium, WIDTHS["desktop"])
    chromium.get(site.url(CHAPTER))
    stops = keys.tab_until(is_chapter_link)
    stops += keys.tab_until(lambda s: "primary-toggle" in s["cls"])
    # In reading order: the skip link first, then the search, then the chapter list, then the page.
    assert stops[0]["href"] == "#main-content", stops[0]
    assert stops.index(next(filter(is_search, stops))) < stops.index(next(filter(is_chapter_link, stops)))
    no_ring = [s for s in stops if not (s["shown"] and s["outline"] != "none" and s["outlineWidth"] >= 2)]
    assert not no_ring, f"focus without a visible outline: {no_ring}"

    # Enter on the skip link: the next Tab lands in the page's main content.
    chromium.get(site.url(CHAPTER))
    keys.press("TAB")
    keys.press("ENTER")
    assert keys.press("TAB")["main"]

    # Enter on the chapter list's toggle hides the list, and again shows it; focus stays on the toggle.
    chromium.get(site.url(CHAPTER))
    keys.tab_until(lambda s: "primary-toggle" in s["cls"])
    hidden = "return document.getElementById('pst-primary-sidebar').classList.contains('pst-sidebar-hidden')"
    keys.press("ENTER")
    assert wait_for(lambda: chromium.execute_script(hidden))
    assert wait_for(lambda: "primary-toggle" in keys.focus()["cls"])
    keys.press("ENTER")
    assert wait_for(lambda: not chromium.execute_script(hidden))

    # Any <details> opens with Enter.
    for summary in chromium.execute_script("return Array.from(document.querySelectorAll('main details > summary'))"):
        chromium.execute_script("arguments[0].focus()", summary)
        keys.press("ENTER")
        assert chromium.execute_script("return arguments[0].parentElement.open", summary)

    # A chapter link opens its chapter.
    chromium.get(site.url(CHAPTER))
    link = keys.tab_until(lambda s: is_chapter_link(s) and "06_" in s["href"])[-1]
    keys.press("ENTER")
    assert wait_for(lambda: chromium.current_url.endswith(link["href"]))

    # The search: Enter opens the search box with the cursor in it; a word and Enter list the pages.
    chromium.get(site.url(CHAPTER))
    keys.tab_until(is_search)
    stop = keys.press("ENTER")
    assert stop["tag"] == "INPUT" and stop["dialog"], stop
    keys.press("opptrappingsplanen")
    keys.press("ENTER")
    assert wait_for(lambda: chromium.execute_script("return document.querySelectorAll('#search-results li').length"))
    assert "search.html?q=opptrappingsplanen" in chromium.current_url


@pytest.mark.book
@pytest.mark.parametrize("as_of", EDITIONS)
def test_chapter_list_on_a_phone_by_keyboard(chromium, served, as_of):
    site, keys = served(as_of), Keyboard(chromium)
    viewport(chromium, WIDTHS["phone"])
    try:
        chromium.get(site.url(CHAPTER))
        keys.tab_until(lambda s: "primary-toggle" in s["cls"], limit=5)
        keys.press("ENTER")
        modal_open = "return document.getElementById('pst-primary-sidebar-modal').open"
        assert wait_for(lambda: chromium.execute_script(modal_open))
        stop = keys.tab_until(is_chapter_link)[-1]
        assert stop["dialog"] and stop["outline"] != "none", stop
        keys.press("ESCAPE")
        assert wait_for(lambda: not chromium.execute_script(modal_open))
        assert wait_for(lambda: "primary-toggle" in keys.focus()["cls"])  # focus back on the toggle
    finally:
        viewport(chromium, WIDTHS["desktop"])


# --- the statement -------------------------------------------------------------------------------------

@pytest.mark.book
def test_accessibility_statement_states_what_was_tested(built_book):
    main = BeautifulSoup((built_book(2020) / STATEMENT).read_text(encoding="utf-8"), "html.parser").find("main")
    text = " ".join(main.get_text(" ").split())
    assert "WCAG 2.1" in text and "AA" in text
    assert f"axe-core {axe_version()}" in text, "the statement names another axe-core than package-lock.json"
    for tag in WCAG_TAGS:
        assert tag in text
    for width in WIDTHS.values():
        assert f"{width} px" in text
