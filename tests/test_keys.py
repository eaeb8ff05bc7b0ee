"""The content keys (evalkit.keys): a notebook's key changes with its code cells, the build's parameters,
the data, the evalkit code and the versions of the packages that compute and draw, and with nothing
else (a time stamp, say). Fast: no build; what `make mutate` runs against evalkit/keys.py."""

import shutil
from dataclasses import replace

import pytest

from evalkit import keys
from evalkit.build import parameters
from evalkit.keys import Inputs, book_key

from .conftest import DATA, ROOT, set_code, write_chapter


def test_the_key_covers_code_parameters_data_code_and_packages(tmp_path):
    nb = tmp_path / "a.md"
    write_chapter(nb, "print(1)")
    inputs = Inputs.gather(parameters(2020, 2016, DATA, 1.0, 2.5), DATA)
    key = inputs.key(nb)
    assert inputs.key(nb) == key
    assert Inputs.gather(parameters(2018, 2016, DATA, 1.0, 2.5), DATA).key(nb) != key
    for changed in ("code", "environment"):
        assert replace(inputs, **{changed: "0" * 64}).key(nb) != key, changed
    set_code(nb, "print(2)")
    assert inputs.key(nb) != key


def test_the_key_covers_the_data_the_notebook_read(tmp_path):
    """With a record of what it read (evalkit.reads), a notebook's key covers those bytes of the package:
    the rows of its indicators, the tables it read whole, the schemas and any file of no resource; with
    none, every file."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    nb = tmp_path / "a.md"
    write_chapter(nb, "print(1)")
    params = parameters(2020, 2016, data, 1.0, 2.5)
    reads = {24: {"whole": ["indicators"], "rows": {"observations": [24], "errata": [24]}},
             33: {"whole": ["indicators"], "rows": {"observations": [33], "errata": [33]}},
             "figures": {"whole": ["figures"], "rows": {}}}

    def keys():
        inputs = Inputs.gather(params, data)
        return {"all": inputs.key(nb), **{name: inputs.key(nb, reads=r) for name, r in reads.items()}}

    def edit(name, old, new):
        path = data / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        path.write_text(text.replace(old, new), encoding="utf-8")
        return keys()

    before = keys()
    assert len(set(before.values())) == 4
    after = edit("observations.csv", "\n24,2018,105000,", "\n24,2018,105001,")
    assert [n for n in before if before[n] != after[n]] == ["all", 24]
    before, after = after, edit("observations.csv", "\n33,2017,", "\n33,2017,0")  # 33's value, not 24's
    assert [n for n in before if before[n] != after[n]] == ["all", 33]
    before, after = after, edit("indicators.csv", "\n24,", "\n24, ")  # the catalogue: read whole by both
    assert [n for n in before if before[n] != after[n]] == ["all", 24, 33]
    for path, text in ((data / "datapackage.json", (data / "datapackage.json").read_text() + "\n"),  # the schemas
                       (data / "LES-MEG.txt", "en fil som ikke er en ressurs")):  # a file of no resource
        path.write_text(text, encoding="utf-8")
        before, after = after, keys()
        assert all(before[n] != after[n] for n in before), path.name


def test_the_key_covers_the_code_cells_and_not_the_prose(tmp_path):
    """An edit of the prose executes nothing (the build puts the new prose into the executed copy); an
    edit of a code cell's source or tags, or a new code cell, executes the notebook."""
    import jupytext

    nb = tmp_path / "a.md"
    write_chapter(nb, "print(1)", "Første tekst.")
    inputs = Inputs.gather(parameters(2020, 2016, DATA, 1.0, 2.5), DATA)
    key = inputs.key(nb)
    write_chapter(nb, "print(1)", "En helt annen tekst, med {glue}`x`.")
    assert inputs.key(nb) == key
    notebook = jupytext.read(nb)
    notebook.cells[-1].metadata["tags"] = ["remove-cell"]
    jupytext.write(notebook, nb, fmt="md:myst")
    assert inputs.key(nb) != key
    write_chapter(nb, "print(1)", "Første tekst.")
    notebook = jupytext.read(nb)
    notebook.cells.append(notebook.cells[-1].copy())
    jupytext.write(notebook, nb, fmt="md:myst")
    assert inputs.key(nb) != key


def test_gather_hashes_the_evalkit_code(tmp_path, monkeypatch):
    """The code digest is computed from the package's files: a changed line of evalkit changes every key."""
    package = tmp_path / "evalkit"
    shutil.copytree(keys.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(keys, "PACKAGE", package)
    nb = tmp_path / "a.md"
    write_chapter(nb, "print(1)")
    params = parameters(2020, 2016, DATA, 1.0, 2.5)
    key = Inputs.gather(params, DATA).key(nb)
    assert Inputs.gather(params, DATA).key(nb) == key
    (package / "classify.py").write_text((package / "classify.py").read_text().replace("_EPS = 1e-9", "_EPS = 0"))
    assert Inputs.gather(params, DATA).key(nb) != key


@pytest.mark.parametrize("package", ["numpy", "matplotlib", "pandas"])
def test_gather_hashes_the_package_versions(tmp_path, monkeypatch, package):
    """Another version of a package that computes or draws changes every key."""
    from importlib import metadata

    nb = tmp_path / "a.md"
    write_chapter(nb, "print(1)")
    params = parameters(2020, 2016, DATA, 1.0, 2.5)
    key = Inputs.gather(params, DATA).key(nb)
    real = metadata.version
    monkeypatch.setattr(metadata, "version", lambda name: "0.0.0-other" if name == package else real(name))
    assert Inputs.gather(params, DATA).key(nb) != key


def test_a_time_stamp_changes_no_key(tmp_path):
    import os

    nb = tmp_path / "a.md"
    write_chapter(nb, "print(1)")
    inputs = Inputs.gather(parameters(2020, 2016, DATA, 1.0, 2.5), DATA)
    key = inputs.key(nb)
    os.utime(nb, (1, 1))
    assert inputs.key(nb) == key


def test_the_book_key_covers_its_other_sources_and_notebook_keys(tmp_path):
    book = tmp_path / "book"
    for name in ("_config.yml", "_toc.yml", "references.bib"):
        (book / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, book / name)
    key = book_key(book, {"chapters/a.md": "1"})
    assert book_key(book, {"chapters/a.md": "1"}) == key
    assert book_key(book, {"chapters/a.md": "2"}) != key
    (book / "references.bib").write_text((book / "references.bib").read_text() + "\n% edited\n")
    assert book_key(book, {"chapters/a.md": "1"}) != key
