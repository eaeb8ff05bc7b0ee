"""Build the whole book (as of 2020, and as the third status report would have been, as of 2018) and
check the HTML a reader gets: every page, each area's table with the right indicator ids and colours,
the figures, no traceback, and numbers in the prose equal to evalkit's."""

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from evalkit import Vocabulary, fmt, validate
from evalkit.build import notebooks, pages
from evalkit.classify import change
from evalkit.tables import indicator_table, period_label

from .conftest import ROOT

pytestmark = pytest.mark.book

FRAMES = validate(ROOT / "data")
VOCAB = Vocabulary.from_frames(FRAMES)
ROOT_DATA = ROOT / "data"
SYMBOL = {c.symbol: code for code, c in VOCAB.colours.items()}
PAGES = [p.relative_to(ROOT).with_suffix("").as_posix() for p in pages(ROOT)]
NOTEBOOK_PAGES = [p.relative_to(ROOT).with_suffix("").as_posix() for p in notebooks(ROOT)]
AREA_PAGE = {a: next(p for p in PAGES if p.endswith(f"_{a}")) for a in VOCAB.areas}


def page_of(name: str) -> str:
    """A page by its name without the reading-order number: ``page_of("metode")`` -> ``chapters/02_metode``."""
    return next(p for p in PAGES if p.split("/")[-1].split("_", 1)[-1] == name)


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


@pytest.mark.parametrize("area", list(VOCAB.areas))
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
    # the verdict table above it (what a reader sees first) has the same indicators, each with a colour
    verdict = soup(html, AREA_PAGE[area]).find("table", attrs={"data-verdict": f"{area}-farger"})
    rows = verdict.find("tbody").find_all("tr")
    assert [int(tr.find("th").get_text()) for tr in rows] == ids
    assert all(tr.find(class_="evalkit-colour").get_text().split()[0] in SYMBOL for tr in rows)
    for p in table.periods:
        col = headers.index(period_label(p))
        for ident, row in zip(ids, body):
            symbol = next(t for t in row[col].split() if t in SYMBOL)  # a marker (* or ?) may follow
            assert SYMBOL[symbol] == table.colour(ident, p), (area, ident, p, row[col])


# the chapters that analyse (the method chapter and the appendices have tables only)
FIGURE_CHAPTERS = ["bakgrunn", "ressursinnsats", "kapasitet", *[f"hovedmal{i}" for i in range(1, 6)],
                   "samfunnseffekter", "maloppnaelse"]


@pytest.mark.parametrize("name", [page_of(n) for n in FIGURE_CHAPTERS])
def test_chapters_have_figures(built, name):
    _, html = built
    main = soup(html, name).find("main")
    images = main.find_all("img")
    assert images, f"{name} has no figure"
    for img in images:
        assert (html / name).parent.joinpath(img["src"]).resolve().is_file(), img["src"]
        # a text alternative made from the figure's data, not the file's path
        assert img["alt"].startswith(("Linjediagram: ", "Stolpediagram: ", "Diagram: ", "Liggende ")), img["alt"]
    # and under each figure its numbers as a table
    assert len(main.select("details.evalkit-figure-data table")) == len(images)


def test_glued_numbers_equal_evalkit(built):
    as_of, html = built
    text = main_text(html, page_of("ressursinnsats"))
    obs = FRAMES["observations"].set_index(["id", "year", "series"])["value"]
    a, b = obs[(3, 2016, "main")], obs[(3, 2018, "main")]
    growth = fmt.percent(float(change([a], [b], 2, "relative")[0])).replace("\u00a0", " ")
    assert f"fra {fmt.number(a)} millioner 2018-kroner i 2016 til {fmt.number(b)} millioner i 2018".replace(
        "\u00a0", " ") in text
    assert f"vekst på {growth} per år" in text
    metode = main_text(html, page_of("metode"))
    assert "av de 255 trykte endringscellene i tabell 5.1–11.1 gjenskaper evalkit 249 nøyaktig" in metode


def agrees(shown: str, printed: str) -> bool:
    """A change cell as the page shows it (``41,8 %``) agrees with the report's printed cell (``42 %``)
    at the printed precision: the same unit, and the shown value lies within the printed value's
    rounding interval widened by the shown value's own rounding."""
    a, b = fmt.parse(shown), fmt.parse(printed)
    if a is None or b is None:
        return a is None and b is None
    unit = lambda t: "%-poeng" if "poeng" in t else "%" if "%" in t else ""
    (v, d), (p, dp) = a, b
    return unit(shown) == unit(printed) and abs(v - p) <= 0.5 * 10 ** -dp + 0.5 * 10 ** -d + 1e-9


def test_as_of_2018_reproduces_the_status_report(built):
    """Every change cell of every chapter table in the 2018 edition shows what the third status report
    prints (published_changes.csv), at the printed precision; the cells that do not follow from the
    report's own levels are the ones errata.csv lists (their printed value is then what is wrong)."""
    as_of, html = built
    if as_of != 2018:
        pytest.skip("the 2018 edition only")
    printed = {(int(r.id), r.period.replace("-", "–")): (r.printed if isinstance(r.printed, str) else "")
               for r in FRAMES["published_changes"].itertuples()}
    errata = {(int(r.id), r.what.removeprefix("change ").replace("-", "–")) for r in FRAMES["errata"].itertuples()
              if isinstance(r.what, str) and r.what.startswith("change ") and r.id == r.id}
    compared, differ = 0, []
    for area in VOCAB.areas:
        node = soup(html, AREA_PAGE[area]).find("table", attrs={"data-area": area})
        headers = [th.get_text(strip=True) for th in node.find("thead").find_all("th")]
        assert headers[4:] == ["2016", "2017", "2018", "2016–2017", "2017–2018", "2016–2018"], area
        for tr in node.find("tbody").find_all("tr"):
            cells = [td.get_text(" ", strip=True) for td in tr.find_all(["td", "th"])]
            ident = int(cells[0])
            for period in headers[7:]:
                words = cells[headers.index(period)].replace("\u00a0", " ").split(" ")
                shown = " ".join(t for t in words if t not in SYMBOL and t not in ("*", "?"))
                compared += 1
                if not agrees(shown, printed[(ident, period)]) and (ident, period) not in errata:
                    differ.append((ident, period, shown, printed[(ident, period)]))
    assert compared == len(printed) == 255
    assert not differ, differ


def test_downloads_are_published(built):
    _, html = built
    links = [a["href"] for a in soup(html, page_of("vedlegg_data")).find_all("a", href=True)]
    downloads = [h for h in links if h.endswith((".csv", ".json"))]
    assert len(downloads) == len(list((ROOT_DATA).glob("*.csv"))) + 1  # every file and the descriptor
    for href in downloads:
        assert (html / "chapters" / href).resolve().is_file(), href


def test_downloaded_csv_files_cannot_run_as_formulas(built):
    """No text cell of a downloaded CSV starts with =, +, -, @, tab or CR: such cells get a ' in front
    (the safe_downloads extension); everything else is the data package's file as it is."""
    import csv
    import json

    _, html = built
    descriptor = json.loads((ROOT_DATA / "datapackage.json").read_text())
    text_columns = {r["path"]: {f["name"] for f in r["schema"]["fields"] if f["type"] == "string"}
                    for r in descriptor["resources"]}
    files = {p.name: p for p in (html / "_downloads").rglob("*.csv")}
    assert set(files) == set(text_columns)
    neutralised = 0
    for name, path in files.items():
        got = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
        want = list(csv.DictReader((ROOT_DATA / name).open(encoding="utf-8", newline="")))
        assert len(got) == len(want), name
        for g, w in zip(got, want):
            for col in g:
                if col in text_columns[name] and w[col].startswith(("=", "+", "-", "@", "\t", "\r")):
                    assert g[col] == "'" + w[col], (name, col, g[col])
                    neutralised += 1
                else:
                    assert g[col] == w[col], (name, col)
    assert neutralised > 50  # the printed negative changes, the status symbols, "= Tabell 6.4" notes


def test_bakgrunn_numbers_come_from_the_data(built):
    """The background chapter: the status figure and table of the 23 delmål, the funding figure, the
    survey's figures, and numbers in the prose equal to what the data gives."""
    from evalkit.history import survey_checks, survey_table

    _, html = built
    page = soup(html, page_of("bakgrunn"))
    assert len(page.find("main").find_all("img")) == 4   # status per delmål, funding, tabell 6.1, tabell 6.3
    goals = FRAMES["plan2007_goals"]
    rows = page.find("table", attrs={"data-area": "plan2007-goals"}).find("tbody").find_all("tr")
    assert [tr.find_all("td")[2].get_text(strip=True) for tr in rows] == list(goals["status"])
    for area in ("survey2014-3-1", "bakgrunn-compare"):
        assert page.find("table", attrs={"data-area": area}) is not None, area

    # get_text puts a space around each glued number; drop those before punctuation and inside brackets
    tidy = lambda t: re.sub(r"\(\s+", "(", re.sub(r"\s+([,.;)])", r"\1", t))
    text = tidy(main_text(html, page_of("bakgrunn")))
    fig = FRAMES["figures"]
    by_year = fig[fig["key"] == "plan2007_funding_increase_nominal_by_year"]["value"]
    assert f"Planen hadde {len(FRAMES['plan2007_hovedmal'])} hovedmål og {len(goals)} delmål" in text
    assert f"Lagt sammen blir delene {fmt.number(by_year.sum())} millioner kroner, det samme som" in text
    counts = goals["status"].value_counts()
    assert f"{counts['++']} delmål fikk ++" in text and f"{counts['+']} fikk +" in text
    sv = FRAMES["survey2014"]
    t61 = survey_table(sv, "Tabell 6.1")["Prosent"]
    assert f"Bare {fmt.number(t61['I svært stor grad'] + t61['I ganske stor grad'])} % svarte" in text
    t63 = survey_table(sv, "Tabell 6.3")["Prosent"]
    worse, better = t63["Noe dårligere"] + t63["Mye dårligere"], t63["Mye bedre"] + t63["Noe bedre"]
    assert f"dårligere ({fmt.number(worse)} %) enn bedre ({fmt.number(better)} %)" in text
    assert f"stemmer ikke {survey_checks(sv)['table'].nunique()} av tabellene" in text
    n_err = (FRAMES["errata"]["document"] == "003_33156e0f2a1e4cc6.txt").sum()
    assert f"Alle de {n_err} avvikene i kartleggingen" in text
    frie, total = (fmt.number(fig.loc[fig["key"] == k, "value"].iloc[0], 1)
                   for k in ("target_frie_inntekter", "target_total_escalation"))
    assert f"la {frie} milliarder av sine {total} milliarder kroner" in text
    # the ressursinnsats chapter points here, with the same two numbers
    res = soup(html, page_of("ressursinnsats")).find("main")
    assert res.find("a", href=lambda h: h and "bakgrunn.html" in h) is not None
    assert f"hvordan {frie} milliarder av {total} milliarder kroner" in tidy(main_text(html, page_of("ressursinnsats")))


def test_figure_alt_text_on_the_page(built):
    """The image's alt is the figure's text alternative with its numbers (observations.csv: indicator 88
    has 675, 650 and 329 in 2016-2018), carried from the notebook by _ext/figure_alt.py."""
    _, html = built
    alts = [img["alt"] for img in soup(html, AREA_PAGE["hovedmal5"]).find("main").find_all("img")]
    line = "88: Soner i behandlingsinstitusjon (§ 12): 675 i 2016, 650 i 2017"   # then ", 329 i 2018" or " og …"
    assert any(line in a and "329 i 2018" in a for a in alts), alts
