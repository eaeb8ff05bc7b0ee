"""The content keys of the build: a notebook's key is a hash of everything its output depends on (its
code cells, the build's parameters, every file of the data package, the ``evalkit`` code and the versions
of the packages that compute and draw), and the book's key adds its other sources and the book tools'
versions. A cache entry is reused, and a build skipped, only while its key holds.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# What the book is made of: the pages (chapters/, text notebooks among them) and what Jupyter Book reads.
BOOK_SOURCES = ["_config.yml", "_toc.yml", "references.bib", "chapters", "indikatorer", "_static", "_ext", "_locale",
                "data"]
# Packages whose version can change a notebook's output, and those that turn notebooks into HTML.
COMPUTE_PACKAGES = ["numpy", "pandas", "scipy", "statsmodels", "matplotlib", "matplotlib-inline", "seaborn",
                    "babel", "frictionless", "ipykernel", "ipython", "papermill", "nbclient", "nbformat", "jupytext"]
BOOK_PACKAGES = ["jupyter-book", "sphinx", "myst-nb", "myst-parser", "sphinx-book-theme",
                 "pydata-sphinx-theme", "sphinxcontrib-bibtex"]
CACHE_FORMAT = "evalkit-notebook-cache-3"  # an entry: a header line (format, checksum), then the notebook
IGNORED = {"__pycache__", ".ipynb_checkpoints", ".DS_Store"}


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and not IGNORED & set(p.parts))


def tree_digest(paths: list[Path], base: Path) -> str:
    """A hash of the files under *paths*: their names relative to *base* and their bytes."""
    h = hashlib.sha256()
    for top in paths:
        for f in _files(top) if top.exists() else []:
            h.update(f.relative_to(base).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def versions_digest(packages: list[str]) -> str:
    found = []
    for name in packages:
        try:
            found.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} absent")
    return hashlib.sha256("\n".join([sys.version, *found]).encode()).hexdigest()


def executed_part(notebook: Path) -> bytes:
    """What of a notebook's source its execution depends on: the kernel and every code cell (source,
    tags and other metadata), in order. The prose (Markdown cells) is not part of it: an edit of the
    prose alone executes nothing, and the build puts the current prose into the executed copy."""
    import jupytext
    import nbformat

    nb = jupytext.read(notebook) if notebook.suffix == ".md" else nbformat.read(notebook, as_version=4)
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    code = [[cell.source, cell.metadata] for cell in nb.cells if cell.cell_type == "code"]
    return json.dumps({"kernel": kernel, "code": code}, sort_keys=True, ensure_ascii=False).encode()


@dataclass(frozen=True)
class Inputs:
    """Everything besides its own source that a notebook's output depends on, as digests."""

    params: dict
    data: str
    code: str
    environment: str

    @classmethod
    def gather(cls, params: dict, data_dir: Path) -> Inputs:
        return cls(params, tree_digest([data_dir], data_dir), tree_digest([PACKAGE], PACKAGE),
                   versions_digest(COMPUTE_PACKAGES))

    def key(self, notebook: Path, page: dict | None = None) -> str:
        """The key of *notebook*; of a page made from a template (*notebook*), *page* holds what makes
        it that page (its parameters and heading), so each page has its own key and an edit of the
        template changes them all."""
        h = hashlib.sha256(CACHE_FORMAT.encode())
        for part in (executed_part(notebook), json.dumps(self.params, sort_keys=True).encode(),
                     self.data.encode(), self.code.encode(), self.environment.encode()):
            h.update(hashlib.sha256(part).digest())
        if page is not None:
            h.update(hashlib.sha256(json.dumps(page, sort_keys=True).encode()).digest())
        return h.hexdigest()


def validation_key(data_dir: Path) -> str:
    """What the data's validation depends on: the package's bytes, the evalkit code (its rules) and the
    versions of the packages (frictionless, pandas). The same key, the same verdict."""
    h = hashlib.sha256(b"evalkit-validation-1")
    for part in (tree_digest([data_dir], data_dir), tree_digest([PACKAGE], PACKAGE), versions_digest(COMPUTE_PACKAGES)):
        h.update(part.encode())
    return h.hexdigest()


def book_key(root: Path, notebook_keys: dict[str, str]) -> str:
    """The whole book's key: its notebooks' keys, its other sources and the book tools' versions."""
    h = hashlib.sha256(CACHE_FORMAT.encode())
    h.update(json.dumps(notebook_keys, sort_keys=True).encode())
    h.update(tree_digest([root / name for name in BOOK_SOURCES], root).encode())
    h.update(versions_digest(BOOK_PACKAGES).encode())
    return h.hexdigest()
