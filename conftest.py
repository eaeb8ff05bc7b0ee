"""nbval for the chapters' text notebooks in the final edition (and the indicator pages' templates for
a few representative indicators).

nbval collects ``.ipynb`` files; the chapter sources are MyST Markdown text notebooks. Each one is
read through jupytext and run as the final edition (the notebook's own parameters, ``as_of`` 2020;
another edition's parameters are injected as papermill injects them). ``--nbval-lax``
(pyproject.toml) checks that every cell runs without an error; the sources keep no outputs to compare.

The third status report's edition (``as_of`` 2018) is not run here a second time: the tests' build of
that edition (``built_book(2018)``) executes every chapter and every indicator page with those
parameters, and fails on the first error with its file and line. Running each chapter again under
nbval cost about ten seconds a notebook and found nothing the build does not.
"""

import functools
import re
from pathlib import Path
from unittest import mock

import nbformat
import pytest
from nbval.plugin import IPyNbFile

EDITIONS = {"2020": {}}  # the final edition; 2018 is executed by the tests' build of that edition
# The indicator pages' templates (evalkit.build.TEMPLATES), run for representative indicators in the final
# edition (the 2018 pages: the built book's tests, test_indicator_pages): the active indicators' template
# for a share with a known n (33), a count (11), money in fixed 2018-kroner (3), a series break (15,
# BrukerPlan's new sample) and an erratum (25, dated differently by the two reports); the retired
# indicators' short page for 17.
TEMPLATE_EDITION = "2020"
TEMPLATE_RUNS = {"active": [33, 11, 3, 15, 25], "retired": [17]}  # by the catalogue's status, as the build


class TextNotebook(IPyNbFile):
    """A text notebook as nbval sees it: converted by jupytext, with one edition's parameters."""

    parameters: dict = {}

    def _read(self, path, as_version=4):
        from evalkit.build import read_notebook
        from papermill.parameterize import parameterize_notebook

        nb = read_notebook(Path(path))
        if not self.parameters:
            return nb
        # what papermill's own loader adds before it injects parameters
        nb.metadata.setdefault("papermill", {"default_parameters": {}, "parameters": {}, "environment_variables": {}})
        for cell in nb.cells:
            cell.metadata.setdefault("tags", [])
            cell.metadata.setdefault("papermill", {})
        return parameterize_notebook(nb, self.parameters)

    def collect(self):
        # nbval reads the file with nbformat.read(path); let it read the converted notebook instead.
        with mock.patch.object(nbformat, "read", self._read):
            yield from super().collect()


class TextNotebookEditions(pytest.File):
    """One text notebook, collected once per edition."""

    def collect(self):
        from evalkit.build import TEMPLATES

        status = next((s for s, t in TEMPLATES.items() if self.path.as_posix().endswith(t)), None)
        if status is not None:
            runs = [(f"as_of={TEMPLATE_EDITION},indicator={i}", {**EDITIONS[TEMPLATE_EDITION], "indicator": i})
                    for i in TEMPLATE_RUNS[status]]
        else:
            runs = [(f"as_of={e}", parameters) for e, parameters in EDITIONS.items()]
        for name, parameters in runs:
            node = TextNotebook.from_parent(self, path=self.path, name=name)
            node.parameters = parameters
            yield node


def pytest_collect_file(file_path, parent):
    opt = parent.config.option
    if not (opt.nbval or opt.nbval_lax) or file_path.suffix != ".md":
        return None
    from evalkit.build import is_text_notebook

    return TextNotebookEditions.from_parent(parent, path=file_path) if is_text_notebook(file_path) else None


# `make test` runs the suite in two processes (pytest-xdist): each test file goes whole to one process
# (its module fixtures, and nbval's kernel for a notebook's cells, are made once), and every test file
# that uses the session's built book (or the browser that visits it) goes to the same one, which builds
# each edition once. The other process meanwhile runs the rest: nbval, the small books' builds, the fuzz
# test. (xdist's own --dist loadgroup cannot do this with pytest 9, whose node ids it can no longer
# rename; this scheduler groups by file name instead.)
BOOK_FIXTURES = re.compile(r"def \w+\([^)]*\b(built_book|served|visited|chromium)\b")  # a test or fixture asking for one


@functools.cache
def book_files(root: Path) -> frozenset[str]:
    """The test files (relative to *root*) with a test or fixture that asks for the built book's fixtures."""
    return frozenset(p.relative_to(root).as_posix() for p in (root / "tests").glob("test_*.py")
                     if BOOK_FIXTURES.search(p.read_text(encoding="utf-8")))


def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    root = Path(str(config.rootpath))

    class ByFile(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            file = nodeid.split("::")[0]
            return "the built book" if file in book_files(root) else file

    return ByFile(config, log)
