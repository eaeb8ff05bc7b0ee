"""One page per indicator (indikatorer/<id>.html), made by the build from the template of its status in
the catalogue: every active indicator has its page with a figure, its full observation table and working
downloads, every retired one a short page that says when and why; the numbers on a page are evalkit's
(and, for a few, what the sources print); a series break is marked in the figure and told in its text;
every link from the chapters and the catalogue leads to a page; the templates' pages have their own cache
keys; a hostile name stays text."""

import csv
import io
import json
import urllib.parse
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from evalkit import fmt
from evalkit.chapter import setup
from evalkit.indicator import IndicatorPage, page_titles, provenance
from evalkit.links import page_href

from .conftest import DATA, ROOT

FRAMES = setup().frames
CATALOGUE = FRAMES["indicators"].set_index("id")
ACTIVE = sorted(int(i) for i in CATALOGUE.index[CATALOGUE["status"] == "active"])
RETIRED = sorted(int(i) for i in CATALOGUE.index[CATALOGUE["status"] == "retired"])


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def table(main, name: str):
    return main.find("table", attrs={"data-area": name})


def rows(tbl) -> list[list[str]]:
    return [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in tbl.find("tbody").find_all("tr")]


def sections(main) -> list[str]:
    """The page's own section headings (not the theme's "Innhold"), without their permalink sign."""
    return [h.find(string=True, recursive=False).strip() for h in main.select("section > h2")]


def downloads(main) -> dict[str, str]:
    """download file name -> its decoded text."""
    out = {}
    for a in main.select("a.evalkit-download"):
        head, _, body = a["href"].partition(",")
        assert head.startswith("data:") and head.endswith(";charset=utf-8"), head
        out[a["download"]] = urllib.parse.unquote(body)
    return out


# --------------------------------------------------------------------------------------------------
# Fast: the plan and the helpers


def test_the_plan_has_a_page_per_catalogue_row_and_each_its_own_key():
    from evalkit.build import Plan, parameters

    plan = Plan.make(ROOT, DATA, parameters(2020, 2016, DATA, 1.0, 2.5))
    pages = sorted(plan.names[nb] for nb in plan.expanded)
    assert len(pages) == len(CATALOGUE) == len(ACTIVE) + len(RETIRED) == 85 + 8
    assert "indikatorer/24.md" in pages and "indikatorer/17.md" in pages
    # a retired indicator's page is made from the short template, an active one's from the full one
    made_from = {int(nb.stem): plan.expanded[nb].template.name for nb in plan.expanded}
    assert {i for i, t in made_from.items() if t == "_retired.md"} == set(RETIRED)
    assert {i for i, t in made_from.items() if t == "_template.md"} == set(ACTIVE)
    keys = [plan.keys[nb] for nb in plan.expanded]
    assert len(set(keys)) == len(keys)
    limited = Plan.make(ROOT, DATA, parameters(2020, 2016, DATA, 1.0, 2.5), only=[24, 999])
    assert [limited.names[nb] for nb in limited.expanded] == ["indikatorer/24.md"]
    # the same page has the same key in both plans; the book without the other pages has another key
    nb24 = next(nb for nb in plan.expanded if nb.name == "24.md")
    assert limited.keys[nb24] == plan.keys[nb24] and limited.book != plan.book


def test_page_addresses_are_stable():
    assert page_href(24) == "../indikatorer/24.html"
    assert page_href(24, "indikatorer") == "24.html"
    assert page_titles(DATA, only=[24])[24].startswith("Indikator 24: Bevilgninger til brukermedvirkning")


def test_provenance_reads_the_location():
    vocab = setup().vocab
    assert provenance(vocab, "001_8ceffd757f77f65e.txt", "Tabell 7.1, line 1293") == (
        "Fafo 2019, tabell 7.1", "001_8ceffd757f77f65e.txt, Tabell 7.1, linje 1293")
    assert provenance(vocab, "000_1738e49f1275b4c4.txt", "p. text, lines 352-354") == (
        "Fafo 2021, teksten", "000_1738e49f1275b4c4.txt, tekst, linje 352-354")


def test_a_share_with_known_n_reads_as_the_source_and_by_hand():
    page = IndicatorPage(setup(), 33)
    obs = page.observation_table()
    # 001 Tabell 7.1, line 1293: 33 is N/A (2016), 39 % (2017), 44 % (2018); change 2017-2018 "5,0 %-poeng"
    assert obs[["År", "Verdi"]].values.tolist() == [["2017", "39\u00a0%"], ["2018", "44\u00a0%"]]
    assert set(obs["n"]) == {"400"}  # "i overkant av 400" (000 line 583), used as 400
    # Wilson interval of 39 % of 400 by hand: centre (0.39 + 1.96²/800)/(1 + 1.96²/400) = 0.39105,
    # half-width 1.96·sqrt(0.39·0.61/400 + 1.96²/640000)/(1 + 1.96²/400) = 0.04758 -> 34.35-43.86 %
    assert obs["95 % intervall"].iloc[0] == "34,3–43,9\u00a0%"
    changes = page.change_table().set_index("Periode")
    assert changes.at["2017–2018", "Endring per år"] == "5,0\u00a0%-poeng"
    assert changes.at["2017–2018", "Farge"] == "grønn ✓"


def test_a_count_reads_as_the_source_in_the_status_report_edition():
    page = IndicatorPage(setup(as_of=2018), 11)
    # 001 Tabell 6.1, line 1235: 7796, 6479, 5449; changes -16,9 %, -15,9 %, -16,4 %
    assert page.observation_table()["Verdi"].tolist() == ["7\u00a0796", "6\u00a0479", "5\u00a0449"]
    changes = page.change_table().set_index("Periode")["Endring per år"]
    assert [changes[p] for p in ("2016–2017", "2017–2018", "2016–2018")] == [
        "−16,9\u00a0%", "−15,9\u00a0%", "−16,4\u00a0%"]


def test_a_series_break_reads_in_the_table_and_the_figure_text():
    """Indicator 15 (observations.csv): BrukerPlan's original sample 5 % in 2016-2018 (001 Tabell 6.1, line
    1239), the new sample 5 % in 2017 and 4 % in 2020 (000 line 921): the table gives each series in turn,
    the figure's text says where the values go over to the new sample."""
    page = IndicatorPage(setup(), 15)
    obs = page.observation_table()
    pct = "\u00a0%"
    assert obs[["År", "Verdi", "Serie"]].values.tolist() == [
        ["2016", "5" + pct, "hovedserien"], ["2017", "5" + pct, "hovedserien"], ["2018", "5" + pct, "hovedserien"],
        ["2017", "5" + pct, "nytt BrukerPlan-utvalg"], ["2020", "4" + pct, "nytt BrukerPlan-utvalg"]]
    assert page.figure_text().endswith(
        f"Nytt BrukerPlan-utvalg: 5{pct} i 2017 og 4{pct} i 2020. Brudd i serien mellom 2018 og 2020: hovedserien "
        "slutter i 2018, og fra 2020 hører verdiene til serien «nytt BrukerPlan-utvalg», som ikke kan "
        "sammenlignes med hovedserien.")


def test_the_csv_download_holds_every_observation_with_provenance():
    page = IndicatorPage(setup(), 15)
    text = page.observations_csv()
    got = list(csv.DictReader(io.StringIO(text)))
    obs = FRAMES["observations"]
    mine = obs[obs["id"] == 15]
    assert len(got) == len(mine) and {r["series"] for r in got} == set(mine["series"])
    assert all(r["document"] and r["location"] and r["source"].startswith("Fafo") for r in got)
    meta = page.metadata()
    assert meta["id"] == 15 and meta["unit"] == "percent" and meta["page"] == "indikatorer/15.html"


# --------------------------------------------------------------------------------------------------
# The built book (both editions)



@pytest.mark.book
@pytest.mark.parametrize("as_of", [2020, 2018])
def test_every_indicator_has_a_page(built_book, as_of):
    html = built_book(as_of)
    obs = FRAMES["observations"]
    for ident in ACTIVE + RETIRED:
        path = html / "indikatorer" / f"{ident}.html"
        assert path.is_file(), ident
        text = path.read_text(encoding="utf-8")
        assert "Traceback" not in text and "output_error" not in text and "stderr" not in text, ident
        assert "points_threshold" not in text and "data_dir" not in text, f"{ident} shows code or parameters"
        main = soup(path).find("main")
        assert main.find("h1").get_text(strip=True).startswith(f"Indikator {ident}:"), ident
        mine = obs[(obs["id"] == ident) & obs["year"].between(2016, as_of)]
        files = downloads(main)
        assert set(files) == {f"indikator-{ident}.csv", f"indikator-{ident}.json"}, ident
        assert json.loads(files[f"indikator-{ident}.json"])["id"] == ident
        assert len(list(csv.DictReader(io.StringIO(files[f"indikator-{ident}.csv"])))) == len(mine), ident
        if ident in RETIRED:
            assert "tatt ut av indikatorsettet" in main.get_text(" "), ident
            assert sections(main) == ["Last ned og siter"], ident
            continue
        if not mine.empty:
            assert main.find("img") is not None, f"indicator {ident}: no figure"
            assert len(rows(table(main, f"ind{ident}-verdier"))) == len(mine), ident


@pytest.mark.book
def test_page_numbers_equal_evalkits(built_book):
    html = built_book(2020)
    ch = setup()
    for ident in (3, 15, 25, 33, 39, 77):
        page = IndicatorPage(ch, ident)
        main = soup(html / "indikatorer" / f"{ident}.html").find("main")
        assert rows(table(main, f"ind{ident}-verdier")) == page.observation_table().values.tolist(), ident
        assert rows(table(main, f"ind{ident}-endringer")) == page.change_table().values.tolist(), ident
        readings = table(main, f"ind{ident}-lesninger")
        assert (rows(readings) if readings else []) == page.readings_table().values.tolist(), ident
        # the overall change shown equals the chapters' (tables.overall_changes)
        overall = ch.overall().loc[ident]
        if readings:
            assert fmt.change(overall["delta"], CATALOGUE.at[ident, "change"]) in rows(readings)[0][2], ident


@pytest.mark.book
@pytest.mark.parametrize("as_of", [2020, 2018])
def test_links_from_chapters_catalogue_and_index_resolve(built_book, as_of):
    html = built_book(as_of)
    linked = set()
    for page in [*(html / "chapters").glob("*.html"), html / "indikatorer" / "index.html"]:
        for a in soup(page).find("main").find_all("a", class_="evalkit-indicator-link"):
            target = (page.parent / a["href"]).resolve()
            assert target.is_file(), f"{page.name}: {a['href']}"
            assert target.name == f"{a.get_text(strip=True)}.html"
            linked.add((page.name, int(a.get_text(strip=True))))
    catalogue = {i for name, i in linked if name == "12_vedlegg_indikatorer.html"}
    assert catalogue == set(ACTIVE + RETIRED)
    assert {i for name, i in linked if name == "index.html"} == set(ACTIVE + RETIRED)
    # every active indicator's number in its area chapter's table is a link
    assert set(ACTIVE) <= {i for name, i in linked if name not in ("index.html", "12_vedlegg_indikatorer.html")}


@pytest.mark.book
def test_the_sidebar_has_one_entry_for_the_indicators(built_book):
    nav = soup(built_book(2020) / "chapters" / "00_intro.html").find("nav", class_="bd-docs-nav")
    hrefs = [a["href"] for a in nav.find_all("a")]
    assert sum("indikatorer/" in h for h in hrefs) == 1, hrefs


@pytest.mark.book
def test_a_retired_page_is_short_and_a_break_is_marked(built_book):
    """The real book's pages 17 (retired in the third status report, 001 line 337) has the short
    page (when and why, with its source; the catalogue; downloads) and none of the full page's sections;
    15 and 24 (active) have every section, and 15's figure marks its series break in the picture and in
    its text alternative (BrukerPlan's new sample from 2020, after the main series' 2018)."""
    html = built_book(2020)
    full = ["Verdiene", "Endringene etter rapportens regel, og to andre lesninger", "Hva rapportene sier",
                "Avvik, brudd og rettelser", "I de to utgavene", "Last ned og siter"]

    def page(ident):
        return soup(html / "indikatorer" / f"{ident}.html").find("main")

    retired = page(17)
    assert sections(retired) == ["Last ned og siter"]
    text = " ".join(retired.get_text(" ").split())
    assert ("Indikatoren ble tatt ut av indikatorsettet i den tredje statusrapporten (Fafo 2019, teksten; "
            "001_8ceffd757f77f65e.txt, tekst, linje 337)") in text
    assert "Under samfunnseffekter er det tatt ut to indikatorer" in text
    assert "Ikke aktuelt" not in text and retired.find("img") is None
    catalogue = dict(rows(table(retired, "ind17-katalog")))
    assert catalogue["Status"] == "utgått" and catalogue["Merknad i katalogen"].startswith("Tatt ut i tredje")
    assert set(downloads(retired)) == {"indikator-17.csv", "indikator-17.json"}

    for ident in (15, 24):
        main = page(ident)
        assert sections(main) == full, ident
        assert "tatt ut av indikatorsettet" not in main.get_text(" "), ident
    img = page(15).find("img")
    assert "Brudd i serien mellom 2018 og 2020: hovedserien slutter i 2018, og fra 2020 hører verdiene til " \
           "serien «nytt BrukerPlan-utvalg»" in img["alt"]
    svg = (html / "indikatorer" / img["src"]).resolve().read_text(encoding="utf-8")
    assert 'id="evalkit-series-break-0"' in svg and "<!-- Brudd i serien -->" in svg
    svg24 = (html / "indikatorer" / page(24).find("img")["src"]).resolve().read_text(encoding="utf-8")
    assert "evalkit-series-break" not in svg24
    assert "Brudd i serien" in rows(table(page(15), "ind15-avvik"))[0][0]
