"""The figures as a reader gets them, drawn without building the book: Norwegian numbers on the axes,
whole-number ticks for counts, lines told apart without colour, a text alternative with the main
numbers (values from data/, written here) and the numbers as a table; the fills' contrast with the
text drawn on them."""

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from bs4 import BeautifulSoup  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from evalkit import book, figures  # noqa: E402
from evalkit.htmltables import BACKGROUND  # noqa: E402

from .test_htmltables import contrast  # noqa: E402

NB = "\u00a0"


@pytest.fixture(scope="module")
def ch():
    return book.setup(as_of=2020)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def tick_labels(axis) -> list[str]:
    axis.figure.canvas.draw()
    return [t.get_text() for t in axis.get_ticklabels() if t.get_text()]


def test_line_figure_alt_text_has_the_main_numbers(ch):
    """Hovedmål 5 (observations.csv): 87 has 134, 145, 162 (2016-2018) and 162 in 2020; 88 has 675,
    650, 329 and 261."""
    fig = book.line_figure(ch, [87, 88], "Plasser og soninger", "KDI.", ylabel="Antall",
                           labels={87: "87: Plasser", 88: "88: Soner i institusjon"})
    alt = fig.evalkit_text.alt
    assert alt.startswith("Linjediagram: Plasser og soninger.")
    assert "87: Plasser: 134 i 2016, 145 i 2017, 162 i 2018 og 162 i 2020." in alt
    assert "88: Soner i institusjon: 675 i 2016, 650 i 2017, 329 i 2018 og 261 i 2020." in alt
    data = fig.evalkit_text.data
    assert list(data["År"]) == [2016, 2017, 2018, 2020]
    assert list(data["88: Soner i institusjon"]) == ["675", "650", "329", "261"]


def test_counts_get_whole_number_ticks_and_lines_differ_by_marker(ch):
    fig = book.line_figure(ch, [87, 88], "Plasser og soninger", "KDI.", ylabel="Antall")
    ax = fig.axes[0]
    values = ax.yaxis.get_majorticklocs()
    assert all(float(v).is_integer() for v in values)
    markers = [h.get_marker() for h in ax.get_legend().legend_handles]
    assert len(set(markers)) == 2


def test_thousands_are_grouped_with_a_space(ch):
    """Indicator 4 (årsverk): 13 936 in 2016 to 15 894 in 2018: the axis reads 14 000, not 14000."""
    fig = book.line_figure(ch, [4], "Årsverk", "IS-24/8.", ylabel="Årsverk")
    labels = tick_labels(fig.axes[0].yaxis)
    assert f"14{NB}000" in labels and not any("," in t or "." in t for t in labels)
    assert "13 936 i 2016" in fig.evalkit_text.alt.replace(NB, " ")


NEW_SAMPLE = ("main", "brukerplan_2020_sample")


def break_marks(fig) -> list:
    return [line for line in fig.axes[0].get_lines() if (line.get_gid() or "").startswith("evalkit-series-break")]


def test_a_series_break_is_marked_named_and_told(ch):
    """Indicator 15 (observations.csv): BrukerPlan's original sample (main) 5 % in 2016, 2017 and 2018
    (Tabell 6.1, line 1239); the new sample 5 % in 2017 and 4 % in 2020 (000, line 921). From 2020 the
    values are the new sample's: one mark between 2018 and 2020, in the legend, the text and the SVG."""
    fig = book.line_figure(ch, [15], "Levekår", "BrukerPlan.", labels={15: "15"}, series=NEW_SAMPLE)
    marks = break_marks(fig)
    assert len(marks) == 1 and list(marks[0].get_xdata()) == [2019, 2019]
    assert marks[0].get_linestyle() == "-."  # not dotted: a dotted line joins values across a gap
    legend = {t.get_text(): h for t, h in zip(fig.axes[0].get_legend().get_texts(),
                                               fig.axes[0].get_legend().legend_handles)}
    assert legend["Brudd i serien"].get_linestyle() == "-."
    assert fig.evalkit_text.alt.endswith(
        "15 (nytt BrukerPlan-utvalg): 5 % i 2017 og 4 % i 2020. Brudd i serien mellom 2018 og 2020: hovedserien "
        "slutter i 2018, og fra 2020 hører verdiene til serien «nytt BrukerPlan-utvalg», som ikke kan "
        "sammenlignes med hovedserien.".replace(" %", NB + "%"))
    svg = io.StringIO()
    fig.savefig(svg, format="svg")
    assert 'id="evalkit-series-break-0"' in svg.getvalue() and "<!-- Brudd i serien -->" in svg.getvalue()


def test_no_break_without_values_after_the_main_series(ch):
    # 87 has the main series only; in the 2018 edition, 15's new sample has 2017 alone, beside the main
    # series' 2016-2018 (a year to compare with, not a break); 32 has no main series to break from
    for chapter, ident, series in ((ch, 87, ("main",)), (book.setup(as_of=2018), 15, NEW_SAMPLE),
                                   (ch, 32, ("main", "is248_graded_scale"))):
        fig = book.line_figure(chapter, [ident], "Uten brudd", "Kilde.", ylabel="Verdi", series=series)
        assert not break_marks(fig) and "Brudd" not in fig.evalkit_text.alt, ident
        assert "Brudd i serien" not in [t.get_text() for t in fig.axes[0].get_legend().get_texts()], ident


def test_decimal_comma_on_fractional_ticks():
    fig = book.bar_figure(pd.Series({"a": 0.4, "b": 1.1, "c": 2.3}), "Små tall", "Test.", ylabel="Verdi")
    labels = tick_labels(fig.axes[0].yaxis)
    assert "0,5" in labels and not any("." in t for t in labels)
    assert "Verdi: a: 0; b: 1; c: 2." in fig.evalkit_text.alt   # fmt.number's default: whole numbers


def test_colour_bars_count_whole_indicators_and_say_so(ch):
    counts = ch.colour_counts_by_area()
    fig = book.colour_bars(ch, counts, "Utvikling per område", "Datapakken.")
    labels = tick_labels(fig.axes[0].xaxis)
    assert labels and all(t.isdigit() for t in labels)
    alt = fig.evalkit_text.alt
    # Hovedmål 5 (2016-2020): six green, one red (88), as tests/test_chapter_api.py works out by hand
    assert "Hovedmål 5: 6 grønne og 1 rød." in alt
    assert list(fig.evalkit_text.data.columns) == ["Område", "✓ grønn", "= gul", "✗ rød", "– grå"]
    # every segment's label is drawn in black on its light fill: at least 4.5:1
    ax = fig.axes[0]
    for text in ax.texts:
        if text.get_text():
            assert to_hex(text.get_color()) == "#000000"
    for fill in {to_hex(p.get_facecolor()) for p in ax.patches}:
        assert fill in BACKGROUND.values() and contrast(fill, "#000000") >= 4.5


def test_scale_figure_counts_steps_per_group():
    items = pd.DataFrame({"label": ["1.1 a", "1.2 b", "2.1 c"], "group": ["Mål 1", "Mål 1", "Mål 2"],
                          "rank": [2, 3, 2]})
    scale = pd.DataFrame({"symbol": ["–", "+", "++"], "rank": [1, 2, 3], "meaning": ["ingen", "noe", "mye"]})
    fig = book.scale_figure(items, scale, "Status", "Kilde.")
    assert fig.evalkit_text.alt == "Diagram: Status. Mål 1: 1 med ++ og 1 med +. Mål 2: 1 med +."
    assert list(fig.evalkit_text.data["Vurdering"]) == ["+ noe", "++ mye", "+ noe"]


def test_svg_output_carries_the_alt_text(ch):
    fig = book.line_figure(ch, [87], "Plasser", "KDI.", ylabel="Antall")
    svg, metadata = figures._with_alt(lambda f: "<svg/>")(fig)
    assert svg == "<svg/>" and metadata == {"alt": fig.evalkit_text.alt}
    plain = plt.figure()
    assert figures._with_alt(lambda f: "<svg/>")(plain) == "<svg/>"


def test_data_table_under_the_figure(ch):
    fig = book.line_figure(ch, [87], "Plasser", "KDI.", ylabel="Antall")
    page = BeautifulSoup(figures.data_html(fig), "html.parser")
    assert page.find("summary").get_text() == "Tallene i figuren som tabell"
    table = page.find("table")
    assert table.find("caption").get_text() == "Tallene i figuren: Plasser"
    cells = [[c.get_text() for c in tr.find_all(["td", "th"])] for tr in table.find("tbody").find_all("tr")]
    assert cells[0] == ["2016", "134"] and cells[-1] == ["2020", "162"]
