"""The numbers-as-words API the chapter notebooks use (evalkit.book.Chapter): each answer is checked
against the sources' values."""

import matplotlib.pyplot as plt
import pytest

from evalkit import book, words

NB = "\u00a0"


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
    assert glued["i88_change"] == f"{book.fmt.MINUS}21,1{NB}%" and glued["i88_colour"] == "rød"
    ch.glue_span("i28", 28)  # one value only: no change glued
    assert "i28_change" not in glued and glued["i28_first_year"] == "2017"


def test_glue_area_summary(ch, glued):
    overall = ch.glue_area_summary("h5", "hovedmal5")
    assert len(overall) == 7 and glued["h5_n_ind"] == "7"
    assert glued["h5_n_single"] == "ingen" or int(glued["h5_n_single"]) >= 0


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
