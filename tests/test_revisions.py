"""The revision log and the last release.

Every published field (values, qualifiers and series of observations; the catalogue's unit, change rule,
direction and status; stated changes; figures; errata; sample sizes; ...) is compared, by primary key,
with the same file at the last release's commit (``git show``). A difference without revision rows that
lead from the old value to the new fails. The log itself is validated like every other file, and a bad
row is reported as ``revisions.csv:line: column: message``."""

import csv
import shutil
import subprocess

import pytest

from evalkit import DataValidationError, validate
from evalkit.data import PUBLISHED_FIELDS
from evalkit.revisions import ReleaseUnavailable, git_release, last_release, unlogged_changes

from .conftest import DATA, DOC, MINI, ROOT, write_csv

HEADER = MINI["revisions.csv"][0]


def release():
    """The last release and a reader of its files; a clear failure (never a skip) if git or the commit
    is missing."""
    rel = last_release(DATA)
    try:
        return rel, git_release(ROOT, rel["commit"])
    except ReleaseUnavailable as exc:
        pytest.fail(f"data/ cannot be compared with release {rel['edition']} ({rel['commit']}): {exc}")


# --- the data now against the last release ----------------------------------------------------------


def test_every_published_change_since_the_last_release_has_revision_rows():
    rel, read = release()
    compared = [f for f in PUBLISHED_FIELDS if read(f) is not None]
    # the comparison is not empty: the main files were published
    assert {"indicators.csv", "observations.csv", "reported_changes.csv", "figures.csv", "errata.csv"} <= set(compared)
    problems = unlogged_changes(DATA, read, release=f"release {rel['edition']}")
    assert not problems, "\n".join(problems)


def test_the_release_is_a_commit_of_this_repository_with_its_date():
    rel, _ = release()
    assert len(rel["commit"]) == 40
    date = subprocess.run(["git", "-C", str(ROOT), "show", "-s", "--format=%cs", rel["commit"]],
                          capture_output=True, text=True, check=True).stdout.strip()
    assert date == rel["date"]


@pytest.fixture
def data_copy(tmp_path):
    for f in DATA.iterdir():
        shutil.copy(f, tmp_path / f.name)
    return tmp_path


def rewrite(path, change):
    """Apply *change* to the rows of a CSV file (header first)."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    change(rows)
    write_csv(path, rows)


def set_cell(path, key: dict, column: str, value: str):
    def change(rows):
        header = rows[0]
        hit = [r for r in rows[1:] if all(r[header.index(k)] == v for k, v in key.items())]
        assert len(hit) == 1
        hit[0][header.index(column)] = value
    rewrite(path, change)


def log(path, *rows):
    rewrite(path, lambda data: data.extend(rows))


def test_a_value_changed_without_a_row_fails(data_copy):
    _, read = release()
    set_cell(data_copy / "observations.csv", {"id": "10", "year": "2020"}, "value", "390")
    set_cell(data_copy / "indicators.csv", {"id": "3"}, "direction", "down")
    problems = unlogged_changes(data_copy, read)
    assert problems == [
        "indicators.csv id=3: direction changed from 'up' to 'down' since the last release without revision rows "
        "from the old value to the new",
        "observations.csv id=10;year=2020;series=main: value changed from '386' to '390' since the last release "
        "without revision rows from the old value to the new"]


def test_a_row_removed_or_added_without_a_row_fails(data_copy):
    _, read = release()
    rewrite(data_copy / "observations.csv", lambda rows: rows.pop(1))             # 1, 2016: 419
    rewrite(data_copy / "errata.csv", lambda rows: rows.pop(1))                   # indicator 3, text 2016-2018
    rewrite(data_copy / "figures.csv", lambda rows: rows.append(
        ["new_figure", "5", "count", "exact", "2020", DOC, "p. text, line 1", "fem"]))
    problems = unlogged_changes(data_copy, read)
    assert len(problems) == 3, problems
    assert problems[0].startswith("observations.csv id=1;year=2016;series=main: row removed since the last release "
                                  "(value=419; qualifier=exact) without a row in revisions.csv")
    assert problems[1].startswith("figures.csv key=new_figure;document=001_8ceffd757f77f65e.txt;location=p. text, "
                                  "line 1;year=2020: row added")
    assert problems[2].startswith("errata.csv document=001_8ceffd757f77f65e.txt;location=p. text, lines 155 and 1104;"
                                  "what=text 2016-2018: row removed")


def test_a_row_whose_old_value_is_not_the_published_one_does_not_explain_a_change(data_copy):
    _, read = release()
    set_cell(data_copy / "observations.csv", {"id": "10", "year": "2020"}, "value", "390")
    log(data_copy / "revisions.csv", ["2026-12-03", "observations.csv", "id=10;year=2020;series=main", "value",
                                      "385", "390", "a wrong old value", DOC, "line 1"])
    assert len(unlogged_changes(data_copy, read)) == 1


def test_a_change_with_its_rows_passes_and_validates(data_copy):
    _, read = release()
    set_cell(data_copy / "observations.csv", {"id": "10", "year": "2020"}, "value", "390")
    rewrite(data_copy / "observations.csv", lambda rows: rows.pop(1))
    log(data_copy / "revisions.csv",
        ["2026-12-03", "observations.csv", "id=10;year=2020;series=main", "value", "386", "388", "first", DOC, "l. 1"],
        ["2026-12-04", "observations.csv", "id=10;year=2020;series=main", "value", "388", "390", "then", DOC, "l. 2"],
        ["2026-12-03", "observations.csv", "id=1;year=2016;series=main", "*", "value=419; qualifier=exact", "",
         "gone", DOC, "l. 3"])
    assert unlogged_changes(data_copy, read) == []
    validate(data_copy)


def test_no_git_or_no_commit_is_a_clear_error(monkeypatch):
    with pytest.raises(ReleaseUnavailable, match="not in the repository .* clone the whole history"):
        git_release(ROOT, "0" * 40)
    import evalkit.revisions

    monkeypatch.setattr(evalkit.revisions.shutil, "which", lambda name: None)
    with pytest.raises(ReleaseUnavailable, match="git is not installed"):
        git_release(ROOT, last_release(DATA)["commit"])


# --- the log is validated --------------------------------------------------------------------------

OK = ["2026-12-02", "observations.csv", "id=3;year=2016;series=main", "value", "2050", "2053", "typo", DOC, "line 1"]


def problems_of(pkg, *rows) -> list[str]:
    write_csv(pkg / "revisions.csv", [HEADER, *rows])
    with pytest.raises(DataValidationError) as info:
        validate(pkg)
    return [str(p).replace(f"{pkg}/", "") for p in info.value.problems]


def row(**changes):
    out = list(OK)
    for name, value in changes.items():
        out[HEADER.index(name)] = value
    return out


def test_a_good_log_validates(mini_package):
    write_csv(mini_package / "revisions.csv", [HEADER, OK])
    assert len(validate(mini_package)["revisions"]) == 1


@pytest.mark.parametrize("bad, message", [
    (row(file="obs.csv"), "revisions.csv:2: column 'file': 'obs.csv' is not a file of the data package (documents.csv, "),
    (row(file="revisions.csv"), "revisions.csv:2: column 'file': 'revisions.csv' is not a file of the data package"),
    (row(field="period"), "revisions.csv:2: column 'field': 'period' is not a column of observations.csv (id, year, "
                          "value, qualifier, series, document, location, note; or * for the whole row)"),
    (row(field="valu"), "revisions.csv:2: column 'field': 'valu' is not one of the allowed values (*, document, "),
    (row(key="id=3;year=2016"), "revisions.csv:2: column 'key': 'id=3;year=2016' does not name the primary key of "
                                "observations.csv: write id=…;year=…;series=…"),
    (row(new_value="2052"), "revisions.csv:2: column 'new_value': '2052' is not what observations.csv holds now "
                            "('2053', line 2)"),
    (row(key="id=3;year=2019;series=main"), "revisions.csv:2: column 'new_value': observations.csv has no row "
                                            "id=3;year=2019;series=main"),
    (row(old_value="2053"), "revisions.csv:2: column 'new_value': old_value and new_value are the same ('2053'): "
                            "nothing changed"),
    (row(field="*", old_value="value=2053; qualifier=exact", new_value=""),
     "revisions.csv:2: column 'new_value': the row was removed, but observations.csv still has it (line 2)"),
    (row(field="*", old_value="", new_value="value=2050; qualifier=exact"),
     "revisions.csv:2: column 'new_value': 'value=2050; qualifier=exact' is not the row as observations.csv holds "
     "it now ('value=2053; qualifier=exact')"),
    (row(field="*", old_value="value=2050", new_value="value=2053; qualifier=exact"),
     "revisions.csv:2: column 'field': a whole-row revision (*) adds a row (empty old_value) or removes one "
     "(empty new_value)"),
    (row(date="2. desember"), "revisions.csv:2: column 'date': '2. desember' is not a valid date"),
    (row(document="005_0000000000000000.txt"), "revisions.csv:2: column 'document': '005_0000000000000000.txt' is "
                                               "not one of the allowed values"),
], ids=["unknown file", "the log itself", "column of another file", "no such column", "key without series",
        "new value is not the data's", "no such row", "nothing changed", "removed row still there",
        "added row differs", "whole row both ways", "bad date", "unknown document"])
def test_a_bad_revision_row_names_line_column_and_problem(mini_package, bad, message):
    found = problems_of(mini_package, bad)
    assert len(found) == 1 and found[0].startswith(message), found


def test_the_last_row_of_a_cell_wins_and_rows_chain(mini_package):
    first = row(date="2026-12-01", old_value="2050", new_value="2051")
    assert problems_of(mini_package, first, row(old_value="2052")) == [
        "revisions.csv:3: column 'old_value': '2052' is not the new_value of the earlier revision of this cell in "
        "line 2 ('2051')"]
    write_csv(mini_package / "revisions.csv", [HEADER, first, row(old_value="2051")])
    validate(mini_package)                               # only the last row must hold what the data holds


def test_a_figure_key_whose_year_holds_a_semicolon_is_read(mini_package):
    figures = [list(r) for r in MINI["figures.csv"]] + [
        ["bp_kommuner", "130", "count", "approx", "2017;2020", DOC, "line 723", "ca. 130 kommuner"]]
    write_csv(mini_package / "figures.csv", figures)
    key = f"key=bp_kommuner;document={DOC};location=line 723;year=2017;2020"
    write_csv(mini_package / "revisions.csv", [HEADER, row(file="figures.csv", key=key, old_value="13",
                                                           new_value="130")])
    validate(mini_package)


def test_the_first_rows_are_the_fixes_of_issue_12():
    revisions = validate()["revisions"]
    first = revisions[revisions["date"] == "2026-12-02"]
    assert len(first) == 40
    # the reasons are shown in the book, in bokmål; each names its defect of issue 12 ("feil N")
    assert first["reason"].str.contains(r"issue 12, feil \d|funnet under kontrollen av feil").all()
    defects = set(first["reason"].str.extractall(r"feil (\d+)(?: og (\d+))?").stack().dropna().astype(int))
    assert defects == set(range(1, 12))
    assert first["location"].str.contains(r"line \d+|lines \d+").all()


def test_the_log_as_a_reader_sees_it():
    from evalkit import Vocabulary, fmt
    from evalkit.revisions import changed_part, revision_counts, revision_table, revisions_by_file

    frames = validate()
    table = revision_table(frames, Vocabulary.from_frames(frames))
    assert len(table) == len(frames["revisions"])
    first = table.iloc[0]
    assert (first["Dato"], first["Hva"], first["Endring"], first["Kilde"]) == (
        "2026-12-02", "indikator 10, 2020: sted i kilden (observations.csv)", "tekst, linje 876 → tekst, linje 878",
        "Fafo 2021, tekst, linje 878")
    rows = table.set_index("Hva")["Endring"]
    # codes by their bokmål labels, numbers with a decimal comma, an exact value without a qualifier's word
    assert rows["indikator 44: ønsket retning (indicators.csv)"] == "opp → ingen"
    assert rows["indikator 92, 2016–2020, gjennomsnitt per år: hele raden (reported_changes.csv)"] == \
        "ny rad: verdi 9,2, enhet prosent per år"
    assert rows["indikator 77, 2019: hele raden (observations.csv)"] == "fjernet: verdi 71"
    assert rows["utvalgsstørrelse for indikator 77, 2019: hele raden (sample_sizes.csv)"] == \
        f"fjernet: antall (n) {fmt.number(22000)}, kvalifikator ca."
    # an erratum by its bokmål name; the maintainers' English notes are not quoted
    assert "avviket «tekst 2016–2020» (Fafo 2021, tekst, linje 339-341): hele raden (errata.csv)" in rows
    assert rows["indikator 44: merknad (indicators.csv)"].startswith("teksten er rettet")
    # a long note shows only the part that changed
    before, after = changed_part("a " * 50 + "line 1235). b", "a " * 50 + "line 1233). b")
    assert before.startswith("…a a") and before.endswith("a line 1235). b") and len(before) < 40
    assert after == before.replace("1235", "1233")
    assert changed_part("short", "text") == ("short", "text")
    # 40 rows in 37 rows of 6 files: 27 change a published field or a whole row (14 added, 11 removed)
    assert revision_counts(frames) == {"rows": 40, "cells": 40, "records": 37, "files": 6, "published": 27,
                                       "provenance": 13, "added": 14, "removed": 11}
    by_file = revisions_by_file(frames).set_index("Fil")
    assert by_file.loc["observations.csv"].tolist() == [9, 2, 7]
    assert by_file["Rettelser"].sum() == 40


def test_dates_in_bokmal():
    from evalkit import fmt

    assert fmt.date("2026-11-23") == "23. november 2026" and fmt.date("2026-12-02") == "2. desember 2026"
