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
