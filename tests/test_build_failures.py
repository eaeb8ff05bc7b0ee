"""A failed build says where and why, and never replaces the published book."""

import json
import shutil
from pathlib import Path

import pytest

from evalkit import DataValidationError
from evalkit.build import BuildError, build

from .conftest import DATA, published_state, set_code, tiny_book


@pytest.fixture
def good_book(tmp_path):
    root = tiny_book(tmp_path / "src", "print('ok')")
    out = tmp_path / "_build"
    build(root=root, out=out, data_dir=DATA, log=lambda *_: None)
    return root, out, published_state(out)


def test_good_build_publishes(good_book):
    _, out, state = good_book
    assert "chapters/kapittel.html" in state and (out / "html").is_symlink()


def set_cell(root: Path, index: int, source: str) -> None:
    set_code(root / "chapters" / "kapittel.md", source, index)


def failed_build(root: Path, out: Path, data_dir: Path = DATA, error=BuildError) -> str:
    with pytest.raises(error) as info:
        build(root=root, out=out, data_dir=data_dir, log=lambda *_: None)
    return str(info.value)


def test_notebook_error_names_notebook_and_cell(good_book):
    root, out, before = good_book
    set_cell(root, 2, "1 / 0")
    message = failed_build(root, out)
    # the text notebook and the line its failing cell starts on, so an editor can jump there
    line = (root / "chapters" / "kapittel.md").read_text().splitlines().index("1 / 0") + 1
    assert f"chapters/kapittel.md:{line}: cell" in message and "ZeroDivisionError" in message
    assert published_state(out) == before
    assert len(list(out.glob("stage-*"))) == 1  # the failed stage is gone; only the published one is left


def test_sphinx_warning_fails_the_build(good_book):
    root, out, before = good_book
    set_cell(root, 1, "# Kapittel\n\nSe {ref}`finnes-ikke`.")
    assert "finnes-ikke" in failed_build(root, out)
    assert published_state(out) == before


def test_bad_data_stops_before_any_notebook(good_book, tmp_path):
    root, out, before = good_book
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    text = (data / "observations.csv").read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace(",exact,", ",roughly,", 1)
    (data / "observations.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    set_cell(root, 2, "open('/tmp/evalkit-should-not-run', 'w').write('ran')")
    Path("/tmp/evalkit-should-not-run").unlink(missing_ok=True)
    assert "observations.csv:2: column 'qualifier'" in failed_build(root, out, data, DataValidationError)
    assert not Path("/tmp/evalkit-should-not-run").exists()
    assert published_state(out) == before


def test_a_kernel_that_dies_is_reported_and_the_others_still_run(tmp_path):
    """A cell that ends Python (or an out-of-memory kill) took the kernel down and hung the build: the
    wait for the cell's output blocked the check for a dead kernel. Now the build fails at once with the
    notebook's name, and the next notebook (same thread, jobs=1) runs in a new kernel."""
    root = tiny_book(tmp_path / "src", "import os; os._exit(1)", more={"z_after": "print('z')"})
    out = tmp_path / "_build"
    with pytest.raises(BuildError) as info:
        build(root=root, out=out, data_dir=DATA, jobs=1, log=lambda *_: None)
    assert "chapters/kapittel.md" in str(info.value) and "kernel died" in str(info.value)
    assert not (out / "html").exists()  # nothing half-built is published
    set_cell(root, 2, "print('ok')")
    build(root=root, out=out, data_dir=DATA, jobs=1, log=lambda *_: None)
    report = json.loads((out / "last-build.json").read_text())
    assert list(report["executed"]) == ["chapters/kapittel.md"]  # z_after ran, in a new kernel, and was kept
