"""Rendering of the full tables for the book, without building it (escaping is in test_htmltables.py):
colours carry a symbol, the final report's statements are visibly separate from computed changes."""

import pytest

from evalkit import book


@pytest.fixture(scope="module")
def chapter():
    return book.setup(as_of=2020)


def test_every_change_cell_has_a_symbol_and_a_background(chapter):
    table = chapter.table("hovedmal2")
    shown, css = book.table_frame(chapter, table)
    symbols = {c.symbol for c in chapter.vocab.colours.values()}
    for p in table.periods:
        label = f"{p[0]}–{p[1]}"
        # the symbol, then possibly the significance marker (* not significant, ? sample size unknown)
        assert shown[label].map(lambda s: s.split()[-1] in symbols or (s.split()[-2] in symbols
                                                                       and s.split()[-1] in "*?")).all()
        assert css[label].str.startswith("background-color").all()


def test_significance_markers_follow_the_second_reading(chapter):
    """Indicator 42 (2017-2018, 44 -> 51 % of over 400 municipalities) is significant: no marker;
    33 (39 -> 44 %) is not: marked *; 45's 2020 sample size is only "under 300": marked ?."""
    cells = {}
    for area in ("hovedmal1", "hovedmal2"):
        shown, _ = book.table_frame(chapter, chapter.table(area))
        cells.update(shown.set_index("Nr.").to_dict("index"))
    assert cells["42"]["2017–2018"].endswith("✓")
    assert cells["33"]["2017–2018"].endswith("✓ *")
    assert cells["45"]["2016–2020"].endswith("✓ ?")


def test_reported_statements_are_a_separate_italic_column(chapter):
    shown, css = book.table_frame(chapter, chapter.table("hovedmal5"))
    col = "Oppgitt i sluttrapporten"
    row88 = shown.set_index("Nr.").loc["88", col]
    assert row88.startswith("−21") and "per år" in row88
    assert (css[col] == "font-style: italic").all()
    # as of 2018 the final report's statements are not shown
    ch2018 = book.setup(as_of=2018)
    assert col not in book.table_frame(ch2018, ch2018.table("hovedmal5"))[0].columns
