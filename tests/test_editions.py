"""What differs between the editions (as of 2018 and as of 2020) and what the corrections changed, with
values checked by hand against the data and the seeds."""

import functools

import pytest

from evalkit import validate
from evalkit.editions import (added, correction_effects, first_sentence, published_state, retired, revised_levels,
                              span_colours)


@functools.lru_cache(maxsize=1)
def frames():
    return validate()


def test_documents_say_which_edition_they_supply():
    docs = frames()["documents"].set_index("document")["edition"]
    assert docs["001_8ceffd757f77f65e.txt"] == 2018                 # the third status report
    assert docs["000_1738e49f1275b4c4.txt"] == docs["004_de5b7ec31aa4fda7.txt"] == 2020
    assert docs.isna().sum() == 2                                    # the 2007-2012 plan and the 2014 survey


def test_revised_levels_are_the_two_years_both_reports_give_differently():
    rev = revised_levels(frames())
    # 8/2016: 57 (001 Tabell 5.1, line 1094) vs 60 millioner (000 line 284, no price basis);
    # 77/2017: 73 % (001 Tabell 10.1, line 1575) vs 74 % in the revised BrukerPlan sample (000 line 698).
    # 15/2017 is 5 % in both and is not listed.
    got = [(r.id, r.year, r.status_value, r.status_series, r.final_value, r.final_series) for r in rev.itertuples()]
    assert got == [(8, 2016, 57, "main", 60, "final_report_2021"), (77, 2017, 73, "main", 74, "brukerplan_2020_sample")]
    assert list(rev["location"]) == ["p. text, line 284", "p. text, line 698"]


def test_span_colours_of_both_editions():
    s = span_colours(frames())
    assert len(s) == 85                                             # the active indicators
    # the final edition does not recolour 2016-2018: it adds years, not levels
    assert (s["status"] == s["final_same_span"]).all()
    # 45: 77 % (2016) -> 73 % (2018) is -2,0 points a year, red; -> 85 % (2020) is +2,0 a year, green
    assert (s.at[45, "status"], s.at[45, "final"]) == ("red", "green")
    assert s.at[45, "status_delta"] == pytest.approx(-2.0) and s.at[45, "final_delta"] == pytest.approx(2.0)
    # 58: 77 -> 75 is -1,0 a year (at the threshold: yellow); 77 -> 82 (2020) is +1,25 a year, green
    assert (s.at[58, "status"], s.at[58, "final"]) == ("yellow", "green")
    # 76: 58 -> 55 is -1,5 a year, red; 58 -> 58 is 0, yellow
    assert (s.at[76, "status"], s.at[76, "final"]) == ("red", "yellow")
    # 4: green over 2016-2018, grey over 2016-2020 because the final report has no level for 2020
    assert (s.at[4, "status"], s.at[4, "final"], s.at[4, "reason"]) == ("green", "grey", "missing")
    both = s[(s["status"] != "grey") & (s["final"] != "grey") & (s["status"] != s["final"])]
    assert sorted(both.index) == [45, 46, 58, 76]


def test_retired_and_added_indicators():
    r = retired(frames())
    assert list(r.index) == [17, 18, 40, 41, 48, 49, 50, 51]       # 001 lines 335-341
    # the reader's note (note_nb): the report's words and the same source lines as the maintainers' note
    assert r.at[17, "reason"].startswith("Tatt ut i tredje statusrapport: 'Under samfunnseffekter er det tatt ut")
    assert r.at[17, "reason"].endswith("(linje 337; også linje 335: ingen nye tall ventes i planperioden).")
    assert r.at[40, "reason"].endswith("(linje 339-341; kapittel 2 'Revidering av indikatorsett', linje 332).")
    assert added(frames()) == []                                   # every active indicator has a value in 001


def test_first_sentence():
    assert first_sentence("Retired: 'a. b' (line 3). More.") == "Retired: 'a. b' (line 3)."
    assert first_sentence("Plain text. More.") == "Plain text."
    assert first_sentence(None) == ""


def test_published_state_undoes_the_corrections():
    then = published_state(frames())
    cat = then["indicators"].set_index("id")
    assert cat.at[44, "direction"] == "up" and cat.at[56, "unit"] == "count"
    obs = then["observations"].set_index(["id", "year", "series"])
    assert obs.at[(77, 2019, "main"), "value"] == 71
    assert obs.at[(79, 2020, "brukerplan_2020_sample"), "qualifier"] == "approx"
    assert len(then["observations"]) == len(frames()["observations"]) + 2
    assert frames()["indicators"].set_index("id").at[44, "direction"] == "none"      # the frames are not changed


def test_correction_effects_are_the_cells_whose_colour_changed():
    eff = correction_effects(frames())
    got = sorted(zip(eff["edition"], eff["id"], eff["period"], eff["before"], eff["after"]))
    # 44: 1252 -> 1499 is +19,7 %, green while 'up', grey without a direction (both editions);
    # 77: 71 % (2018) -> 71 % (2019) was yellow; without the 2019 value the cell is grey (final edition only)
    assert got == [(2018, 44, "2016–2017", "green", "grey"), (2020, 44, "2016–2017", "green", "grey"),
                   (2020, 77, "2018–2019", "yellow", "grey")]
