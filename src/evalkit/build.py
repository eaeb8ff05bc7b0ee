"""Build the book: validate the data, execute every notebook with papermill into a fresh staging
folder (the sources in ``notebooks/`` keep no outputs), run ``jb build`` there with warnings as
errors, and only then publish the HTML by an atomic switch of ``_build/html``.

A failure at any step (bad data, a notebook's exception, a Sphinx warning) stops the build with the
file, cell and message, and leaves the previously published book as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from .classify import DEFAULT_POINTS_THRESHOLD, DEFAULT_RELATIVE_THRESHOLD
from .data import validate

ROOT = Path(__file__).resolve().parents[2]
# What the book is made of besides the executed notebooks.
BOOK_SOURCES = ["_config.yml", "_toc.yml", "references.bib", "chapters", "_static", "_ext", "_locale", "data"]
NOTEBOOK_DIRS = ["notebooks", "chapters"]


class BuildError(RuntimeError):
    """The build failed; the message says where and why."""


@dataclass
class Executed:
    notebook: str
    seconds: float


def notebooks(root: Path = ROOT) -> list[Path]:
    return sorted(p for d in NOTEBOOK_DIRS for p in (root / d).glob("*.ipynb"))


def parameters(as_of: int, base: int, data_dir: Path, points_threshold: float, relative_threshold: float) -> dict:
    return {"as_of": as_of, "base_year": base, "data_dir": str(data_dir),
            "points_threshold": points_threshold, "relative_threshold": relative_threshold}


def _execute(src: str, dst: str, params: dict) -> Executed:
    """Execute one notebook (in a worker process). The kernel's own stderr goes to ``<dst>.log``."""
    import papermill

    start = time.perf_counter()
    log = open(f"{dst}.log", "w")
    saved = os.dup(2)
    os.dup2(log.fileno(), 2)  # the kernel subprocess inherits this stderr
    try:
        papermill.execute_notebook(src, dst, parameters=params, cwd=str(Path(src).parent), kernel_name="python3",
                                   progress_bar=False, log_output=False, report_mode=False)
    except papermill.PapermillExecutionError as exc:
        raise BuildError(f"{src}: cell {exc.exec_count or exc.cell_index}: {exc.ename}: {exc.evalue}") from None
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        log.close()
    _hide_injected_parameters(Path(dst))
    return Executed(src, time.perf_counter() - start)


def _hide_injected_parameters(path: Path) -> None:
    """Papermill's injected cell carries the build's parameters (and local paths): keep it off the page."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            cell.metadata["tags"] = [*tags, "remove-cell"]
    nbformat.write(nb, path)


def execute_all(root: Path, stage: Path, params: dict, jobs: int, log=print) -> list[Executed]:
    todo = [(str(nb), str(stage / nb.relative_to(root))) for nb in notebooks(root)]
    for _, dst in todo:
        Path(dst).parent.mkdir(parents=True, exist_ok=True)
    done, errors = [], []
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(_execute, src, dst, params): src for src, dst in todo}
        for fut in as_completed(futures):
            src = Path(futures[fut])
            try:
                result = fut.result()
            except BuildError as exc:
                errors.append(str(exc))
                log(f"  FAILED    {src.relative_to(root)}")
                continue
            done.append(result)
            log(f"  executed  {src.relative_to(root)}  {result.seconds:5.1f} s")
    if errors:
        raise BuildError("notebook execution failed:\n" + "\n".join(f"  {e}" for e in sorted(errors)))
    return done


def run_jupyter_book(stage: Path, log=print) -> None:
    jb = Path(sys.executable).with_name("jb")
    cmd = [str(jb), "build", str(stage), "--warningiserror", "--nitpick", "--keep-going", "--all", "-q"]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=stage)
    if proc.returncode != 0 or not (stage / "_build" / "html" / "index.html").is_file():
        out = "\n".join(line for line in (proc.stdout + proc.stderr).splitlines()
                        if "WARNING" in line or "ERROR" in line or "Error" in line)
        raise BuildError(f"jb build failed (exit {proc.returncode}):\n{out or proc.stdout[-4000:] + proc.stderr[-4000:]}")


def publish(stage_html: Path, out: Path) -> Path:
    """Make ``out/html`` point at *stage_html* in one atomic step (a symlink replaced by rename)."""
    out.mkdir(parents=True, exist_ok=True)
    link = out / "html"
    tmp = out / f".html-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(stage_html.relative_to(out), target_is_directory=True)
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)  # a plain folder from an older layout
    previous = link.resolve() if link.is_symlink() else None
    os.replace(tmp, link)
    if previous and previous.exists() and previous != stage_html.resolve():
        shutil.rmtree(previous.parent.parent, ignore_errors=True)  # the old stage
    return link


def build(*, as_of: int = 2020, base: int = 2016, jobs: int | None = None, data_dir: Path | None = None,
          root: Path = ROOT, out: Path | None = None,
          points_threshold: float = DEFAULT_POINTS_THRESHOLD,
          relative_threshold: float = DEFAULT_RELATIVE_THRESHOLD, log=print) -> Path:
    """Build the whole book; return the published HTML folder."""
    t0 = time.perf_counter()
    out = Path(out or root / "_build")
    data_dir = Path(data_dir or root / "data").resolve()
    frames = validate(data_dir)  # raises before any notebook runs
    log(f"data valid: {len(frames['indicators'])} indicators, {len(frames['observations'])} observations")

    out.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix="stage-", dir=out))
    try:
        for name in BOOK_SOURCES:
            src = root / name
            if src.is_dir():
                shutil.copytree(src, stage / name, ignore=shutil.ignore_patterns("*.ipynb_checkpoints"))
            elif src.is_file():
                shutil.copy2(src, stage / name)
        params = parameters(as_of, base, data_dir, points_threshold, relative_threshold)
        jobs = jobs or os.cpu_count() or 1
        log(f"executing {len(notebooks(root))} notebooks (as_of={as_of}, base={base}, jobs={jobs})")
        execute_all(root, stage, params, jobs, log)
        for stray in stage.rglob("*.ipynb.log"):
            stray.unlink()
        log("running jb build (warnings are errors)")
        run_jupyter_book(stage, log)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    link = publish(stage / "_build" / "html", out)
    log(f"book built in {time.perf_counter() - t0:.1f} s: {link / 'index.html'}")
    return link
