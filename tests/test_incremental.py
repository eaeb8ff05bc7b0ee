"""A warm Sphinx (evalkit.sphinx_warm) re-reads only what changed, and its book is byte for byte the
book a clean build makes of the same sources: after an edit of one page's prose (its title too, which
every page's navigation shows), after an edit of a code cell (a new figure, so the old one must go),
and when the kept doctrees are damaged."""

import json
import shutil
from pathlib import Path

import pytest

from evalkit.build import WARM_STAGE, build
from evalkit.sphinx_warm import finish

from .conftest import DATA, published_state, set_code, tiny_book

FIGURE = "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()"


def run(root: Path, out: Path) -> dict:
    build(root=root, out=out, data_dir=DATA, log=lambda *_: None)
    return json.loads((out / "last-build.json").read_text())


def clean(root: Path, out: Path, tmp: Path) -> dict[str, bytes]:
    """The book a clean build makes of *root*: a new output folder, with only the notebook cache of
    *out* (executed copies by content key; so the clean build runs Sphinx from nothing but does not
    execute again)."""
    fresh = tmp / f"clean-{len(list(tmp.glob('clean-*')))}"
    fresh.mkdir()
    shutil.copytree(out / "cache", fresh / "cache")
    report = run(root, fresh)
    assert not report["sphinx_incremental"]
    return published_state(fresh)


def assert_same(incremental: dict[str, bytes], clean: dict[str, bytes]) -> None:
    assert incremental.keys() == clean.keys(), (sorted(incremental.keys() - clean.keys()),
                                                sorted(clean.keys() - incremental.keys()))
    differ = sorted(name for name in clean if incremental[name] != clean[name])
    assert not differ, f"files that differ from a clean build: {differ[:10]}"


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """A book of two chapters, one with a figure, built once; the tests go on editing it in turn."""
    base = tmp_path_factory.mktemp("incremental")
    root = tiny_book(base / "src", "print('a')", "Et særegent ord.", more={"figur": FIGURE})
    out = base / "_build"
    first = run(root, out)
    assert len(first["executed"]) == 2 and not first["sphinx_incremental"]
    return root, out


def test_prose_and_code_edits_give_a_clean_builds_bytes(book, tmp_path):
    root, out = book
    doctrees = out / WARM_STAGE / "_build" / ".doctrees"
    untouched = (doctrees / "chapters" / "figur.doctree").stat().st_mtime_ns

    # prose only, the title included: nothing executed, one page re-read, every page's navigation new,
    # and a word that only this page had gone from the search index
    page = root / "chapters" / "kapittel.md"
    page.write_text(page.read_text().replace("# Kapittel kapittel\n\nEt særegent ord.", "# Nytt navn\n\nNy tekst."))
    report = run(root, out)
    assert report["executed"] == {} and report["sphinx_incremental"]
    assert (doctrees / "chapters" / "figur.doctree").stat().st_mtime_ns == untouched  # not re-read
    state = published_state(out)
    assert "Nytt navn" in state["chapters/figur.html"].decode()  # the other page's navigation
    assert "særeg" not in state["searchindex.js"].decode("unicode_escape")
    assert_same(state, clean(root, out, tmp_path))

    # a code cell: the figure changes, so its image file is a new one and the old one must go
    images = {n for n in state if n.startswith("_images/")}
    set_code(root / "chapters" / "figur.md", FIGURE.replace("[1, 2, 3]", "[3, 1, 2]"))
    report = run(root, out)
    assert list(report["executed"]) == ["chapters/figur.md"] and report["sphinx_incremental"]
    state = published_state(out)
    assert {n for n in state if n.startswith("_images/")} != images
    assert_same(state, clean(root, out, tmp_path))


def damage(warm) -> None:
    for doctree in (warm / "_build" / ".doctrees").rglob("*.doctree"):
        doctree.write_bytes(doctree.read_bytes()[:40])  # as a disk or a copy cut short would leave them


def test_damaged_doctrees_fall_back_to_a_clean_sphinx_run(book, tmp_path):
    root, out = book
    warm, page = out / WARM_STAGE, root / "chapters" / "kapittel.md"
    damage(warm)
    page.write_text(page.read_text().replace("Ny tekst.", "Endret tekst."))
    assert not run(root, out)["sphinx_incremental"]  # the state's digest no longer matches: a clean run

    # damage the state's digest cannot see (recorded after the damage): the incremental run fails,
    # and the build runs Sphinx again from a clean state
    damage(warm)
    finish(warm)
    page.write_text(page.read_text().replace("# Nytt navn", "# Et annet navn"))  # every page rewritten
    messages = []
    build(root=root, out=out, data_dir=DATA, log=messages.append)
    assert any("running it again from a clean state" in m for m in messages), messages
    assert "Et annet navn" in published_state(out)["chapters/figur.html"].decode()
    assert run(root, out)["up_to_date"]


# A chapter that reads through the chapter API (book.setup), and one that opens a file of the package.
READS = "from evalkit import book\nch = book.setup(as_of, 2016, data_dir)\nprint({})"
OPENS = "import pandas as pd\nprint(pd.read_csv(data_dir + '/observations.csv')['value'].sum())"


def test_a_changed_value_executes_only_the_notebooks_that_read_its_indicator(tmp_path):
    """The key of a notebook covers what it read of the data (evalkit.reads): a new value of indicator
    24 executes the chapter that shows 24, the one that reads every observation and the one that opens
    the file itself, not the one that shows 33; and the book is byte for byte a clean build's (every
    notebook executed anew, no cache), so no page was served stale."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    root = tiny_book(tmp_path / "src", READS.format("ch.values_text(24)"),
                     more={"annen": READS.format("ch.values_text(33)"),
                           "alle": READS.format("ch.observations['value'].sum()"), "fil": OPENS})
    out = tmp_path / "_build"
    assert len(run_on(root, out, data)["executed"]) == 4

    # indicator 24's count in 2018 (a row the revision log does not name), one more than it was
    path = data / "observations.csv"
    text = path.read_text(encoding="utf-8")
    assert text.count("\n24,2018,105000,") == 1
    path.write_text(text.replace("\n24,2018,105000,", "\n24,2018,105001,"), encoding="utf-8")
    report = run_on(root, out, data)
    assert sorted(report["executed"]) == ["chapters/alle.md", "chapters/fil.md", "chapters/kapittel.md"]
    assert report["reused"] == ["chapters/annen.md"]
    assert run_on(root, out, data)["up_to_date"]  # the keys of what they read now: the next build does nothing

    fresh = tmp_path / "fresh"
    build(root=root, out=fresh, data_dir=data, log=lambda *_: None)
    assert json.loads((fresh / "last-build.json").read_text())["reused"] == []
    assert_same(published_state(out), published_state(fresh))


def run_on(root: Path, out: Path, data: Path) -> dict:
    build(root=root, out=out, data_dir=data, log=lambda *_: None)
    return json.loads((out / "last-build.json").read_text())
