"""Reliability of the published book: two builds from the same commit give the same bytes. (That text
from the data never becomes markup on a page: test_hostile_names.py.)"""

import json
import re
from pathlib import Path

import pytest

from evalkit.build import build

from .conftest import DATA, ROOT

pytestmark = pytest.mark.book


def files(html: Path) -> dict[str, bytes]:
    return {str(p.relative_to(html)): p.read_bytes() for p in sorted(html.rglob("*")) if p.is_file()}


def test_two_builds_are_identical(built_book, tmp_path):
    """Pages, figures and every other file: byte for byte (fixed SVG hash salt, no dates in figures,
    fixed table ids, stable orders). The second build makes four of the indicator pages (a share with
    intervals, a series break, money, a retired one), not 93; only the files that list every page differ."""
    a = files(built_book(2020))
    b = files(build(root=ROOT, out=tmp_path / "b", log=lambda *_: None, indicators=[3, 15, 17, 33]))
    listing = {"searchindex.js", "objects.inv"}
    assert set(b) - listing <= set(a) and "indikatorer/15.html" in b
    differ = sorted(name for name in set(b) - listing if a[name] != b[name])
    assert not differ, f"files that differ between two builds: {differ[:10]}"
    assert any(name.endswith(".svg") for name in a)


def test_a_warm_kernel_gives_what_a_fresh_kernel_gives(built_book, tmp_path):
    """The build runs notebooks in reused kernels; a chapter run alone by papermill in a new kernel
    must give the same outputs, figure for figure."""
    import nbformat
    import papermill

    from evalkit.build import parameters

    from evalkit.build import read_notebook

    staged = built_book(2020).resolve().parents[1] / "chapters" / "07_hovedmal3.ipynb"
    fresh = tmp_path / "fresh.ipynb"
    papermill.execute_notebook(read_notebook(ROOT / "chapters" / "07_hovedmal3.md"), str(fresh), kernel_name="python3",
                               cwd=str(ROOT / "chapters"),
                               parameters=parameters(2020, 2016, DATA.resolve(), 1.0, 2.5), progress_bar=False)

    def code_outputs(path):  # object addresses ("<Styler at 0x7f...>") differ between any two runs
        nb = nbformat.read(path, as_version=4)
        return [(c.execution_count, re.sub(r"0x[0-9a-f]+", "0x…", json.dumps(c.outputs, sort_keys=True)))
                for c in nb.cells if c.cell_type == "code"]

    assert code_outputs(staged) == code_outputs(fresh)


