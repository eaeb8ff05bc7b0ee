"""The numbers-as-words API the chapter notebooks use (evalkit.book.Chapter): each answer is checked
against the sources' values."""

import matplotlib.pyplot as plt
import pytest

from evalkit import book, words

NB = "\u00a0"
DOC2 = "002_c7439a1d68525817.txt"  # Helsedirektoratet 2012


@pytest.fixture(scope="module")
def ch():
    return book.setup(as_of=2020)


@pytest.fixture
def glued(monkeypatch):
    seen = {}
    monkeypatch.setattr(words, "glue", lambda key, text: seen.setdefault(key, text))
    return seen


def test_first_and_latest_skip_inexact_values(ch):
    assert ch.first(37) == (2017, 56.0)
    assert ch.latest(37) == (2017, 56.0)       # the 2020 value (nær 70) is approximate
    assert ch.latest(88) == (2020, 261.0)
    with pytest.raises(KeyError):
        ch.first(28, "brukerplan_2020_sample")


def test_level_and_values_text(ch):
    assert ch.level_text(37, 2020) == f"ca. 70{NB}%"
    assert ch.level_text(4, 2016) == f"13{NB}936"
    assert ch.values_text(69) == f"58{NB}% i 2017, 66{NB}% i 2018 og 64{NB}% i 2020"
    assert ch.values_text(15, "brukerplan_2020_sample") == f"5{NB}% i 2017 og 4{NB}% i 2020"


def test_movement_in_words(ch):
    assert ch.movement(42, 2017, 2018) == (f"økte med 7,0{NB}%-poeng", "grønn")
    assert ch.movement(45, 2016, 2018) == (f"gikk ned med 2,0{NB}%-poeng per år", "rød")
    assert ch.movement(56, 2016, 2018) == ("var uendret", "gul")


def test_glue_span(ch, glued):
    assert ch.glue_span("i88", 88) == (2016, 2020)
    assert glued["i88_first"] == "675" and glued["i88_last"] == "261"
    # By hand from observations.csv lines 206 and 209 (675 in 2016, 261 in 2020): (261 / 675) ** (1/4) - 1
    # = exp(ln(0,386667) / 4) - 1 = exp(-0,237548) - 1 = -21,15 % a year, shown with one decimal as the book
    # shows every change. The final report prints the same rate rounded to a whole per cent
    # (reported_changes.csv line 46: -21, "gjennomsnittlig ... per år", 000 line 777): -21,1 rounds to -21.
    assert glued["i88_change"] == f"{book.fmt.MINUS}21,1{NB}%" and glued["i88_colour"] == "rød"
    assert round((261 / 675) ** (1 / 4) - 1, 3) == -0.211 and round(-21.1) == ch.reported_statement(88, "annual_average")["value"]
    ch.glue_span("i28", 28)  # one value only: no change glued
    assert "i28_change" not in glued and glued["i28_first_year"] == "2017"


def test_glue_area_summary(ch, glued):
    overall = ch.glue_area_summary("h5", "hovedmal5")
    # By hand from observations.csv (first to last exact value, 2016-2020; all seven should rise):
    # 87: 134 -> 162 (2016-2020, +4,9 %/yr), 89: 75 -> 175, 90: 32 -> 92, 91: 32 -> 157, 92: 361 -> 513
    # (+9,2 %/yr), 93: 3,41 -> 3,74 are green; 88: 675 -> 261 is red. Every one has two exact values.
    assert len(overall) == 7
    assert {k: glued[f"h5_{k}"] for k in ("n_ind", "n_two", "n_single", "n_green", "n_yellow", "n_red")} == {
        "n_ind": "7", "n_two": "7", "n_single": "ingen", "n_green": "6", "n_yellow": "ingen", "n_red": "1"}
    glued.clear()
    ch.glue_area_summary("h1", "hovedmal1", "n_ind", "n_single")  # only the parts named
    assert sorted(glued) == ["h1_n_ind", "h1_n_single"]
    with pytest.raises(ValueError):
        ch.glue_area_summary("h1", "hovedmal1", "n_purple")


def test_figures_in_words(ch):
    assert ch.figure_text("is248_respondents", qualifier="lower_bound") == "over 400"
    assert ch.figure_text("is248_respondents", year="2020") == "under 300"
    assert ch.figure("target_total_escalation") == 2.4
    with pytest.raises(KeyError):
        ch.figure("no_such_figure")


def test_reported_text(ch):
    assert ch.reported_text(88).startswith(f"{book.fmt.MINUS}21{NB}% per år")
    assert ch.reported_text(28) == ""


def test_show_table_subset(ch):
    html = book.show_table(ch, "ressursinnsats", ids=[4, 7], name="kapasitet").to_html()
    assert 'data-area="kapasitet"' in html
    assert "Antall årsverk" in html and "Kostnader til TSB" not in html


def test_words_helpers(ch):
    assert book.years_text([2016, 2017, 2018, 2020]) == "2016–2018 og 2020"
    assert book.years_text([2017]) == "2017"
    assert book.years_text([2017, 2018]) == "2017 og 2018"   # two years are no span
    assert book.years_text([2016, 2017, 2018, 2019, 2020]) == "2016–2020"
    assert book.and_join(["a", "b", "c"]) == "a, b og c"
    assert ch.figure_year("is248_respondents", qualifier="lower_bound") == "2016–2019"
    assert list(ch.series_rows(88)["year"]) == [2016, 2017, 2018, 2020]


def test_colour_counts_in_words(ch):
    ch2018 = book.setup(as_of=2018)
    text = ch2018.colour_counts_text(ch2018.table("hovedmal5"))
    # 87 green, 88 red, 89/90 grey (no 2016), 91 green, 92 green, 93 grey (no 2018)
    assert text == "3 grønne, 1 rød og 3 grå"
    with pytest.raises(ValueError):
        ch.colour_counts_text(ch.table("hovedmal5"), (2016, 2018))  # the 2020 table has no such column


def test_scale_figure_groups_items_on_the_scale():
    import pandas as pd
    scale = pd.DataFrame({"symbol": ["-", "+", "++"], "rank": [0, 1, 2], "meaning": ["ingen", "noe", "mye"]})
    items = pd.DataFrame({"label": ["a", "b", "c"], "group": ["G1", "G1", "G2"], "rank": [2, 0, 1]})
    fig = book.scale_figure(items, scale, "Tittel", "kilde")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["G1", "a", "b", "G2", "c"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["-", "+", "++"]
    # each item's symbol stands at its step, in the row of its label
    marks = {(round(t.xy[1]), t.get_text()) for t in ax.texts}
    assert marks == {(1, "++"), (2, "-"), (4, "+")}
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["-  ingen", "+  noe", "++  mye"]
    assert any(t.get_text().startswith("Kilde: kilde") for t in fig.texts)
    plt.close(fig)


# The Chapter methods added for the background, method and appendix chapters: the catalogue's indicator ids by status and area, what a source printed where errata.csv records a discrepancy, and the counts of the third status report's printed change cells that do and do not follow from its levels. Expected values are read by hand from data/indicators.csv, data/errata.csv and data/published_changes.csv.


def test_indicator_ids_by_status_and_area(ch):
    # indicators.csv: status retired for 17, 18 (samfunnseffekter), 40, 41 (hovedmal2), 48-51 (hovedmal3)
    assert ch.indicator_ids("retired") == [17, 18, 40, 41, 48, 49, 50, 51]
    assert ch.indicator_ids("retired", "hovedmal2") == [40, 41]
    assert ch.indicator_ids("retired", "hovedmal3") == [48, 49, 50, 51]
    assert ch.indicator_ids("retired", "samfunnseffekter") == [17, 18]
    assert ch.indicator_ids("retired", "ressursinnsats") == []
    # 93 rows, 8 retired: 85 active; ressursinnsats is 1-8, all active
    assert len(ch.indicator_ids()) == 85
    assert ch.indicator_ids(area="ressursinnsats") == [1, 2, 3, 4, 5, 6, 7, 8]


def test_erratum_printed_by_document_or_indicator(ch):
    # errata.csv line 24 (Helsedirektoratet 2012), line 15 (indicator 69)
    assert ch.erratum_printed("text start of the strengthening", document=DOC2) == "Siden 2005 (Sammendrag)"
    assert ch.erratum_printed("text 2020", ident=69) == "64 prosent, dvs. en liten økning"
    with pytest.raises(KeyError):  # "mer enn 1 milliard" agrees with 1,035 billion price-adjusted: no erratum
        ch.erratum_printed("text total strengthening", document=DOC2)


def test_erratum_printed_wants_exactly_one(ch):
    with pytest.raises(KeyError):
        ch.erratum_printed("text 2020")                      # indicators 32, 38, 45, 68, 69, 92, 46
    with pytest.raises(KeyError):
        ch.erratum_printed("total Totalt", document="003_33156e0f2a1e4cc6.txt")  # four tables (lines 28-31)
    with pytest.raises(KeyError):
        ch.erratum_printed("no such erratum", ident=69)


@pytest.fixture
def glued(monkeypatch):
    seen = {}
    monkeypatch.setattr(words, "glue", lambda key, text: seen.setdefault(key, text))
    return seen


def test_glue_published_check_counts_the_printed_change_cells(ch, glued):
    # published_changes.csv has 255 rows; errata.csv lists six change cells that do not follow from
    # the levels (kind change_column: 39 three times, 91, 93; kind unit_label: 43)
    check = ch.glue_published_check("n")
    assert glued == {"n_cells": "255", "n_match": "249", "n_mismatch": "6"}
    wrong = set(zip(check.loc[~check["matches"], "id"], check.loc[~check["matches"], "period"]))
    assert wrong == {(39, "2016-2017"), (39, "2017-2018"), (39, "2016-2018"), (43, "2017-2018"),
                     (91, "2017-2018"), (93, "2016-2017")}


def test_glue_published_check_glues_only_the_parts_named(ch, glued):
    ch.glue_published_check("pc", "cells")
    assert glued == {"pc_cells": "255"}
    with pytest.raises(ValueError):
        ch.glue_published_check("pc", "cell")


# The Chapter method added for the resource, capacity and main-goal 1 and 2 chapters: the final report's one statement of a given kind for an indicator. Expected values are read by hand from data/reported_changes.csv.


def test_reported_statement_by_kind(ch):
    # reported_changes.csv line 3 and 4: indicator 4, "4,4 prosent per år" and "om lag 2600 årsverk", 2016-2020
    rate = ch.reported_statement(4, "annual_average")
    assert (rate["value"], rate["unit"], rate["period"]) == (4.4, "percent_per_year", "2016-2020")
    total = ch.reported_statement(4, "total_change")
    assert (total["value"], total["qualifier"], total["period"]) == (2600, "approx", "2016-2020")
    # line 12 (31), and the direction rows of 43 and 46: "økt"
    assert [ch.reported_statement(i, "direction")["text"] for i in (31, 43, 46)] == ["økt", "økt", "økt"]
    # line 13: indicator 32, a fall of 5 points from an unstated year
    fall = ch.reported_statement(32, "level_difference")
    assert (fall["value"], fall["unit"], fall["period"]) == (-5, "percentage_points", "unstated")


def test_reported_statement_wants_exactly_one(ch):
    with pytest.raises(KeyError):
        ch.reported_statement(4, "direction")      # indicator 4 has a rate and a total, no direction
    with pytest.raises(KeyError):
        ch.reported_statement(28, "direction")     # indicator 28 has no statement at all


# The Chapter method added for the main-goal 3-5, societal-effects and goal-attainment chapters: the year and value of an indicator's highest value within the edition's years. Expected values are read by hand from data/observations.csv.


@pytest.fixture(scope="module")
def ch2018():
    return book.setup(as_of=2018)


def test_peak_is_the_year_of_the_highest_value(ch):
    # observations.csv lines 220-223: indicator 92 is 361, 422, 527, 513 in 2016, 2017, 2018, 2020
    assert ch.peak(92) == (2018, 527.0)
    # lines 152-154: indicator 69 is 58, 66, 64 in 2017, 2018, 2020
    assert ch.peak(69) == (2018, 66.0)


def test_peak_takes_the_earliest_year_on_a_tie(ch):
    # lines 120-124: indicator 56 is 27 in 2016-2019 and 26 in 2020
    assert ch.peak(56) == (2016, 27.0)


def test_peak_keeps_to_the_edition(ch, ch2018):
    # lines 26-28: indicator 9 is 284 (2016), 247 (2017) and 324 (2020); the 2018 edition has no 2020
    assert ch.peak(9) == (2020, 324.0)
    assert ch2018.peak(9) == (2016, 284.0)


def test_peak_of_another_series_counts_approximate_values(ch):
    # lines 45 and 47: indicator 15 in BrukerPlan's new sample is 5 (2017) and 4 (2020)
    assert ch.peak(15, "brukerplan_2020_sample") == (2017, 5.0)
    # indicator 37: 56 % (2017, exact) and ca. 70 % (2020, approximate): the approximate value counts
    assert ch.peak(37) == (2020, 70.0)


def test_peak_without_values_raises(ch):
    # indicators 17 and 18 are retired and have no observations
    with pytest.raises(KeyError):
        ch.peak(17)
