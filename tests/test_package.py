"""The data package as a whole: Frictionless validates it on its own terms, the counts are what the
report says, and environment.yml agrees with pyproject.toml."""

import re
import tomllib

import frictionless
import yaml

from evalkit import validate

from .conftest import DATA, ROOT


def test_datapackage_validates_with_frictionless():
    report = frictionless.Package(str(DATA / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_indicator_set_matches_the_report():
    frames = validate()
    cat = frames["indicators"]
    assert len(cat) == 93 and sorted(cat["id"]) == list(range(1, 94))
    # "Indikatorsettet består nå av 85 indikatorer" (001, line 125): 93 ids less the eight retired
    assert sorted(cat.query("status == 'retired'")["id"]) == [17, 18, 40, 41, 48, 49, 50, 51]
    assert (cat["status"] == "active").sum() == 85
    per_area = cat.query("status == 'active'").groupby("area").size().to_dict()
    # ch. 7: 15 indicators, ch. 9: 18, ch. 10: 18, ch. 11: 7 (001 lines 1278, 1456, 1561, 1626)
    assert per_area["hovedmal1"] == 15 and per_area["hovedmal3"] == 18
    assert per_area["hovedmal4"] == 18 and per_area["hovedmal5"] == 7


def test_every_observation_has_provenance():
    obs = validate()["observations"]
    assert obs["document"].str.match(r"^\d{3}_[0-9a-f]{16}\.txt$").all()
    assert obs["location"].str.contains(r"line \d+").all()


def _spec(req: str) -> tuple[str, str]:
    name, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def test_environment_yml_agrees_with_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_spec(r) for r in project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = dict(_spec(d) for d in env["dependencies"] if isinstance(d, str) and not d.startswith(("python", "pip")))
    assert conda == wanted
    py = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert py == "python=3.11" and project["requires-python"] == ">=3.11,<3.12"


def test_lock_pins_every_dependency_exactly():
    lock = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            lock[name.lower().replace("_", "-")] = version
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    from packaging.requirements import Requirement
    for req in project["dependencies"] + project["optional-dependencies"]["test"]:
        r = Requirement(req)
        name = r.name.lower().replace("_", "-")
        assert name in lock, f"{name} is not in requirements.lock"
        assert r.specifier.contains(lock[name], prereleases=True), f"{name}=={lock[name]} breaks {r.specifier}"


# --- the previous plan (002) and the 2014 survey (003) -------------------------------------------

D2, D3 = "002_c7439a1d68525817.txt", "003_33156e0f2a1e4cc6.txt"


def test_plan2007_has_23_delmal_under_five_hovedmal():
    frames = validate()
    goals = frames["plan2007_goals"]
    # "Det er 23 delmål og 147 tiltak fordelt på disse 5 hovedmålene" (002, line 76)
    assert len(frames["plan2007_hovedmal"]) == 5 and len(goals) == 23
    assert goals.groupby("hovedmal").size().to_dict() == {1: 5, 2: 5, 3: 5, 4: 5, 5: 3}
    fig = frames["figures"].set_index("key")["value"]
    assert fig["plan2007_delmal_count"].unique().tolist() == [len(goals)]
    assert sorted(frames["plan2007_status_scale"]["rank"]) == [0, 1, 2, 3]
    assert goals["status"].value_counts().to_dict() == {"++": 13, "+": 7, "+++": 3}


def test_plan2007_funding_by_year_adds_up_to_the_stated_total():
    fig = validate()["figures"]
    by_year = fig[fig["key"] == "plan2007_funding_increase_nominal_by_year"].set_index("year")["value"]
    assert by_year.to_dict() == {"2006": 140, "2007": 120, "2008": 125, "2009": 300, "2010": 150, "2011": 100}
    stated = fig[fig["key"] == "plan2007_funding_increase_cumulative_nominal"]["value"]
    assert set(stated) == {935} and by_year.sum() == 935   # "De 935 millionene ... fordeler seg slik" (235-239)


def _lines(location: str) -> set[int]:
    """The lines a location names: 'line 7', 'lines 3-9', 'lines 3 and 9', 'lines 1, 4 and 9'."""
    found = set()
    for a, b in re.findall(r"(\d+)(?:-(\d+))?", location.split("line", 1)[1]):
        found |= set(range(int(a), int(b or a) + 1))
    return found


def test_every_survey_table_adds_up_or_is_in_errata():
    """Each printed total or share of the 2014 survey that its own cells contradict is an erratum, and
    every such erratum is still needed: a new inconsistency (or a corrected transcription) fails here."""
    from evalkit.history import survey_checks

    frames = validate()
    found = survey_checks(frames["survey2014"])
    errata = frames["errata"]
    errata = errata[(errata["document"] == D3) & errata["kind"].isin(["table_total", "table_share"])]
    kind = {"total": "table_total", "share": "table_share"}
    used = set()
    for f in found.itertuples():
        line = int(f.location.rsplit(" ", 1)[1])
        hits = [e.Index for e in errata.itertuples() if e.kind == kind[f.check]
                and e.location.startswith(f"{f.table},") and line in _lines(e.location)]
        assert hits, f"{f.table} line {line}: {f.row} / {f.column} printed {f.printed:g}, computed {f.computed:g}"
        used.update(hits)
    assert used == set(errata.index), errata.loc[sorted(set(errata.index) - used), ["what", "location"]]
    # the totals the report gets wrong (sum_checks): 2.1-2.3 430 vs 428, 2.4 431, 3.1 189 vs 188, 3.3 189 vs 185
    totals = found[(found["check"] == "total") & (found["unit"] == "count")]
    assert sorted(zip(totals["table"], totals["printed"], totals["computed"])) == [
        ("Tabell 2.1", 428, 430), ("Tabell 2.2", 428, 430), ("Tabell 2.3", 428, 430), ("Tabell 2.4", 428, 431),
        ("Tabell 3.1", 188, 189), ("Tabell 3.3", 185, 189)]


def test_survey_cells_have_provenance_and_bases():
    survey = validate()["survey2014"]
    assert len(survey) == 427 and (survey["document"] == D3).all()
    assert survey["location"].str.contains(r"line \d+$").all()
    # the single-question tables the chapter shows are of all 189 answers
    for table in ("Tabell 3.6", "Tabell 6.1", "Tabell 6.2", "Tabell 6.3"):
        assert set(survey.loc[survey["table"] == table, "n"]) == {189}, table


def test_errata_without_an_indicator_are_unique_and_valid():
    errata = validate()["errata"]
    # the errata of the 2016-2020 reports keep their id: 21 published, + 30 and 38, - 69's rounding (issue 12)
    assert errata["id"].notna().sum() == 22
    other = errata[errata["id"].isna()]
    assert set(other["document"]) == {D2, D3}
    assert not errata.duplicated(["document", "location", "what"]).any()


def test_validate_reports_broken_references_of_the_new_files(tmp_path):
    import shutil

    import pytest

    from evalkit.data import DataValidationError

    for f in DATA.iterdir():
        shutil.copy(f, tmp_path / f.name)
    goals = (tmp_path / "plan2007_goals.csv").read_text(encoding="utf-8").splitlines()
    goals[1] = goals[1].replace(",++,", ",++++,", 1)
    goals[2] = "9" + goals[2][1:]
    (tmp_path / "plan2007_goals.csv").write_text("\n".join(goals) + "\n", encoding="utf-8")
    survey = (tmp_path / "survey2014.csv").read_text(encoding="utf-8").splitlines()
    survey[4] = survey[4].replace(",count,", ",kroner,", 1)
    (tmp_path / "survey2014.csv").write_text("\n".join(survey) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as exc:
        validate(tmp_path)
    text = [str(p).replace(str(tmp_path) + "/", "") for p in exc.value.problems]
    assert any(t.startswith("plan2007_goals.csv:2: column 'status': unknown reference") for t in text), text
    assert any(t.startswith("plan2007_goals.csv:3: column 'hovedmal': unknown reference") for t in text), text
    assert any(t.startswith("survey2014.csv:5: column 'unit': 'kroner' is not one of") for t in text), text
    assert len(text) == 3


def test_survey_checks_find_a_new_inconsistency():
    """A changed cell is caught: a count that no longer adds up to its total, a share that no longer
    follows from its count (rounding to one decimal first is allowed: 45,45 % may print as 46)."""
    from evalkit.history import survey_checks

    survey = validate()["survey2014"].copy()
    before = survey_checks(survey)
    yes = (survey["table"] == "Tabell 3.6") & (survey["row"] == "Ja")
    survey.loc[yes & (survey["column"] == "Antall"), "value"] = 150      # total stays 189
    after = survey_checks(survey)
    new = after[after["table"] == "Tabell 3.6"]
    assert set(zip(new["check"], new["row"])) == {("total", "Total"), ("share", "Ja")}
    assert len(after) == len(before) + 2


def test_survey_table_keeps_the_printed_layout():
    import pytest

    from evalkit.history import plan2007_goals, survey_table, survey_value

    frames = validate()
    t = survey_table(frames["survey2014"], "Tabell 6.3")
    assert list(t.columns) == ["Antall", "Prosent"]
    assert list(t.index) == ["Mye bedre", "Noe bedre", "Uendret", "Noe dårligere", "Mye dårligere", "Ikke svart", "Total"]
    assert t.at["Uendret", "Prosent"] == 43                   # 003, line 3731
    with pytest.raises(ValueError):                           # counts and shares share cells in Tabell 3.3
        survey_table(frames["survey2014"], "Tabell 3.3")
    assert survey_table(frames["survey2014"], "Tabell 3.3", unit="count").at["Total", "n"] == 185
    with pytest.raises(KeyError):
        survey_value(frames["survey2014"], "Tabell 6.3", "Uendret", "Andel")
    goals = plan2007_goals(frames)
    assert list(goals["delmal"][:6]) == ["1.1", "1.2", "1.3", "1.4", "1.5", "2.1"]
    assert goals.set_index("delmal").at["3.4", "rank"] == 3 and goals["hovedmal_name"].notna().all()


def test_validated_once_per_content_and_copies_for_each_caller(tmp_path):
    """A warm kernel validates the package once (issue 16), but never hands out stale or shared frames:
    an edited file is validated again, and a caller's change to a frame does not reach the next caller."""
    import shutil

    import pytest

    from evalkit import data
    from evalkit.data import DataValidationError

    for f in DATA.iterdir():
        shutil.copy(f, tmp_path / f.name)
    first = data.validated(tmp_path)
    first["observations"].loc[:, "value"] = -1.0
    second = data.validated(tmp_path)
    assert (second["observations"]["value"] != -1.0).any()
    assert second["observations"]["value"].equals(validate(tmp_path)["observations"]["value"])
    obs = (tmp_path / "observations.csv").read_text(encoding="utf-8").splitlines()
    obs[1] = obs[1].replace(",", ",x", 1)  # the first row's year (or id) is no longer a number
    (tmp_path / "observations.csv").write_text("\n".join(obs) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="observations.csv:2"):
        data.validated(tmp_path)


def test_a_package_the_build_validated_is_read_unchecked_and_anything_else_is_checked(tmp_path, monkeypatch):
    """The build tells its kernels the validation key it found valid (evalkit.data.trust): those bytes are
    then read without frictionless, into the very frames validate() gives; a package with any other
    key (one edited byte) is still validated, and its problem still raised."""
    import shutil

    import pandas.testing as pdt
    import pytest

    from evalkit import data
    from evalkit.data import DataValidationError
    from evalkit.keys import validation_key

    for f in DATA.iterdir():
        shutil.copy(f, tmp_path / f.name)
    monkeypatch.setattr(data, "_TRUSTED", set())
    monkeypatch.setattr(data, "_VALIDATED", {})
    checked = validate(tmp_path)
    data.trust(validation_key(tmp_path.resolve()))
    monkeypatch.setattr(data, "validate", lambda *a: pytest.fail("a trusted package was validated again"))
    trusted = data.validated(tmp_path)
    assert list(trusted) == list(checked)
    for name, frame in checked.items():
        pdt.assert_frame_equal(trusted[name], frame)
        assert trusted[name].attrs == frame.attrs and trusted[name].index.name == "line"
    assert trusted["observations"]["value"].notna().sum() == checked["observations"]["value"].notna().sum() > 200

    monkeypatch.undo()
    monkeypatch.setattr(data, "_TRUSTED", {validation_key(tmp_path.resolve())})
    monkeypatch.setattr(data, "_VALIDATED", {})
    obs = (tmp_path / "observations.csv").read_text(encoding="utf-8").splitlines()
    obs[1] = obs[1].replace(",", ",x", 1)
    (tmp_path / "observations.csv").write_text("\n".join(obs) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="observations.csv:2"):
        data.validated(tmp_path)


def test_the_build_command_does_not_import_pandas():
    """`evalkit build` keeps pandas and frictionless out of its process (the data are validated in a
    process of their own), so its memory beside the kernels is what the build itself needs (issue 16)."""
    import subprocess
    import sys

    code = ("import sys, evalkit.cli, evalkit.build, evalkit.preview, evalkit.sphinx_warm, evalkit.pdf; "
            "print(sorted(m for m in ('pandas', 'numpy', 'frictionless') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
