"""The live preview (``make preview``): the book served on localhost, rebuilt on every save, and the
page in the browser reloaded.

sphinx-autobuild watches the book's sources (chapters, data, configuration, the ``evalkit`` code) and
serves the HTML with its reload script. Before each Sphinx run it calls ``evalkit preview --stage-only``,
which brings a kept stage (``_build/preview/src``) up to date the way ``evalkit build`` fills its
stage: a chapter whose key changed is executed (the others come from the same cache as ``make book``'s),
and only files whose content changed are rewritten. Sphinx then re-reads just the pages whose files
changed, so an edit to one chapter's prose shows after that one notebook and that one page.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from .build import BuildError, BuildLock, BuildReport, NotebookCache, Plan, parameters, stage_book, validate_data
from .keys import BOOK_SOURCES, PACKAGE


def preview_folders(out: Path) -> tuple[Path, Path]:
    return out / "preview" / "src", out / "preview" / "html"


def refresh_stage(*, root: Path, out: Path, as_of: int, base: int, data_dir: Path | None, jobs: int | None,
                  points_threshold: float, relative_threshold: float, log=print) -> Path:
    """Bring the preview's stage up to date with the sources; return its folder."""
    root = root.resolve()
    data_dir = Path(data_dir or root / "data").resolve()
    params = parameters(as_of, base, data_dir, points_threshold, relative_threshold)
    cache = NotebookCache(out / "cache")
    src, _ = preview_folders(out)
    src.mkdir(parents=True, exist_ok=True)
    with BuildLock(out, log=log):  # shared with `make book`: one of them at a time uses the cache
        valid = validate_data(data_dir, out, log)
        plan = Plan.make(root, data_dir, params, cache=cache)
        stage_book(plan, src, cache, BuildReport(), jobs=jobs or os.cpu_count() or 1, valid=valid, log=log)
    # Sphinx reads conf.py; jb writes it from the stage's _config.yml (execution off).
    jb = Path(sys.executable).with_name("jb")
    conf = subprocess.run([str(jb), "config", "sphinx", str(src)], capture_output=True, text=True)
    if conf.returncode != 0 or not (src / "conf.py").is_file():
        raise BuildError(f"jb config sphinx failed:\n{conf.stdout[-2000:]}{conf.stderr[-2000:]}")
    _add_local_extension_paths(src)
    return src


def _add_local_extension_paths(src: Path) -> None:
    """jb puts the folders of ``sphinx.local_extensions`` on ``sys.path`` when it builds, but the conf.py
    it writes does not: add them, so that Sphinx alone finds the book's own extensions."""
    import yaml

    local = (yaml.safe_load((src / "_config.yml").read_text()).get("sphinx", {}) or {}).get("local_extensions") or {}
    folders = sorted(set(local.values()))
    if folders:
        lines = ["", "import os, sys  # the folders of sphinx.local_extensions (added by evalkit.preview)",
                 *[f"sys.path.insert(0, os.path.join(os.path.dirname(__file__), {folder!r}))" for folder in folders]]
        with open(src / "conf.py", "a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")


def serve(*, root: Path, out: Path, host: str, port: int, stage_args: list[str], **stage) -> int:
    """Prepare the stage once, then run sphinx-autobuild on it until interrupted."""
    root = root.resolve()
    src = refresh_stage(root=root, out=out, **stage)
    _, html = preview_folders(out)
    refresh = [sys.executable, "-m", "evalkit.cli", "preview", "--stage-only", "--root", str(root),
               "--out", str(out), *stage_args]
    watched = [root / name for name in BOOK_SOURCES if (root / name).exists()] + [PACKAGE]
    cmd = [sys.executable, "-m", "sphinx_autobuild", str(src), str(html), "--host", host, "--port", str(port),
           "--pre-build", shlex.join(refresh), "--ignore", str(out.resolve()), "--ignore", "*/__pycache__/*",
           *[f"--watch={path}" for path in watched], "-q"]
    print(f"preview of {root} on http://{host}:{port}/ (Ctrl+C stops it)")
    return subprocess.call(cmd)
