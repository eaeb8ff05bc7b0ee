"""The content keys of the build: a notebook's key is a hash of everything its output depends on (its
code cells, the build's parameters, the part of the data package it read, the ``evalkit`` code and the
versions of the packages that compute and draw), and the book's key adds its other sources and the book
tools' versions. A cache entry is reused, and a build skipped, only while its key holds.

The part of the data a notebook read is recorded when it runs (:mod:`evalkit.reads`): its *base* key
(everything but the data) names that record, and its key is the base key with the hash of just those
bytes. A notebook whose reads are not known yet depends on every file of the package.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .reads import Package

PACKAGE = Path(__file__).resolve().parent
# What the book is made of: the pages (chapters/, text notebooks among them) and what Jupyter Book reads.
BOOK_SOURCES = ["_config.yml", "_toc.yml", "references.bib", "chapters", "indikatorer", "_static", "_ext", "_locale",
                "data"]
# Packages whose version can change a notebook's output, and those that turn notebooks into HTML.
COMPUTE_PACKAGES = ["numpy", "pandas", "scipy", "statsmodels", "matplotlib", "matplotlib-inline", "seaborn",
                    "babel", "frictionless", "ipykernel", "ipython", "papermill", "nbclient", "nbformat", "jupytext"]
BOOK_PACKAGES = ["jupyter-book", "sphinx", "myst-nb", "myst-parser", "sphinx-book-theme",
                 "pydata-sphinx-theme", "sphinxcontrib-bibtex"]
CACHE_FORMAT = "evalkit-notebook-cache-4"  # an entry: a header line (format, checksum), then the notebook
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
    """Everything besides its own source that a notebook's output depends on: the build's parameters,
    the data package (:class:`evalkit.reads.Package`), and digests of the evalkit code and the packages."""

    params: dict
    package: Package
    code: str
    environment: str
    # a notebook file's hash -> the hash of its executed_part: jupytext reads each source once (the build
    # keeps this beside its cache, so a no-op build reads none)
    parts: dict = field(default_factory=dict, compare=False, repr=False)
    # (a source file, its size and time) -> the sha256 of its bytes (a template serves 93 pages)
    sources: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def gather(cls, params: dict, data_dir: Path, parts: dict | None = None) -> Inputs:
        return cls(params, Package(data_dir), tree_digest([PACKAGE], PACKAGE), versions_digest(COMPUTE_PACKAGES),
                   dict(parts or {}))

    def base(self, notebook: Path, page: dict | None = None) -> str:
        """The key of *notebook* but for the data; of a page made from a template (*notebook*), *page*
        holds what makes it that page (its parameters and heading), so each page has its own key and an
        edit of the template changes them all."""
        source = f"{notebook.suffix} {self.source_sha(notebook)}"
        if source not in self.parts:
            self.parts[source] = hashlib.sha256(executed_part(notebook)).hexdigest()
        h = hashlib.sha256(CACHE_FORMAT.encode())
        h.update(bytes.fromhex(self.parts[source]))
        for part in (json.dumps(self.params, sort_keys=True).encode(), self.code.encode(), self.environment.encode()):
            h.update(hashlib.sha256(part).digest())
        if page is not None:
            h.update(hashlib.sha256(json.dumps(page, sort_keys=True).encode()).digest())
        return h.hexdigest()

    def source_sha(self, notebook: Path) -> str:
        """The sha256 of a source file's bytes, read again only if its size or time changed."""
        st = notebook.stat()
        seen = (notebook, st.st_size, st.st_mtime_ns)
        if seen not in self.sources:
            self.sources[seen] = hashlib.sha256(notebook.read_bytes()).hexdigest()
        return self.sources[seen]

    def with_data(self, base: str, reads: dict | None) -> str:
        """The key of the notebook with *base* key that read *reads* of the data (None: all of it)."""
        return hashlib.sha256(f"{base}\0{self.package.digest(reads)}".encode()).hexdigest()

    def key(self, notebook: Path, page: dict | None = None, reads: dict | None = None) -> str:
        """The key of *notebook* (a page of a template with *page*) that read *reads* of the data (its
        record, :meth:`evalkit.reads.Reads.record`; None: every file)."""
        return self.with_data(self.base(notebook, page), reads)


def validation_key(data_dir: Path) -> str:
    """What the data's validation depends on: the package's bytes, the evalkit code (its rules) and the
    versions of the packages (frictionless, pandas). The same key, the same verdict."""
    h = hashlib.sha256(b"evalkit-validation-1")
    for part in (tree_digest([data_dir], data_dir), tree_digest([PACKAGE], PACKAGE), versions_digest(COMPUTE_PACKAGES)):
        h.update(part.encode())
    return h.hexdigest()


def book_key(root: Path, notebook_keys: dict[str, str], data: str = "") -> str:
    """The whole book's key: its notebooks' keys, its other sources, the whole data package's digest
    *data* (the print edition's cover names it) and the book tools' versions."""
    h = hashlib.sha256(CACHE_FORMAT.encode())
    h.update(json.dumps(notebook_keys, sort_keys=True).encode())
    h.update(data.encode())
    h.update(tree_digest([root / name for name in BOOK_SOURCES], root).encode())
    h.update(versions_digest(BOOK_PACKAGES).encode())
    return h.hexdigest()
