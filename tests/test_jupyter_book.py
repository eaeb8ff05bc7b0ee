"""`jb build .`, the command evaluators know, gives the real book: the same pages, tables, figures and
glued numbers as `evalkit build`; and where Jupyter Book would not execute a notebook, the build fails
with a line naming `make book` instead of publishing a page without its outputs."""

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from evalkit.build import pages
from evalkit.keys import BOOK_SOURCES

from .conftest import ROOT

pytestmark = pytest.mark.book

JB = str(Path(sys.executable).with_name("jb"))


def copy_book(dst: Path) -> Path:
    dst.mkdir(parents=True)
    for name in BOOK_SOURCES:
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dst / name)
    return dst


def jb_build(book: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("EVALKIT_DATA", None)
    return subprocess.run([JB, "build", "."], cwd=book, capture_output=True, text=True, env=env, timeout=1200)


def page_content(html: Path, name: str) -> dict:
    """What a reader gets from a page: its main text, its tables and its figures (by content)."""
    main = BeautifulSoup((html / f"{name}.html").read_text(encoding="utf-8"), "html.parser").find("main")
    figures = [hashlib.sha256((html / name).parent.joinpath(img["src"]).read_bytes()).hexdigest()
               for img in main.find_all("img")]
    # table ids are fixed by evalkit (tbl-<name>), so tables compare as HTML
    return {"text": " ".join(main.get_text(" ", strip=True).split()), "tables": [str(t) for t in main.find_all("table")],
            "figures": figures}


@pytest.fixture(scope="module")
def jb_book(tmp_path_factory):
    book = copy_book(tmp_path_factory.mktemp("jb") / "book")
    proc = jb_build(book)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return book / "_build" / "html", proc


def test_jb_build_exits_0_without_warnings_about_glue(jb_book):
    _, proc = jb_book
    out = proc.stdout + proc.stderr
    assert "Finished generating HTML for book" in out
    sphinx_warnings = re.findall(r".*(?:WARNING|ERROR): .*", out)  # Sphinx's form; not the kernel's own log
    assert "found in glue data" not in out and not sphinx_warnings, sphinx_warnings[:5]


@pytest.mark.parametrize("name", [p.relative_to(ROOT).with_suffix("").as_posix() for p in pages(ROOT)])
def test_jb_build_pages_equal_evalkit_build(jb_book, built_book, name):
    ours = built_book(2020)
    theirs, _ = jb_book
    a, b = page_content(ours, name), page_content(theirs, name)
    assert a["text"] == b["text"], name
    assert a["tables"] == b["tables"], name
    assert a["figures"] == b["figures"], name


@pytest.mark.parametrize("setting", ['execute_notebooks: "off"', 'execute_notebooks: force\n  exclude_patterns: ["*hovedmal1*"]'])
def test_a_page_without_outputs_fails_the_build(tmp_path, setting):
    book = copy_book(tmp_path / "book")
    config = book / "_config.yml"
    text = config.read_text()
    assert "\n  execute_notebooks: force\n" in text
    config.write_text(text.replace("\n  execute_notebooks: force\n", f"\n  {setting}\n"))
    proc = jb_build(book)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "would have no outputs" in out and "make book" in out
    assert "chapters/05_hovedmal1.md" in out
    assert not (book / "_build" / "html" / "chapters" / "05_hovedmal1.html").exists()
