"""The chapter tables as HTML, without building the book: the verdict table a reader sees first (number,
name, first and last measurement, change per year, colour with symbol and word), the full table behind
it, captions and header scopes, escaping, and the traffic-light fills' contrast with their text."""

import re

import pytest
from bs4 import BeautifulSoup

from evalkit import book
from evalkit.htmltables import BACKGROUND, SHORT_NAME, TEXT, name_cell, verdict_frame

NB = "\u00a0"


@pytest.fixture(scope="module")
def ch():
    return book.setup(as_of=2020)


def relative_luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of an sRGB colour ``#rrggbb``."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    hi, lo = sorted([relative_luminance(a), relative_luminance(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula_on_known_pairs():
    # WCAG's extremes and a pair worked by hand: #777777 has channel 0.4667 -> 0.1845, ratio 4.48 on white
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("colour", list(BACKGROUND))
def test_traffic_light_fills_keep_aa_contrast_with_their_text(colour):
    assert contrast(BACKGROUND[colour], TEXT) >= 4.5, colour


def parse(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def rows(table) -> list[list[str]]:
    return [[c.get_text(" ", strip=True).replace(NB, " ") for c in tr.find_all(["th", "td"])]
            for tr in table.find("tbody").find_all("tr")]


def test_verdict_table_of_hovedmal5(ch):
    """Hovedmål 5, 2016-2020, by hand from observations.csv (first to last exact value, annual average):
    87: 134 (2016) -> 162 (2020), (162/134)^(1/4) - 1 = +4,9 % a year, green; 88: 675 -> 261,
    (261/675)^(1/4) - 1 = -21,1 % a year, red (its desired direction is up)."""
    page = parse(book.show_table(ch, "hovedmal5"))
    verdict = page.find("table", attrs={"data-verdict": "hovedmal5-farger"})
    assert verdict.find("caption").get_text().startswith("Hovedmål 5")
    header = [th.get_text() for th in verdict.find("thead").find_all("th")]
    assert header == ["Nr.", "Indikator", "Første måling", "Siste måling", "Endring per år", "Farge"]
    assert all(th["scope"] == "col" for th in verdict.find("thead").find_all("th"))
    assert all(tr.find("th")["scope"] == "row" for tr in verdict.find("tbody").find_all("tr"))
    by_id = {r[0]: r for r in rows(verdict)}
    assert list(by_id) == [str(i) for i in range(87, 94)]
    assert by_id["87"][2:] == ["134 (2016)", "162 (2020)", "4,9 %", "✓ grønn"]
    assert by_id["88"][2:] == ["675 (2016)", "261 (2020)", "−21,1 %", "✗ rød"]
    assert ch.overall_counts_text("hovedmal5") == "6 grønne og 1 rød"   # as the prose above the table says
    # the colour is carried by symbol and word too, on its background
    cell = verdict.find("tbody").find("tr").find_all("td")[-1].find("span")
    assert BACKGROUND["green"] in cell["style"]


def test_verdict_cells_for_one_measurement_and_a_marker(ch):
    """Indicator 28 (BU) has one value (2017): grey, 'bare én måling'. Indicator 45 rises 2016-2020 but
    its 2020 sample size is only "under 300": green with '?' (as the full table marks it)."""
    h1 = {r[0]: r for r in rows(parse(book.show_table(ch, "hovedmal1")).find("table", attrs={"data-verdict": True}))}
    assert h1["28"][3:] == ["bare én måling", "", "– grå"]
    h2 = {r[0]: r for r in rows(parse(book.show_table(ch, "hovedmal2")).find("table", attrs={"data-verdict": True}))}
    assert h2["45"][-1] == "✓ grønn ?"


@pytest.mark.parametrize("as_of", [2020, 2018])
def test_verdict_equals_the_span_column_where_the_span_is_the_whole_edition(as_of):
    """Where an indicator's first and last exact values are the edition's first and last year, the
    verdict's colour is the full table's colour for the whole span."""
    ch = book.setup(as_of=as_of)
    compared = 0
    for area in ch.vocab.areas:
        table = ch.table(area)
        frame = verdict_frame(ch, table)
        whole = frame[(frame["from_year"] == table.base) & (frame["to_year"] == table.as_of)]
        for ident, r in whole.iterrows():
            assert r["colour"] == table.colour(ident, (table.base, table.as_of)), (area, ident)
            compared += 1
    assert compared >= 10


def test_full_table_is_in_a_details_with_the_report_layout(ch):
    page = parse(book.show_table(ch, "hovedmal5"))
    details = page.find("details")
    assert details.find("summary").get_text().startswith("Hele tabellen")
    box = details.find("div", class_="evalkit-scroll")
    assert box["tabindex"] == "0" and box["role"] == "region"
    full = box.find("table", attrs={"data-area": "hovedmal5"})
    assert box["aria-labelledby"] == full.find("caption")["id"]
    header = [th.get_text() for th in full.find("thead").find_all("th")]
    assert header[:4] == ["Nr.", "Type", "Indikator", "Kilde"] and "2016–2020" in header
    assert header[-1] == "Oppgitt i sluttrapporten"
    row88 = next(r for r in rows(full) if r[0] == "88")
    assert row88[header.index("2016")] == "675" and row88[header.index("2016–2020")].startswith("−21,1 % ✗")


def test_subset_keeps_only_the_named_indicators(ch):
    page = parse(book.show_table(ch, "ressursinnsats", ids=[4, 7], name="kapasitet"))
    verdict = page.find("table", attrs={"data-verdict": "kapasitet-farger"})
    full = page.find("table", attrs={"data-area": "kapasitet"})
    assert [r[0] for r in rows(verdict)] == [r[0] for r in rows(full)] == ["4", "7"]
    # 4: 13 936 (2016) -> 15 894 (2018): sqrt(15894 / 13936) - 1 = +6,8 % a year
    assert rows(verdict)[0][2:5] == ["13 936 (2016)", "15 894 (2018)", "6,8 %"]


def test_long_names_are_shortened_with_the_whole_name_kept():
    name = ("Andel kommuner som har innhentet brukererfaringer innen psykisk helse- og rusarbeid i løpet av "
            "de siste 12 md. som grunnlag for kvalitetsforbedring av tjenestene (FIT, brukerråd, e.l.)")
    cell = parse(name_cell(name))
    span = cell.find("span", class_="evalkit-name")
    assert span["title"] == name
    visible = "".join(t for t in span.find_all(string=True, recursive=False))
    assert len(visible) <= SHORT_NAME and name.startswith(visible)
    assert " ".join(cell.get_text(" ").replace("…", "").split()) == name
    assert name_cell("Kort navn") == "Kort navn"


@pytest.mark.parametrize("column", ["name", "source"])
def test_data_text_is_escaped_in_both_tables(ch, column):
    cat = ch.frames["indicators"]
    original = cat[column].copy()
    try:
        cat.loc[cat["id"] == 3, column] = "<script>alert(1)</script>"
        cat.loc[cat["id"] == 4, column] = "<b>bold</b>" + " lang" * 30
        html = book.show_table(ch, "ressursinnsats", caption="<i>caption</i>")
    finally:
        cat[column] = original
    assert "<script>" not in html and "<b>bold</b>" not in html and "<i>caption</i>" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;bold&lt;/b&gt;" in html


def test_styled_tables_have_caption_scopes_and_a_scroll_box():
    import pandas as pd

    html = book.styled_table(pd.DataFrame({"Område": ["<a>"], "Antall": [3]}), "Tittel & mer", "prøve")
    page = parse(html)
    table = page.find("table", attrs={"data-area": "prøve"})
    assert table.find("caption").get_text() == "Tittel & mer"
    assert [th["scope"] for th in table.find_all("th")] == ["col", "col"]
    assert rows(table) == [["<a>", "3"]] and "&lt;a&gt;" in html
    assert re.search(r'class="evalkit-scroll" role="region" tabindex="0"', html)
