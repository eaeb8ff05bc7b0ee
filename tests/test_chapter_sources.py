"""The chapter sources stay easy to edit: text notebooks with short code cells, each number glued just
above the paragraph that uses it, no glued key unused or used without being glued, and no block of
code repeated across chapters (what repeats belongs in evalkit)."""

import re
from collections import defaultdict
from pathlib import Path

import nbformat
import pytest

from evalkit.build import TEMPLATES, is_text_notebook, notebooks, pages, read_notebook

from .conftest import ROOT

CHAPTERS = notebooks(ROOT)
MAX_CELL_LINES = 20
GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`([^`:]+)(?::[^`]*)?`")


def code_lines(cell) -> list[str]:
    return [line for line in cell.source.splitlines() if line.strip() and not line.strip().startswith("#")]


def test_every_page_is_in_one_folder_in_reading_order():
    # the chapters, and the index of the indicator pages (indikatorer/, whose pages the build makes)
    names = [p.relative_to(ROOT).as_posix() for p in pages(ROOT) if p != ROOT / "indikatorer" / "index.md"]
    assert all(n.startswith("chapters/") for n in names), names
    numbers = [int(Path(n).name.split("_", 1)[0]) for n in names]
    assert numbers == sorted(numbers) == list(range(len(names))), names
    assert not list(ROOT.glob("chapters/*.ipynb")), "chapter sources are text notebooks, not .ipynb"
    assert len(CHAPTERS) == 16 and all(is_text_notebook(p) for p in CHAPTERS)


@pytest.mark.parametrize("path", [*CHAPTERS, *(ROOT / t for t in TEMPLATES.values())], ids=lambda p: p.name)
def test_code_cells_are_short(path):
    long = [(i, len(code_lines(c))) for i, c in enumerate(read_notebook(path).cells)
            if c.cell_type == "code" and len(code_lines(c)) > MAX_CELL_LINES]
    assert not long, f"{path.name}: code cells longer than {MAX_CELL_LINES} lines (cell, lines): {long}"


def test_no_block_of_code_is_repeated_across_chapters():
    """Four consecutive code lines (white space folded) that stand in two chapters are a copy: one
    evalkit function should serve both."""
    seen = defaultdict(set)
    for path in CHAPTERS:
        for cell in read_notebook(path).cells:
            if cell.cell_type != "code":
                continue
            lines = [" ".join(line.split()) for line in code_lines(cell)]
            for i in range(len(lines) - 3):
                seen[tuple(lines[i:i + 4])].add(path.name)
    # the parameters cell and the set-up cell are the same in every chapter by design
    repeated = {block: files for block, files in seen.items() if len(files) > 1
                and not any(line.startswith(("as_of =", "base_year =", "data_dir =", "points_threshold =",
                                             "relative_threshold =", "from evalkit", "ch = book.setup",
                                             "from IPython")) for line in block)}
    assert not repeated, "\n".join(f"{sorted(f)}: {b}" for b, f in list(repeated.items())[:5])


def glued_keys(executed: Path) -> set[str]:
    nb = nbformat.read(executed, as_version=4)
    return {o.get("metadata", {}).get("scrapbook", {}).get("name") for c in nb.cells if c.cell_type == "code"
            for o in c.get("outputs", [])} - {None}


def used_keys(source: Path) -> set[str]:
    return {m.group(1) for c in read_notebook(source).cells if c.cell_type == "markdown"
            for m in GLUE_ROLE.finditer(c.source)}


@pytest.mark.book
@pytest.mark.parametrize("as_of", [2020, 2018])
def test_every_glued_key_is_used_and_every_used_key_glued(built_book, as_of):
    stage = built_book(as_of).resolve().parents[1]
    problems = []
    for source in CHAPTERS:
        executed = stage / source.relative_to(ROOT).with_suffix(".ipynb")
        glued, used = glued_keys(executed), used_keys(source)
        if used - glued:
            problems.append(f"{source.name}: used but never glued: {sorted(used - glued)}")
        if glued - used:
            problems.append(f"{source.name}: glued but never used: {sorted(glued - used)}")
    assert not problems, "\n".join(problems)


@pytest.mark.book
def test_each_number_is_glued_right_above_its_paragraph(built_book):
    """A key is glued in the last code cell before the first Markdown cell that uses it (or in the
    cell before that, when a table or figure stands between), never in a cell far above."""
    stage = built_book(2020).resolve().parents[1]
    far = []
    for source in CHAPTERS:
        nb = nbformat.read(stage / source.relative_to(ROOT).with_suffix(".ipynb"), as_version=4)
        glued_in = {}
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                for o in cell.get("outputs", []):
                    name = o.get("metadata", {}).get("scrapbook", {}).get("name")
                    if name:
                        glued_in.setdefault(name, i)
        first_use = {}
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "markdown":
                for m in GLUE_ROLE.finditer(cell.source):
                    first_use.setdefault(m.group(1), i)
        for key, i in first_use.items():
            if key not in glued_in:
                continue  # reported by the test above
            between = [c for c in nb.cells[glued_in[key] + 1:i] if c.cell_type == "markdown"]
            if between:
                far.append(f"{source.name}: {key} (glued in cell {glued_in[key]}, first used in cell {i})")
    assert not far, "\n".join(far[:30])
