"""The vocabulary as data: documents, areas, the label tables and the verdicts are validated resources,
every field that uses their codes refers to them by a foreign key, and broken files give one clear
problem each."""

import csv
import functools
import json
import re
import shutil

import pytest

from evalkit import DataValidationError, validate
from evalkit.cli import main
from evalkit.data import default_data_dir, reading_order

from .conftest import DATA, MINI, ROOT, write_csv

SEEDS = ROOT.parent / "shared" / "seeds"
DESCRIPTOR = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
VOCABULARIES = [r["name"] for r in DESCRIPTOR["resources"]
                if r["name"] in ("documents", "areas") or r["name"].startswith("labels_")]


def rows(name):
    return [list(r) for r in MINI[name]]


def problems(pkg) -> list[str]:
    """Every problem of the package, as printed, with the folder left out."""
    with pytest.raises(DataValidationError) as info:
        validate(pkg)
    return [str(p).replace(f"{pkg}/", "") for p in info.value.problems]


@functools.lru_cache(maxsize=1)
def real() -> dict:
    """The frames of data/ (read once; the tests only read them)."""
    return validate()


def codes(name: str, column: str) -> list[str]:
    return list(real()[name][column])


# --- every foreign key into the vocabulary is enforced ---------------------------------------------

FOREIGN_KEYS = [(r["name"], fk["fields"][0], fk["reference"]["resource"], fk["reference"]["fields"][0])
                for r in DESCRIPTOR["resources"] for fk in r["schema"].get("foreignKeys", [])
                if fk["reference"]["resource"] in VOCABULARIES]


def test_every_field_with_a_code_refers_to_its_vocabulary():
    fks = {(res, field): target for res, field, target, _ in FOREIGN_KEYS}
    with_document = [r["name"] for r in DESCRIPTOR["resources"] if r["name"] != "documents"
                     and any(f["name"] == "document" for f in r["schema"]["fields"])]
    assert len(with_document) == 15
    assert all(fks[(name, "document")] == "documents" for name in with_document)
    assert fks[("indicators", "area")] == fks[("verdicts", "area")] == "areas"
    assert fks[("indicators", "unit")] == fks[("reported_changes", "unit")] == "labels_unit"
    assert fks[("indicators", "direction")] == "labels_direction"
    assert fks[("indicators", "type")] == "labels_type"
    assert fks[("errata", "kind")] == "labels_errata_kind"
    for name in ("observations", "reported_changes", "figures", "sample_sizes"):
        assert fks[(name, "qualifier")] == "labels_qualifier"
    # a foreign key replaces the enum: the allowed codes are listed once, in the vocabulary
    for res, field, _, _ in FOREIGN_KEYS:
        spec = next(f for f in next(r for r in DESCRIPTOR["resources"] if r["name"] == res)["schema"]["fields"]
                    if f["name"] == field)
        assert "enum" not in spec.get("constraints", {}), (res, field)


@pytest.mark.parametrize("resource, field, target, target_field", FOREIGN_KEYS,
                         ids=[f"{r}.{f}" for r, f, _, _ in FOREIGN_KEYS])
def test_an_unknown_code_names_file_line_column_and_the_allowed_codes(mini_package, resource, field, target,
                                                                       target_field):
    path = mini_package / f"{resource}.csv"
    if f"{resource}.csv" in MINI:
        data = rows(f"{resource}.csv")
    else:  # copied from data/
        with open(path, newline="", encoding="utf-8") as fh:
            data = list(csv.reader(fh))
    if len(data) == 1:  # errata.csv and revisions.csv are empty in the mini package: give them a valid row first
        data.append({"errata": ["3", "change 2016-2017", "endring 2016–2017", "4,3 %", "4,2 %", "change_column",
                                "why", "001_8ceffd757f77f65e.txt", "Tabell 5.1, line 1090"],
                     "revisions": ["2026-12-02", "observations.csv", "id=3;year=2016;series=main", "value", "2050",
                                   "2053", "why", "001_8ceffd757f77f65e.txt", "Tabell 5.1, line 1090"]}[resource])
    data[1][data[0].index(field)] = "nope"
    write_csv(path, data)
    allowed = ", ".join(codes(target, target_field))
    assert problems(mini_package) == [f"{resource}.csv:2: column '{field}': 'nope' is not one of the allowed "
                                      f"values ({allowed})"]


def test_messages_for_unknown_area_document_unit_and_errata_kind(mini_package):
    cat = rows("indicators.csv")
    cat[1][1] = "hovedmal6"                         # line 2: area
    cat[2][5] = "prosent"                           # line 3: unit
    write_csv(mini_package / "indicators.csv", cat)
    obs = rows("observations.csv")
    obs[3][5] = "005_0000000000000000.txt"          # line 4: document
    write_csv(mini_package / "observations.csv", obs)
    errata = rows("errata.csv") + [["3", "change 2016-2017", "endring 2016–2017", "4,3 %", "4,2 %", "rounding",
                                    "why", "001_8ceffd757f77f65e.txt", "Tabell 5.1, line 1090"]]
    write_csv(mini_package / "errata.csv", errata)
    assert problems(mini_package) == [
        "errata.csv:2: column 'kind': 'rounding' is not one of the allowed values (change_column, unit_label, "
        "typography, text_vs_table, within_report, between_reports, table_total, table_share)",
        "indicators.csv:2: column 'area': 'hovedmal6' is not one of the allowed values (ressursinnsats, "
        "samfunnseffekter, hovedmal1, hovedmal2, hovedmal3, hovedmal4, hovedmal5)",
        "indicators.csv:3: column 'unit': 'prosent' is not one of the allowed values (percent, count, nok_million, "
        "nok_thousand, rate_per_10000, score, index, days, percent_per_year, percentage_points)",
        "observations.csv:4: column 'document': '005_0000000000000000.txt' is not one of the allowed values "
        "(001_8ceffd757f77f65e.txt, 000_1738e49f1275b4c4.txt, 004_de5b7ec31aa4fda7.txt, "
        "002_c7439a1d68525817.txt, 003_33156e0f2a1e4cc6.txt)",
    ]


def test_an_empty_optional_code_is_allowed(mini_package):
    cat = rows("indicators.csv")
    assert cat[1][2] == ""                          # indicators.type may be empty
    validate(mini_package)


@pytest.mark.parametrize("unit", ["percent_per_year", "percentage_points"])
def test_an_indicator_is_not_measured_in_a_unit_of_changes(mini_package, unit):
    cat = rows("indicators.csv")
    cat[2][5] = unit
    write_csv(mini_package / "indicators.csv", cat)
    assert problems(mini_package) == [f"indicators.csv:3: column 'unit': indicator 7 has unit {unit!r}, a unit "
                                      "of changes; an indicator's unit is that of its levels"]


def test_a_broken_vocabulary_is_reported_once(mini_package):
    """documents.csv is referred to by every other file; when it is broken, they are not blamed."""
    text = (mini_package / "documents.csv").read_text(encoding="utf-8")
    (mini_package / "documents.csv").write_text(text.replace("Fafo 2019", ""), encoding="utf-8")
    assert problems(mini_package) == ["documents.csv:2: column 'label': required value is empty"]


def test_resources_are_read_after_those_they_refer_to():
    order = reading_order(DATA)
    assert order[:len(VOCABULARIES)] == VOCABULARIES
    for res in DESCRIPTOR["resources"]:
        for fk in res["schema"].get("foreignKeys", []):
            assert order.index(fk["reference"]["resource"]) < order.index(res["name"]), (res["name"], fk)


# --- the vocabulary's content --------------------------------------------------------------------


def test_areas_are_the_seven_the_indicators_use_in_the_tables_order():
    frames = real()
    areas = frames["areas"].sort_values("order")
    assert list(areas["area"]) == ["ressursinnsats", "samfunnseffekter", "hovedmal1", "hovedmal2", "hovedmal3",
                                   "hovedmal4", "hovedmal5"]
    assert list(areas["order"]) == list(range(1, 8))
    assert set(frames["indicators"]["area"]) == set(areas["area"])
    assert set(frames["verdicts"]["area"]) == set(areas["area"])
    assert areas.set_index("area").at["hovedmal3", "name"] == \
        "Hovedmål 3: Et tilgjengelig, variert og helhetlig tjenesteapparat"


def test_documents_are_cited_as_in_references_bib():
    docs = real()["documents"]
    assert list(docs["label"]) == ["Fafo 2019", "Fafo 2021", "Fafo 2021 (lysark)", "Helsedirektoratet 2012",
                                   "Kartlegging 2014"]
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    entries = dict(re.findall(r"@\w+\{(\w+),(.*?)\n\}", bib, flags=re.S))
    for doc in docs.itertuples():
        entry = entries[doc.bibkey]
        title = re.search(r"title\s*=\s*\{(.*)\},?\n", entry).group(1).replace("--", "–")
        assert title == doc.title, doc.bibkey
        assert doc.document.replace("_", r"\_").removesuffix(".txt") in entry, doc.bibkey  # note = {Kildefil ...}


def test_the_label_tables_hold_what_the_book_shows():
    frames = real()
    label = {name: dict(zip(frames[name]["code"], frames[name]["label"].fillna("")))
             for name in VOCABULARIES if name.startswith("labels_")}
    assert label["labels_direction"] == {"up": "opp", "down": "ned", "none": "ingen"}
    assert label["labels_qualifier"] == {"exact": "", "approx": "ca.", "lower_bound": "over", "upper_bound": "under"}
    assert label["labels_unit"]["rate_per_10000"] == "per 10 000"
    symbols = dict(zip(frames["labels_unit"]["code"], frames["labels_unit"]["symbol"].fillna("")))
    assert symbols["percent"] == "%" and symbols["count"] == "" and symbols["percentage_points"] == "%-poeng"
    colours = frames["labels_colour"].set_index("code")
    assert list(colours.index) == ["green", "yellow", "red", "grey"]
    assert colours.at["red", "plural"] == "røde" and colours.at["green", "symbol"] == "✓"
    from evalkit.classify import COLOURS
    from evalkit.trend import STATUS_COLOUR
    assert list(colours.index) == list(COLOURS)                     # what the classifier emits
    assert set(label["labels_trend_status"]) == set(STATUS_COLOUR)  # what the trend reading emits
    assert label["labels_trend_status"]["not_available"] == "ikke vurdert"
    assert dict(zip(frames["series"]["series"], frames["series"]["label"]))["main"] == "hovedserien"


# --- the verdicts and their sources ---------------------------------------------------------------

# For each area, words that the verdict (or its summary) and the seed lines it cites both contain.
VERDICT_WORDS = {
    "ressursinnsats": ["innfridd, med forbehold"],                 # 004 line 3
    "hovedmal1": ["relativt høy på individnivå, lav på tjeneste- og systemnivå"],   # 004 lines 5-6
    "hovedmal2": ["relativt høy", "barn og unge"],                 # 004 line 8: "særlig overfor barn og unge"
    "hovedmal3": ["samlet vurdering", "sammensatt"],               # 004 lines 10-11
    "hovedmal4": ["lav"],                                          # 004 line 13: "Vurderes å være lav."
    "hovedmal5": ["høy"],                                          # 004 line 15: "Vurderes å være høy."
    "samfunnseffekter": ["overdoser", "levekår"],                  # 000 lines 847-870, ch. 9
}


def _lines(location: str) -> list[int]:
    a, b = re.search(r"lines? (\d+)(?:-(\d+))?$", location).groups()
    return list(range(int(a), int(b or a) + 1))


def test_verdicts_keep_the_computed_figure_as_a_placeholder():
    verdicts = real()["verdicts"].set_index("area")
    assert list(verdicts.index) == list(VERDICT_WORDS)
    summary = verdicts.at["ressursinnsats", "summary"]
    assert "{target_total_escalation} milliarder kroner" in summary
    figures = set(real()["figures"]["key"])
    for text in verdicts["summary"]:
        assert set(re.findall(r"\{(\w+)\}", text)) <= figures


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents are not here")
def test_every_verdict_is_stated_on_the_lines_it_cites():
    verdicts = real()["verdicts"]
    for v in verdicts.itertuples():
        seed = (SEEDS / v.document).read_text(encoding="utf-8").splitlines()
        lines = _lines(v.location)
        assert 1 <= lines[0] <= lines[-1] <= len(seed), (v.area, v.location)
        cited = " ".join(" ".join(seed[n - 1] for n in lines).lower().split())
        ours = f"{v.verdict} {v.summary}".lower()
        for word in VERDICT_WORDS[v.area]:
            assert word in cited, (v.area, word, cited)
            assert word in ours, (v.area, word, ours)
    # the slide summary states the six verdicts of the plan's goals; the final report the effects on society
    assert verdicts.set_index("area")["document"].to_dict() == {
        **{a: "004_de5b7ec31aa4fda7.txt" for a in list(VERDICT_WORDS)[:6]},
        "samfunnseffekter": "000_1738e49f1275b4c4.txt"}


# --- where the data is ----------------------------------------------------------------------------


def test_default_data_dir_is_found_from_a_subfolder(tmp_path, monkeypatch):
    monkeypatch.delenv("EVALKIT_DATA", raising=False)
    book = tmp_path / "book"
    (book / "data").mkdir(parents=True)
    shutil.copy(DATA / "datapackage.json", book / "data" / "datapackage.json")
    (book / "chapters" / "deep").mkdir(parents=True)
    monkeypatch.chdir(book / "chapters" / "deep")
    assert default_data_dir().resolve() == (book / "data").resolve()
    monkeypatch.chdir(book)
    assert default_data_dir().resolve() == (book / "data").resolve()


def test_default_data_dir_honours_evalkit_data_and_falls_back_to_the_checkout(tmp_path, monkeypatch):
    monkeypatch.delenv("EVALKIT_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    assert default_data_dir().resolve() == DATA.resolve()
    monkeypatch.setenv("EVALKIT_DATA", str(tmp_path / "elsewhere"))
    assert default_data_dir() == tmp_path / "elsewhere"


# --- a broken file gives one clear problem, and no traceback --------------------------------------


def _header(pkg, header):
    data = rows("observations.csv")
    write_csv(pkg / "observations.csv", [header, *[r + [""] * (len(header) - len(r)) for r in data[1:]]])


OBS_HEADER = MINI["observations.csv"][0]


def _quote(pkg):
    errata = (pkg / "errata.csv").read_text(encoding="utf-8")
    (pkg / "errata.csv").write_text(errata + '3,"change 2016-2017,4,4,change_column,why,001_8ceffd757f77f65e.txt,'
                                    'line 1\n', encoding="utf-8")


def _latin1(pkg):
    data = rows("indicators.csv")
    data[3][3] = "Antall straffereaksjoner for ruspåvirket kjøring"
    write_csv(pkg / "indicators.csv", data, encoding="latin-1")


def _bom(pkg):
    text = (pkg / "series.csv").read_text(encoding="utf-8")
    (pkg / "series.csv").write_text("\ufeff" + text, encoding="utf-8")


BROKEN = {
    "missing column": (lambda p: _header(p, OBS_HEADER[:2] + OBS_HEADER[3:]),
                       "observations.csv:1: missing column(s): value"),
    "extra column": (lambda p: _header(p, [*OBS_HEADER, "comment"]),
                     "observations.csv:1: unexpected column(s): 'comment'"),
    "renamed column": (lambda p: _header(p, [*OBS_HEADER[:-1], "notes"]),
                       "observations.csv:1: column 'notes' should be named 'note'"),
    "columns out of order": (lambda p: _header(p, [OBS_HEADER[1], OBS_HEADER[0], *OBS_HEADER[2:]]),
                             "observations.csv:1: columns out of order: expected id, year, value, qualifier, "
                             "series, document, location, note"),
    "latin-1": (_latin1, "indicators.csv:4: not UTF-8 (byte 0xe5); save the file as UTF-8"),
    "byte-order mark": (_bom, "series.csv:1: starts with a byte-order mark (BOM); save as UTF-8 without BOM"),
    "unbalanced quote": (_quote, "errata.csv:2: cannot be parsed as CSV from this line on (unexpected end of "
                                 "data); is a quote not closed?"),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_broken_file_gives_one_clear_problem(mini_package, case, capsys):
    mutate, expected = BROKEN[case]
    mutate(mini_package)
    assert problems(mini_package) == [expected]
    with pytest.raises(SystemExit) as info:
        main(["validate", "--data", str(mini_package)])
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.replace(f"{mini_package}/", "").splitlines() == ["1 problem in the data:", f"  {expected}"]


def test_a_short_row_is_one_problem(mini_package):
    write_csv(mini_package / "observations.csv", rows("observations.csv") + [["3", "2019", "2200"]])
    assert problems(mini_package) == ["observations.csv:8: 3 values, but the header has 8 columns"]


def test_a_quoted_cell_over_two_lines_keeps_the_file_lines(mini_package):
    data = rows("observations.csv")
    data[1][7] = "first line\nsecond line"          # the record of line 2 ends on line 3
    data[4][2] = "abc"                              # the record of line 5 starts on line 6
    write_csv(mini_package / "observations.csv", data)
    assert problems(mini_package) == ["observations.csv:6: column 'value': 'abc' is not a valid number"]
    data[4][2] = "27"
    write_csv(mini_package / "observations.csv", data)
    obs = validate(mini_package)["observations"]
    assert list(obs.index) == [2, 4, 5, 6, 7, 8]
    assert obs.loc[6, "value"] == 27


def test_unused_enum_helper_is_gone():
    import evalkit.data

    assert not hasattr(evalkit.data, "enum")
