"""A page whose notebook was not executed fails the build.

The chapter sources are stored without outputs. If Jupyter Book does not execute a notebook (execution
switched off, or the notebook excluded from execution) and the notebook has no outputs of its own, its
page would come out without tables, figures or glued numbers while the build still reports success.
This extension stops such a build before anything is read, with one line per page that names the
command that builds the real book.
"""

from fnmatch import fnmatch
from pathlib import Path

import nbformat
from myst_nb.core.read import is_myst_markdown_notebook, read_myst_markdown_notebook
from sphinx.errors import ExtensionError

HOW = "build the book with `make book` (or run `jb build .` with execute_notebooks: force, as _config.yml has it)"


def _notebook(path: Path):
    if path.suffix == ".ipynb":
        return nbformat.read(path, as_version=4)
    text = path.read_text(encoding="utf-8")
    return read_myst_markdown_notebook(text) if path.suffix == ".md" and is_myst_markdown_notebook(text) else None


def unexecuted_pages(app, env, docnames=None) -> list[str]:
    """The notebooks Jupyter Book will not execute and that lack outputs, as source paths: of
    *docnames* (the pages this run reads; the pages it does not read passed this check when they were
    last read), or of every page."""
    config = env.mystnb_config
    srcdir = Path(app.srcdir)
    missing = []
    for docname in sorted(env.found_docs if docnames is None else docnames):
        path = Path(env.doc2path(docname))
        nb = _notebook(path)
        if nb is None:
            continue
        rel = path.relative_to(srcdir).as_posix()
        excluded = any(fnmatch(rel, pattern) for pattern in config.execution_excludepatterns)
        if config.execution_mode != "off" and not excluded:
            continue  # executed by Jupyter Book (and a failure stops the build: nb_execution_raise_on_error)
        code = [c for c in nb.cells if c.cell_type == "code"]
        if any(c.get("execution_count") is None for c in code):
            missing.append(rel)
    return missing


def _check(app, env, docnames):
    missing = unexecuted_pages(app, env, docnames)
    if missing:
        raise ExtensionError(f"{len(missing)} page(s) would have no outputs, since their notebooks are not "
                             f"executed: {', '.join(missing)}; {HOW}")


def setup(app):
    app.connect("env-before-read-docs", _check)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
