"""A warm Sphinx: the stage in which Jupyter Book runs is kept between builds (``<out>/warm``), with
Sphinx's environment and doctrees, so that a build re-reads and re-writes only the pages whose files
changed. Each build still publishes a new, complete copy of the HTML (see :mod:`evalkit.build`), and
the output equals a clean build's, byte for byte (``tests/test_incremental.py``).

Three things keep an incremental run honest:

- **A run is trusted only if the last one finished.** :func:`prepare` removes the stage's state file
  before Sphinx starts and :func:`finish` writes it afterwards, with a digest of everything under
  ``_build`` (doctrees, environment, HTML). A build that was killed or failed, a changed
  configuration (``_config.yml``, ``_toc.yml``, the bibliography, ``_static``, ``_ext``, ``_locale``,
  the book tools' versions) or a damaged file under ``_build`` makes the next run a clean one. If an
  incremental run fails anyway, it is repeated once from a clean state before the build gives up.
- **Pages that show other pages' names are rewritten when those change.** Sphinx re-writes a page when
  its own file changes, but the navigation of every page shows every page's title, and a reference
  shows its target's title or number. This module, loaded into Sphinx as an extension, keeps a digest
  of the titles, labels and numbers of the whole book in the environment and asks Sphinx to re-write
  every page when it changes (``env-get-updated``).
- **No stale files.** Sphinx never deletes an output: a figure whose content changed gets a new file
  name and the old file would stay. After a run, files in ``_images`` and ``_downloads`` that no page
  refers to, and the pages of removed documents, are deleted (``build-finished``); the search index
  drops words no page has any more; and myst-nb's stylesheet is linked as in a clean run.

Run as ``python -m evalkit.sphinx_warm STAGE [--jobs N]``, it is ``jb build STAGE -W -n --keep-going``
without ``--all`` (Jupyter Book's own ``build_sphinx``, the same configuration as its command line),
plus this extension and an optional number of parallel Sphinx processes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .keys import BOOK_PACKAGES, tree_digest, versions_digest

STATE = "evalkit-warm.json"  # in the warm stage: the digests of the last finished Sphinx run
FORMAT = "evalkit-warm-1"
# The sources of a stage that every page depends on: a change here is a clean Sphinx run.
CONFIGURATION = ["_config.yml", "_toc.yml", "references.bib", "_static", "_ext", "_locale"]
EXTENSION = "evalkit.sphinx_warm"


def _config_digest(stage: Path) -> str:
    h = hashlib.sha256(FORMAT.encode())
    h.update(tree_digest([stage / name for name in CONFIGURATION], stage).encode())
    h.update(versions_digest(BOOK_PACKAGES).encode())
    h.update(Path(__file__).read_bytes())  # this extension
    return h.hexdigest()


def _build_digest(stage: Path) -> str:
    """Names and bytes of everything Sphinx keeps under ``_build`` (environment, doctrees, HTML)."""
    return tree_digest([stage / "_build"], stage)


def _state(stage: Path) -> dict:
    try:
        return json.loads((stage / STATE).read_text())
    except (OSError, ValueError):
        return {}


def prepare(stage: Path) -> bool:
    """Before a Sphinx run in *stage*: whether it can be incremental (the last run finished, with the
    same configuration, and nothing under ``_build`` changed since); if not, ``_build`` is removed.
    The state file goes either way, so a run that does not finish leaves the next one clean."""
    state = _state(stage)
    (stage / STATE).unlink(missing_ok=True)
    warm = (state.get("format") == FORMAT and state.get("config") == _config_digest(stage)
            and (stage / "_build").is_dir() and state.get("build") == _build_digest(stage))
    if not warm:
        shutil.rmtree(stage / "_build", ignore_errors=True)
    return warm


def finish(stage: Path) -> None:
    """After a successful Sphinx run: record the digests that let the next run be incremental."""
    state = {"format": FORMAT, "config": _config_digest(stage), "build": _build_digest(stage)}
    tmp = stage / f".{STATE}.{os.getpid()}"
    tmp.write_text(json.dumps(state, indent=1) + "\n")
    os.replace(tmp, stage / STATE)


def command(stage: Path, jobs: int = 1) -> list[str]:
    return [sys.executable, "-m", EXTENSION, str(stage), "--jobs", str(jobs)]


def run_sphinx(stage: Path, jobs: int = 1) -> subprocess.CompletedProcess:
    return subprocess.run(command(stage, jobs), capture_output=True, text=True, cwd=stage)


def build_html(stage: Path, *, jobs: int = 1, log=print) -> tuple[bool, subprocess.CompletedProcess]:
    """Run Sphinx in *stage*, incrementally where :func:`prepare` allows, once more from a clean state
    if an incremental run fails; return (whether the run that counts was incremental, its process)."""
    warm = prepare(stage)
    proc = run_sphinx(stage, jobs)
    if proc.returncode != 0 and warm:
        log("  the incremental Sphinx run failed; running it again from a clean state")
        shutil.rmtree(stage / "_build", ignore_errors=True)
        warm, proc = False, run_sphinx(stage, jobs)
    if proc.returncode == 0 and (stage / "_build" / "html" / "index.html").is_file():
        finish(stage)
    return warm, proc


def export(stage: Path, dest: Path) -> None:
    """Copy what a published stage holds from the warm *stage* into the new folder *dest*: the HTML and
    the executed notebooks and sources beside it (not the doctrees, nor the state)."""
    skip = {STATE, "_build"}
    for src in stage.iterdir():
        if src.name in skip or src.name.startswith("."):
            continue
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dest / src.name)
    shutil.copytree(stage / "_build" / "html", dest / "_build" / "html")


# --------------------------------------------------------------------------------------------------
# The Sphinx extension (loaded in the warm stage's Sphinx through its _config.yml)


def _site_digest(env) -> str:
    """What a page may show of other pages: titles, section numbers, figure and table numbers, labels."""
    site = {
        "titles": {doc: node.astext() for doc, node in sorted(env.titles.items())},
        "secnumbers": {doc: sorted(map(repr, v.items())) for doc, v in sorted(env.toc_secnumbers.items())},
        "fignumbers": {doc: sorted(map(repr, v.items())) for doc, v in sorted(env.toc_fignumbers.items())},
        "labels": sorted(map(repr, env.domaindata.get("std", {}).get("labels", {}).items())),
        "anonlabels": sorted(map(repr, env.domaindata.get("std", {}).get("anonlabels", {}).items())),
    }
    return hashlib.sha256(json.dumps(site, sort_keys=True).encode()).hexdigest()


def _rewrite_all_if_site_changed(app, env) -> list[str]:
    digest = _site_digest(env)
    before = getattr(env, "evalkit_site_digest", None)
    env.evalkit_site_digest = digest
    return sorted(env.found_docs) if before is not None and before != digest else []


def _note_removed(app, env, added, changed, removed) -> list[str]:
    env.evalkit_removed = sorted(set(getattr(env, "evalkit_removed", [])) | set(removed))
    return []


def _prune(app, exception) -> None:
    """Delete outputs no page refers to any more: old figures, old downloads, removed pages."""
    if exception is not None or app.builder.format != "html":
        return
    env, outdir = app.env, Path(app.outdir)
    images = {uniq for _docs, uniq in env.images.values()}
    for path in (outdir / "_images").glob("*") if (outdir / "_images").is_dir() else []:
        if path.is_file() and path.name not in images:
            path.unlink()
    downloads = {Path(dest).as_posix() for _docs, dest in env.dlfiles.values()}
    folder = outdir / "_downloads"
    for path in sorted(folder.rglob("*"), reverse=True) if folder.is_dir() else []:
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and rel not in downloads:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    for docname in getattr(env, "evalkit_removed", []):
        if docname not in env.found_docs:
            Path(app.builder.get_outfilename(docname)).unlink(missing_ok=True)
    env.evalkit_removed = []


def _as_a_clean_run_sees_it(app) -> None:
    """myst-nb writes its stylesheet at the end of a run, so a clean run writes its pages before the
    file exists, and they link it without Sphinx's ``?v=`` checksum; a later run would find the file and
    add one to the pages it writes. Removed here, every page links it as a clean run does."""
    for css in Path(app.outdir, "_static").glob("mystnb.*.css"):
        css.unlink()


def _prune_drops_empty_terms() -> None:
    """Sphinx's search index, loaded from the last run and pruned of the pages being re-written, keeps
    a word that only those pages had with an empty list of pages (``"gammel": []``), where a clean run
    has no such word. Pruning drops such words too."""
    from sphinx.search import IndexBuilder

    prune = IndexBuilder.prune
    if getattr(prune, "evalkit", False):
        return

    def pruned(self, docnames) -> None:
        prune(self, docnames)
        for mapping in (self._mapping, self._title_mapping):
            for word in [word for word, docs in mapping.items() if not docs]:
                del mapping[word]

    pruned.evalkit = True
    IndexBuilder.prune = pruned


def setup(app):
    _prune_drops_empty_terms()
    app.connect("builder-inited", _as_a_clean_run_sees_it)
    app.connect("env-get-outdated", _note_removed)
    app.connect("env-get-updated", _rewrite_all_if_site_changed, priority=900)  # after the numbering
    app.connect("build-finished", _prune)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# --------------------------------------------------------------------------------------------------
# The runner: Jupyter Book's build, as `jb build STAGE -W -n --keep-going` runs it, without --all


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Build a warm stage's HTML with Jupyter Book's Sphinx.")
    parser.add_argument("stage", type=Path)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    from jupyter_book.sphinx import build_sphinx

    stage = args.stage.resolve()
    overrides = {"external_toc_path": (stage / "_toc.yml").as_posix(), "latex_individualpages": False,
                 "nitpicky": True}
    result = build_sphinx(stage, stage / "_build" / "html", use_external_toc=True, noconfig=True,
                          path_config=str(stage / "_config.yml"), confoverrides=overrides, builder="html",
                          warningiserror=True, keep_going=True, freshenv=False, quiet=True, jobs=args.jobs)
    if isinstance(result, BaseException):
        print(f"Error: {type(result).__name__}: {result}", file=sys.stderr)
        return 2
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
