"""Build the whole book (as of 2020, and as the third status report would have been, as of 2018) and
check the HTML a reader gets: every page, each area's table with the right indicator ids and colours,
the figures, no traceback, and numbers in the prose equal to evalkit's."""

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from evalkit import fmt, validate
from evalkit.classify import change
from evalkit.tables import AREAS, COLOUR_LABELS, indicator_table, period_label

pytestmark = pytest.mark.book

FRAMES = validate()
ROOT_DATA = Path(__file__).resolve().parents[1] / "data"
SYMBOL = {v[1]: k for k, v in COLOUR_LABELS.items()}
PAGES = ["chapters/intro", "chapters/metode", "notebooks/ressursinnsats", "notebooks/kapasitet",
         *[f"notebooks/hovedmal{i}" for i in range(1, 6)], "notebooks/samfunnseffekter",
         "chapters/maloppnaelse", "chapters/vedlegg_indikatorer", "chapters/vedlegg_errata",
         "chapters/vedlegg_data", "chapters/referanser"]
AREA_PAGE = {a: f"notebooks/{a}" for a in AREAS}


@pytest.fixture(scope="session", params=[2020, 2018], ids=["as-of-2020", "as-of-2018"])
def built(request, built_book) -> tuple[int, Path]:
    return request.param, built_book(request.param)


def soup(html: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((html / f"{page}.html").read_text(encoding="utf-8"), "html.parser")


def main_text(html: Path, page: str) -> str:
    return " ".join(soup(html, page).find("main").get_text(" ", strip=True).replace("\u00a0", " ").split())


def test_every_page_exists_without_traceback(built):
    _, html = built
    for page in PAGES:
        path = html / f"{page}.html"
        assert path.is_file(), page
        text = path.read_text(encoding="utf-8")
        assert "Traceback" not in text and "output_error" not in text and "stderr" not in text, page
        assert "points_threshold" not in text and "data_dir" not in text, f"{page} shows code or parameters"
        for english in ("Skip to main content", "Back to top", ">Contents<", "On this page", "previous page"):
            assert english not in text, f"{page}: the theme's English string {english!r}"
    assert (html / "index.html").is_file()


@pytest.mark.parametrize("area", list(AREAS))
def test_area_table_ids_and_colours(built, area):
    as_of, html = built
    table = indicator_table(FRAMES["indicators"], FRAMES["observations"], area, as_of=as_of)
    node = soup(html, AREA_PAGE[area]).find("table", attrs={"data-area": area})
    assert node is not None, f"no table for {area}"
    headers = [th.get_text(strip=True) for th in node.find("thead").find_all("th")]
    body = [[td.get_text(" ", strip=True).replace("\u00a0", " ") for td in tr.find_all(["td", "th"])]
            for tr in node.find("tbody").find_all("tr")]
    ids = [int(row[0]) for row in body]
    assert ids == list(table.indicators.index)
    for p in table.periods:
        col = headers.index(period_label(p))
        for ident, row in zip(ids, body):
            symbol = next(t for t in row[col].split() if t in SYMBOL)  # a marker (* or ?) may follow
            assert SYMBOL[symbol] == table.colour(ident, p), (area, ident, p, row[col])


@pytest.mark.parametrize("page", [p for p in PAGES if p.startswith("notebooks/")] + ["chapters/maloppnaelse"])
def test_chapters_have_figures(built, page):
    _, html = built
    images = soup(html, page).find("main").find_all("img")
    assert images, f"{page} has no figure"
    for img in images:
        assert (html / page).parent.joinpath(img["src"]).resolve().is_file(), img["src"]


def test_glued_numbers_equal_evalkit(built):
    as_of, html = built
    text = main_text(html, "notebooks/ressursinnsats")
    obs = FRAMES["observations"].set_index(["id", "year", "series"])["value"]
    a, b = obs[(3, 2016, "main")], obs[(3, 2018, "main")]
    growth = fmt.percent(float(change([a], [b], 2, "relative")[0])).replace("\u00a0", " ")
    assert f"fra {fmt.number(a)} millioner 2018-kroner i 2016 til {fmt.number(b)} millioner i 2018".replace(
        "\u00a0", " ") in text
    assert f"vekst på {growth} per år" in text
    metode = main_text(html, "chapters/metode")
    assert "av de 255 trykte endringscellene i tabell 5.1–11.1 gjenskaper evalkit 249 nøyaktig" in metode


def test_as_of_2018_reproduces_the_status_report(built):
    as_of, html = built
    if as_of != 2018:
        pytest.skip("the 2018 edition only")
    node = soup(html, "notebooks/ressursinnsats").find("table", attrs={"data-area": "ressursinnsats"})
    headers = [th.get_text(strip=True) for th in node.find("thead").find_all("th")]
    assert headers[4:] == ["2016", "2017", "2018", "2016–2017", "2017–2018", "2016–2018"]
    row4 = [td.get_text(" ", strip=True).replace("\u00a0", " ") for td in node.find("tbody").find_all("tr")[3].find_all("td")]
    assert row4[0] == "4" and row4[-1] == "6,8 % ✓"


def test_downloads_are_published(built):
    _, html = built
    links = [a["href"] for a in soup(html, "chapters/vedlegg_data").find_all("a", href=True)]
    downloads = [h for h in links if h.endswith((".csv", ".json"))]
    assert len(downloads) == len(list((ROOT_DATA).glob("*.csv"))) + 1  # every file and the descriptor
    for href in downloads:
        assert (html / "chapters" / href).resolve().is_file(), href
