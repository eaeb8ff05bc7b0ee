"""Every kind of bad input gives a clear error naming file, line, column and the problem; all problems
of a file are reported at once."""

import csv
import shutil

import pytest

from evalkit import DataValidationError, load_catalogue, load_observations, validate
from evalkit.cli import main

from .conftest import DATA, DOC, MINI, write_csv


def rows(name):
    return [list(r) for r in MINI[name]]


def edit(pkg, name, line, column, value):
    """Set one cell (file line numbers: header is line 1)."""
    data = rows(name)
    data[line - 1][data[0].index(column)] = value
    write_csv(pkg / name, data)


def expect(pkg, file, line, column, fragment):
    with pytest.raises(DataValidationError) as info:
        validate(pkg)
    hits = [p for p in info.value.problems
            if p.file.endswith(file) and p.line == line and p.column == column and fragment in p.message]
    assert hits, f"expected {file}:{line} {column} '{fragment}', got:\n{info.value}"
    return info.value


OBS, CAT, SIZES = "observations.csv", "indicators.csv", "sample_sizes.csv"

CASES = {
    "sample size of a count": (lambda p: write_csv(p / SIZES, rows(SIZES) + [["3", "2016", "main", "9", "exact", "users", DOC, "l", "t", ""]]),
                               SIZES, 3, "id", "indicator 3 is not a share"),
    "sample size without its observation": (lambda p: edit(p, SIZES, 2, "year", "2016"), SIZES, 2, "id, year, series", "unknown reference"),
    "sample size below 1": (lambda p: edit(p, SIZES, 2, "n", "0"), SIZES, 2, "n", ""),
    "duplicate id/year/series": (lambda p: write_csv(p / OBS, rows(OBS) + [rows(OBS)[1]]), OBS, 8, "id, year, series", "duplicate key: the same as in line 2"),
    "unknown indicator id": (lambda p: edit(p, OBS, 2, "id", "999"), OBS, 2, "id", "unknown reference"),
    "unknown series": (lambda p: edit(p, OBS, 3, "series", "nope"), OBS, 3, "series", "unknown reference"),
    "share above 100": (lambda p: edit(p, OBS, 5, "value", "101"), OBS, 5, "value", "0-100"),
    "share below 0": (lambda p: edit(p, OBS, 5, "value", "-1"), OBS, 5, "value", "0-100"),
    "negative count": (lambda p: edit(p, OBS, 7, "value", "-5"), OBS, 7, "value", "negative"),
    "non-numeric value": (lambda p: edit(p, OBS, 2, "value", "abc"), OBS, 2, "value", "not a valid number"),
    "decimal comma": (lambda p: edit(p, OBS, 2, "value", "2053,5"), OBS, 2, "value", "decimal point"),
    "empty required field": (lambda p: edit(p, OBS, 4, "document", ""), OBS, 4, "document", "required value is empty"),
    "year outside 2000-2100": (lambda p: edit(p, OBS, 2, "year", "1999"), OBS, 2, "year", "out of range"),
    "unknown qualifier": (lambda p: edit(p, OBS, 2, "qualifier", "roughly"), OBS, 2, "qualifier", "not one of the allowed"),
    "observation of a retired indicator": (lambda p: write_csv(p / OBS, rows(OBS) + [["17", "2016", "5", "exact", "main", "001_8ceffd757f77f65e.txt", "x", ""]]), OBS, 8, "id", "retired"),
    "malformed direction": (lambda p: edit(p, CAT, 2, "direction", "upward"), CAT, 2, "direction", "not one of the allowed"),
    "unknown unit": (lambda p: edit(p, CAT, 3, "unit", "percentage"), CAT, 3, "unit", "not one of the allowed"),
    "catalogue row without name": (lambda p: edit(p, CAT, 4, "name", ""), CAT, 4, "name", "required value is empty"),
    "share measured in per cent change": (lambda p: edit(p, CAT, 3, "change", "relative"), CAT, 3, "change", "points"),
    "duplicate indicator id": (lambda p: edit(p, CAT, 3, "id", "3"), CAT, 3, "id", "duplicate key"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_input(mini_package, case):
    mutate, file, line, column, fragment = CASES[case]
    mutate(mini_package)
    expect(mini_package, file, line, column, fragment)


def test_missing_column(mini_package):
    data = [r[:-1] for r in rows(OBS)]  # drop "note"
    write_csv(mini_package / OBS, data)
    err = expect(mini_package, OBS, 1, None, "missing column(s): note")
    assert "observations.csv:1:" in str(err)


def test_extra_column(mini_package):
    data = [r + ["x"] for r in rows(OBS)]
    data[0][-1] = "comment"
    write_csv(mini_package / OBS, data)
    expect(mini_package, OBS, 1, None, "unexpected column(s): 'comment'")


def test_latin1_file(mini_package):
    data = rows(CAT)
    data[2][3] = "Andel kommuner som ivaretar pårørende"
    write_csv(mini_package / CAT, data, encoding="latin-1")
    err = expect(mini_package, CAT, 3, None, "not UTF-8")
    # one problem, in the file that has it: the files that refer to the catalogue are not blamed
    assert len(err.problems) == 1, str(err)


def test_bom(mini_package):
    text = (mini_package / OBS).read_text(encoding="utf-8")
    (mini_package / OBS).write_text("\ufeff" + text, encoding="utf-8")
    expect(mini_package, OBS, 1, None, "byte-order mark")


def test_all_problems_of_a_file_at_once(mini_package):
    data = rows(OBS)
    data[1][2] = "abc"        # line 2
    data[3][1] = "1850"       # line 4
    data[5][2] = "-3"         # line 6: share below 0 (cross-field; reported once the cells are valid)
    write_csv(mini_package / OBS, data)
    with pytest.raises(DataValidationError) as info:
        validate(mini_package)
    lines = {p.line for p in info.value.problems}
    assert {2, 4} <= lines
    assert str(info.value).startswith("2 problems in the data:")


def test_problems_in_several_files_at_once(mini_package):
    edit(mini_package, CAT, 2, "direction", "sideways")
    edit(mini_package, "published_changes.csv", 2, "period", "2016/2017")
    with pytest.raises(DataValidationError) as info:
        validate(mini_package)
    files = {p.file.rsplit("/", 1)[-1] for p in info.value.problems}
    assert {"indicators.csv", "published_changes.csv"} <= files


def test_loaders_on_single_files(mini_package):
    cat = load_catalogue(mini_package / CAT)
    assert list(cat["id"]) == [3, 7, 11, 17]
    assert str(cat["id"].dtype) == "Int64"
    obs = load_observations(mini_package / OBS)
    assert obs.loc[2, "value"] == 2053.0  # index is the file line
    assert obs.attrs["path"].endswith(OBS)


def test_cli_validate_exit_codes(mini_package, capsys):
    assert main(["validate", "--data", str(mini_package)]) == 0
    edit(mini_package, OBS, 2, "value", "abc")
    with pytest.raises(SystemExit) as info:
        main(["validate", "--data", str(mini_package)])
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert "observations.csv:2: column 'value': 'abc' is not a valid number" in err
