"""The corrections of issue 12 hold as data facts, each with the seed line that decides it, so that a
later transcription cannot bring a defect back. Each test reads the seed documents themselves
(``../shared/seeds``); without them the test fails and says so."""

import functools
import re

import pandas as pd
import pytest

from evalkit import fmt, validate

from .conftest import ROOT

SEEDS = ROOT.parent / "shared" / "seeds"
D0, D1, D2, D3, D4 = ("000_1738e49f1275b4c4.txt", "001_8ceffd757f77f65e.txt", "002_c7439a1d68525817.txt",
                      "003_33156e0f2a1e4cc6.txt", "004_de5b7ec31aa4fda7.txt")


@functools.lru_cache(maxsize=None)
def seed(document: str) -> list[str]:
    path = SEEDS / document
    if not path.is_file():
        pytest.fail(f"seed document {path} not found: the data facts are checked against the seeds")
    return path.read_text(encoding="utf-8").splitlines()


def line(document: str, n: int) -> str:
    return seed(document)[n - 1]


def table_row(n: int) -> str:
    """The indicator id a table row of 001 starts with."""
    return re.match(r"^(\d+)[\t ]", line(D1, n)).group(1)


def lines(document: str, first: int, last: int) -> str:
    """Lines *first*..*last* of a seed joined into one text (a sentence may break across lines)."""
    return " ".join(seed(document)[first - 1:last])


@functools.lru_cache(maxsize=1)
def frames():
    return validate()


def obs(ident, year, series="main"):
    o = frames()["observations"]
    hit = o[(o["id"] == ident) & (o["year"] == year) & (o["series"] == series)]
    return None if hit.empty else hit.iloc[0]


def figure(key):
    f = frames()["figures"]
    hit = f[f["key"] == key]
    assert len(hit) == 1, key
    return hit.iloc[0]


def indicator(ident):
    return frames()["indicators"].set_index("id").loc[ident]


def erratum(ident=None, what=None, printed=None):
    e = frames()["errata"]
    if ident is not None:
        e = e[e["id"] == ident]
    if what is not None:
        e = e[e["what"] == what]
    if printed is not None:
        e = e[e["printed"] == printed]
    return e


# 1. id 10: both numbers are on line 878 of the final report
def test_10_in_2020_cites_line_878():
    o, rc = obs(10, 2020), frames()["reported_changes"]
    assert o["location"] == "p. text, line 878" and o["value"] == 386
    assert "386 i 2020" in line(D0, 878) and "82 flere" in line(D0, 878)
    r = rc[(rc["id"] == 10) & (rc["period"] == "2019-2020")].iloc[0]
    assert r["location"] == "p. text, line 878" and r["value"] == 82


# 2. the notes cite the table row of their own indicator
@pytest.mark.parametrize("ident, table_line", [(9, 1233), (10, 1234), (25, 1284), (37, 1297)])
def test_notes_cite_the_row_of_their_indicator(ident, table_line):
    note = obs(ident, 2020)["note"]
    cited = [int(n) for n in re.findall(r"Tabell \d+\.\d, line (\d+)", note)]
    assert cited == [table_line], note
    assert table_row(table_line) == str(ident)


# 3. 001 prints indicator 8 for 2016 and 2017
def test_8_2016_note_knows_that_001_prints_57_and_74():
    assert table_row(1094) == "8" and "\t57\t74\t" in line(D1, 1094)
    note = obs(8, 2016, "final_report_2021")["note"]
    assert "prints no value" not in note and "57 for 2016 and 74 for 2017 (line 1094)" in note
    assert obs(8, 2016)["value"] == 57 and obs(8, 2017)["value"] == 74


# 4. indicator 30: the final report's range excludes the status report's 64 % for 2017
def test_30_range_against_2017_is_an_erratum():
    assert "mellom 65 og 68 prosent" in line(D0, 341) and "individuell plan (IP)" in line(D0, 339)
    assert table_row(1290) == "30" and "\t64 %\t" in line(D1, 1290)
    e = erratum(30, "text 2016-2020")
    assert len(e) == 1 and e.iloc[0]["location"] == "p. text, lines 339-341"
    low = figure("brukere_ip_ansvarsgruppe_share_min")
    assert obs(30, 2017)["value"] < low["value"]
    assert "indicator 30" in low["text"] and "not identifiable" not in low["text"]


# 5. indicator 38: 'nær halvparten' does not follow from 33 % + 5,3 points
def test_38_near_half_is_an_erratum():
    assert "Nær halvparten av pasientene i TSB" in line(D0, 361) and "5,3 prosentpoeng" in line(D0, 362)
    assert table_row(1298) == "38" and "\t33 %\t" in line(D1, 1298)
    assert obs(38, 2017)["value"] + 5.3 < 40            # about 38 %, not near half
    assert len(erratum(38, "text 2020")) == 1


# 6. indicator 44: no source gives a direction
def test_44_has_no_direction_because_no_source_gives_one():
    assert indicator(44)["direction"] == "none"
    assert indicator(44)["note"].startswith("Direction none: no seed states a desired direction for 44.")
    assert table_row(1426) == "44"
    # the only sentence on the related indicator 14; neither the final report nor the slides mention 44
    assert "en nedgang i antall meldinger har vi tidligere vurdert som en positiv utvikling" in line(D1, 1226)
    assert indicator(14)["direction"] == "down"
    for doc in (D0, D4):
        assert not any("meldinger til barnevern" in text for text in seed(doc))


# 7. values whose year or sample the text does not fix are not observations
def test_79_about_20_is_a_statement_for_the_period():
    o = frames()["observations"]
    assert o[(o["id"] == 79) & (o["year"] > 2018)].empty
    assert "stabilt svært" in line(D0, 682) and "(om lag 20 prosent)" in line(D0, 683)
    f = figure("ind79_stated_level")
    assert (f["value"], f["qualifier"], f["year"], f["location"]) == (20, "approx", "2016-2020", "p. text, lines 682-683")
    s = frames()["sample_sizes"]
    assert s[(s["id"] == 79) & (s["year"] == 2020)].empty


def test_77_71_has_no_year():
    assert obs(77, 2019) is None
    assert "Det er 71 prosent" in line(D0, 696) and "kun fram til 2019" in line(D0, 695)
    assert table_row(1575) == "77" and "\t71 %\t73 %\t71 %\t" in line(D1, 1575)
    f = figure("ind77_stated_level")
    assert f["value"] == 71 and pd.isna(f["year"])


def test_75_47_stays_in_the_main_series_with_its_reason():
    o = obs(75, 2020)
    assert o["value"] == 47 and o["qualifier"] == "exact"
    assert "døgnbehandling" in line(D0, 679) and "en positiv utvikling" in line(D0, 680)
    assert "etter siste utskrivning" in line(D1, 1572) and table_row(1572) == "75"
    assert "Kept in the main series" in o["note"]


# 8. one rule: a level only in words is a figure, a number with a hedge word an approximate observation
@pytest.mark.parametrize("ident, words, first, last, qualifier", [
    (27, "Nær halvparten av kommunene", 349, 350, "approx"),
    (38, "Nær halvparten av pasientene", 361, 362, "approx"),
    (43, "kun halvparten av kommunene", 425, 427, "exact"),
    (73, "Om lag halvparten av brukerne", 670, 671, "approx"),
    (80, "Om lag halvparten vurderes", 688, 689, "approx"),
])
def test_a_level_in_words_is_a_figure(ident, words, first, last, qualifier):
    assert words in lines(D0, first, last)
    f = figure(f"ind{ident}_stated_level")
    assert (f["value"], f["unit"], f["qualifier"]) == (1, "of_2", qualifier)
    assert f["location"] == f"p. text, lines {first}-{last}" and f"indicator {ident}" in f["text"]
    assert obs(ident, 2020) is None


def test_near_six_in_ten_is_a_figure_of_29():
    assert "Nær seks av ti er fornøyd med ansvarsgruppen" in lines(D0, 343, 344).replace("av  ti", "av ti")
    f = figure("brukere_fornoyd_ansvarsgruppe")
    assert (f["value"], f["unit"], f["qualifier"]) == (6, "of_10", "approx") and "indicator 29" in f["text"]
    assert obs(29, 2020) is None


@pytest.mark.parametrize("ident, words, n", [(25, "Nær 40 prosent", 352), (37, "nær 70 prosent i 2020", 347)])
def test_a_number_with_a_hedge_word_is_an_approximate_observation(ident, words, n):
    assert words in line(D0, n)
    assert obs(ident, 2020)["qualifier"] == "approx"


def test_no_observation_is_a_level_in_words():
    """The quote an observation of the final report rests on (its note's first quote) gives a number."""
    o = frames()["observations"]
    quotes = o["note"].fillna("").str.extract(r"^'([^']*)'", expand=False).dropna()
    assert len(quotes) > 20
    assert not quotes.str.contains(r"halvparten|\bav ti\b", case=False).any()


# 9. what the stated changes of 11-13 and 92 are
def test_11_to_13_state_a_change_of_unstated_kind():
    rc = frames()["reported_changes"].set_index("id")
    assert "redusert med henholdsvis 9,4 og 10 prosent" in line(D0, 882)
    for ident, value in ((11, -9.4), (12, -10), (13, -2.7)):
        r = rc.loc[ident]
        assert (r["period"], r["kind"], r["value"]) == ("unstated", "unstated", value)
    # a total change since 2016 is impossible for 11 and 12: by 2018 the level had fallen further
    for ident in (11, 12):
        assert obs(ident, 2018)["value"] / obs(ident, 2016)["value"] - 1 < rc.loc[ident, "value"] / 100


def test_92_is_the_annual_average_2016_2020():
    assert "513 saker i 2020" in line(D0, 771) and "9,2 prosent" in line(D0, 772)
    r = frames()["reported_changes"].set_index("id").loc[92]
    assert (r["period"], r["kind"], r["unit"], r["value"]) == ("2016-2020", "annual_average", "percent_per_year", 9.2)
    growth = ((obs(92, 2020)["value"] / obs(92, 2016)["value"]) ** (1 / 4) - 1) * 100
    assert fmt.number(growth, 1) == "9,2"


# 10. indicator 56 is in days
def test_56_is_in_days_and_formats_as_a_number():
    assert line(D1, 1471).startswith("\t")                  # the row's id is not printed (see the catalogue)
    assert "Median ventetid (antall dager)" in line(D1, 1471)
    assert indicator(56)["unit"] == "days"
    labels = frames()["labels_unit"].set_index("code")
    assert labels.at["days", "label"] == "dager"
    assert fmt.level(obs(56, 2020)["value"], "days", obs(56, 2020)["value_decimals"]) == "26"


# 11. an erratum is a real inconsistency: rounding is not one
@pytest.mark.parametrize("document, printed, check", [
    (D1, "Syv av ti kommuner", lambda: "Syv av ti kommuner har det (indikator 69)" in line(D1, 179)
     and "\t66 %\t" in line(D1, 1566)),
    (D2, "mer enn 1 milliard kroner", lambda: "mer enn 1 milliard kroner" in line(D2, 86) and "1, 035 mrd" in line(D2, 234)),
    (D3, "80 prosent", lambda: line(D3, 3684).startswith("80 prosent")),
])
def test_rounding_is_no_erratum(document, printed, check):
    assert check()
    e = frames()["errata"]
    assert e[(e["document"] == document) & (e["printed"] == printed)].empty


def test_rounded_statements_stay_as_figures():
    f = figure("ind69_stated_level")
    assert (f["value"], f["unit"], f["year"]) == (7, "of_10", "2018")
    survey = frames()["survey2014"]
    assert (survey[(survey["table"] == "tekst") & (survey["value"] == 80)]["location"].str.contains("line").sum() >= 3)
    assert 3 + 11 + 65 == 79                            # Tabell 6.2's printed shares (003 lines 3694-3698)


# found in passing
def test_figure_of_drug_deaths_names_indicator_9():
    assert "[indicator 9 (001 Tabell 6.1, line 1233)]" in figure("narkotikautloste_dodsfall")["text"]
