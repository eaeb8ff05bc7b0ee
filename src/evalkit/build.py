"""Build the book: validate the data, execute every chapter notebook with papermill into the kept
stage ``_build/warm``, run Jupyter Book's Sphinx build there with warnings as errors (incrementally:
:mod:`evalkit.sphinx_warm`), copy the HTML into a new stage folder and only then publish it by an atomic
switch of ``_build/html``.

The chapter sources are MyST Markdown text notebooks (a jupytext header, no outputs) in ``chapters/``;
which pages are notebooks is read from ``_toc.yml``. In the stage each one is replaced by its executed
``.ipynb``, and the stage's ``_config.yml`` switches Jupyter Book's own execution off (the sources'
configuration lets ``jb build .`` execute them itself).

Only what changed is executed. Each notebook has a key, a hash of everything its output depends on:
its code cells (an edit of the prose alone executes nothing: :func:`with_prose`), the build's
parameters, every file of the data package, the ``evalkit`` code and the versions of the packages that
compute and draw. An executed copy is kept in ``_build/cache`` under
that key and reused while the key is the same; the whole book has a key too (the notebooks' keys and
every other source of the book), and a build whose book key equals the published one does nothing.
Jupyter Book's own cache keys on the code cells alone and would miss a change in ``data/``, which is
why notebooks are executed here and not by Jupyter Book.

Notebooks run in parallel, one warm kernel per thread: a thread starts its kernel once (what the
chapters import is imported once per kernel, by its first notebook), and before each notebook clears
the kernel's namespace, closes its figures, restores matplotlib's settings and moves to the notebook's
folder, so a notebook sees what a fresh kernel would show it (a test compares the two) without paying
the start-up again.

A failure at any step (bad data, a notebook's exception, a Sphinx warning) stops the build with the
file, cell and message, and leaves the previously published book as it was.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .thresholds import DEFAULT_POINTS_THRESHOLD, DEFAULT_RELATIVE_THRESHOLD
from .keys import BOOK_SOURCES, CACHE_FORMAT, Inputs, _files, book_key
from .links import PAGES_DIR

TEXT_NOTEBOOK = ".md"  # a page with a jupytext header (see is_text_notebook)
CACHE_ENTRIES = 400  # executed copies kept (about two editions of the book, and their variants), least recently used go
CELL_TIMEOUT = 600  # seconds one cell may run
INDICATOR_TEMPLATE = f"{PAGES_DIR}/_template.md"  # executed once per active indicator into indikatorer/<id>.ipynb
RETIRED_TEMPLATE = f"{PAGES_DIR}/_retired.md"  # the short page of a retired indicator, made the same way
TEMPLATES = {"active": INDICATOR_TEMPLATE, "retired": RETIRED_TEMPLATE}  # catalogue status -> its pages' template


class BuildError(RuntimeError):
    """The build failed; the message says where and why."""


@dataclass
class Executed:
    notebook: str
    seconds: float
    reads: dict | None = None  # what it read of the data (evalkit.reads); None: all of it, or not known


@dataclass
class BuildReport:
    """What a build did; also written to ``<out>/last-build.json``."""

    executed: dict[str, float] = field(default_factory=dict)  # notebook -> seconds
    reused: list[str] = field(default_factory=list)
    up_to_date: bool = False
    seconds: float = 0.0
    sphinx_incremental: bool = False  # Sphinx re-read only the changed pages (evalkit.sphinx_warm)


def is_text_notebook(path: Path) -> bool:
    """A MyST Markdown page with a jupytext header is a notebook (as Jupyter Book and JupyterLab see it)."""
    from myst_nb.core.read import is_myst_markdown_notebook

    return path.suffix == TEXT_NOTEBOOK and is_myst_markdown_notebook(path.read_text(encoding="utf-8"))


def pages(root: Path) -> list[Path]:
    """The source file of every page in ``_toc.yml``, in reading order."""
    from sphinx_external_toc.parsing import parse_toc_yaml

    found = []
    for docname in parse_toc_yaml(root / "_toc.yml"):
        hits = [root / f"{docname}{suffix}" for suffix in (".md", ".ipynb") if (root / f"{docname}{suffix}").is_file()]
        if not hits:
            raise BuildError(f"_toc.yml names {docname}, but there is no {docname}.md or {docname}.ipynb")
        found.append(hits[0])
    return found


def notebooks(root: Path) -> list[Path]:
    """The pages that are executed: text notebooks (and any ``.ipynb``), in reading order."""
    return [p for p in pages(root) if p.suffix == ".ipynb" or is_text_notebook(p)]


def read_notebook(path: Path):
    """A source notebook as an nbformat notebook (text notebooks through jupytext); a copy, so that the
    93 pages of one template parse it once."""
    import copy

    return copy.deepcopy(_parsed(str(path), Path(path).read_bytes()))


@functools.lru_cache(maxsize=64)
def _parsed(path: str, data: bytes):  # by content: an edited source is parsed again
    import jupytext
    import nbformat

    text = data.decode("utf-8")  # as jupytext.read(path) reads it
    return jupytext.reads(text, fmt={"extension": TEXT_NOTEBOOK}) if path.endswith(TEXT_NOTEBOOK) \
        else nbformat.reads(text, as_version=4)


def parameters(as_of: int, base: int, data_dir: Path, points_threshold: float, relative_threshold: float) -> dict:
    return {"as_of": as_of, "base_year": base, "data_dir": str(data_dir),
            "points_threshold": points_threshold, "relative_threshold": relative_threshold}


def _write_atomically(path: Path, data: bytes, tmp: Path) -> None:
    """Write *data* to *path* through *tmp* and a rename, so that a reader (or a killed build) sees the
    old file or the new one, never half of one. *tmp* is named so that remove_debris finds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp.write_bytes(data)
    os.replace(tmp, path)


class NotebookCache:
    """Executed notebooks by key, in ``<out>/cache``, pruned least recently used.

    An entry is one file, written atomically (a temporary file renamed into place): a header line with
    the cache format and the SHA-256 of the notebook, then the notebook. Every entry is verified before
    it is reused; one that is damaged (cut short by a full disk, changed by hand) or written in another
    format is dropped, and :attr:`dropped` says which, so the notebook is executed again."""

    SUFFIX = ".entry"

    def __init__(self, folder: Path):
        self.folder = folder
        self.dropped: list[str] = []  # keys of damaged entries found by get()

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}{self.SUFFIX}"

    def get(self, key: str) -> bytes | None:
        """The executed notebook stored under *key*, verified; None if there is none or it is damaged."""
        path = self._path(key)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        header, _, notebook = raw.partition(b"\n")
        try:
            meta = json.loads(header)
            ok = meta["format"] == CACHE_FORMAT and meta["sha256"] == hashlib.sha256(notebook).hexdigest()
        except (ValueError, KeyError, TypeError):
            ok = False
        if not ok:
            path.unlink(missing_ok=True)
            self.dropped.append(key)
            return None
        os.utime(path)  # recently used
        return notebook

    def put(self, key: str, executed: Path) -> None:
        notebook = executed.read_bytes()
        header = json.dumps({"format": CACHE_FORMAT, "sha256": hashlib.sha256(notebook).hexdigest()}).encode()
        _write_atomically(self._path(key), header + b"\n" + notebook, self.folder / f".{key}.{os.getpid()}.tmp")

    READS = ".reads.json"
    PARTS = "executed-parts.json"  # evalkit.keys.Inputs.parts: what of each source file executes
    MAX_PARTS = 2000

    def parts(self) -> dict:
        try:
            found = json.loads((self.folder / self.PARTS).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        ok = isinstance(found, dict) and all(isinstance(v, str) and len(v) == 64 for v in found.values())
        return found if ok else {}

    def put_parts(self, parts: dict) -> None:
        if parts == self.parts():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        kept = dict(list(parts.items())[-self.MAX_PARTS:])
        _write_atomically(self.folder / self.PARTS, json.dumps(kept, sort_keys=True).encode(),
                          self.folder / f".{self.PARTS}.{os.getpid()}.tmp")

    def reads(self, base: str) -> dict | None:
        """What the last execution of the notebook with *base* key read of the data (its record,
        :mod:`evalkit.reads`); None if not known (never executed, or the record is damaged)."""
        try:
            record = json.loads(self._path(base).with_suffix(self.READS).read_text(encoding="utf-8"))
            return record if isinstance(record["whole"], list) and isinstance(record["rows"], dict) else None
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put_reads(self, base: str, record: dict | None) -> None:
        path = self._path(base).with_suffix(self.READS)
        if record is None:
            path.unlink(missing_ok=True)
            return
        _write_atomically(path, json.dumps(record, sort_keys=True).encode(), self.folder / f".{base}.{os.getpid()}.tmp")

    def prune(self, keep: int = CACHE_ENTRIES) -> None:
        for suffix in (self.SUFFIX, self.READS):
            entries = sorted(self.folder.glob(f"*{suffix}"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in entries[keep:]:
                old.unlink(missing_ok=True)
        for other in self.folder.glob("*.ipynb"):  # entries of the earlier format
            other.unlink(missing_ok=True)


def source_notebook(plan: Plan, nb: Path):
    """The notebook papermill is given for *nb* (its cells, before execution); for a page made from a
    template, the template under the page's heading."""
    page = plan.expanded.get(nb)
    return read_notebook(nb) if page is None else _page_source(page.template, page.title)


def _page_source(template: Path, title: str | None):
    """*template*'s notebook, under *title* as its heading if there is one."""
    nb = read_notebook(template)
    if title is not None:
        nb.cells.insert(0, _heading_cell(title))
    return nb


def with_prose(executed: bytes, source) -> bytes | None:
    """The executed notebook with the prose (Markdown and raw cells) of *source* (the notebook as
    :func:`source_notebook` gives it now), so that a copy executed before an edit of the prose alone
    serves again: the key covers the code cells only (:func:`evalkit.keys.executed_part`). The code
    cells and their outputs are the executed ones, in order, papermill's injected parameters after the
    parameters cell (tagged ``remove-cell``: they hold the build's local paths). Fresh executions go
    through this too, so the staged notebook is the same bytes either way. None if the code cells do
    not pair up."""
    import nbformat

    nb = nbformat.reads(executed.decode("utf-8"), as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    cells = []

    def injected() -> None:  # after the parameters cell, or first if the notebook has none
        while code and "injected-parameters" in code[0].metadata.get("tags", []):
            cells.append(_hidden(code.pop(0)))

    injected()
    for index, cell in enumerate(source.cells):
        if cell.cell_type == "code":
            if not code:
                return None
            cells.append(code.pop(0))
            injected()
        else:  # a stable id, so that unchanged prose gives unchanged bytes
            cell["id"] = hashlib.sha256(f"{index}\0{cell.source}".encode()).hexdigest()[:8]
            cells.append(cell)
    if code:
        return None
    nb.cells = cells
    return nbformat.writes(nb).encode("utf-8")


# --------------------------------------------------------------------------------------------------
# One build at a time per output folder, and no debris


class BuildBusy(RuntimeError):
    """Another build holds the output folder's lock (and the caller asked not to wait)."""


class BuildLock:
    """An exclusive lock on ``<out>/.build.lock`` (``flock``): held for the whole build, released by
    the system when the process ends however it ends, so a lock left by a killed build is simply taken
    over. The holder's pid is written into the file for the message of whoever waits."""

    def __init__(self, out: Path, *, wait: bool = True, log=print):
        self.path = out / ".build.lock"
        self.wait, self.log = wait, log
        self._fh = None

    def __enter__(self) -> BuildLock:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "?"
            if not self.wait:
                fh.close()
                raise BuildBusy(f"another build (pid {holder}) is running in {self.path.parent}") from None
            self.log(f"another build (pid {holder}) is running in {self.path.parent}; waiting …")
            fcntl.flock(fh, fcntl.LOCK_EX)
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        self._fh = fh
        return self

    def __exit__(self, *exc) -> None:
        import fcntl

        fcntl.flock(self._fh, fcntl.LOCK_UN)
        self._fh.close()


def remove_debris(out: Path, log=print) -> list[str]:
    """What killed builds leave in *out*: stages that are not the published one, half-made links and
    cache files. Only called with the build lock held, so no live build owns any of it."""
    published = (out / "html").resolve().parents[1] if (out / "html").is_symlink() else None
    removed = []
    for stage in out.glob("stage-*"):
        if stage.is_dir() and stage.resolve() != published:
            shutil.rmtree(stage, ignore_errors=True)
            removed.append(stage.name)
    for tmp in [*out.glob(".html-*"), *out.glob(".pdf-*"), *out.glob(".last-build.json.*"),
                *(out / "cache").glob(".*.tmp"), *out.glob(f".{VALIDATED}.*"),
                *(out / WARM_STAGE).glob(".evalkit-warm.json.*"), *(out / WARM_STAGE).glob(".evalkit-staged.json.*")]:
        tmp.unlink(missing_ok=True)
        removed.append(tmp.name)
    if (out / WARM_STAGE / ".executing").is_dir():  # a killed build's scratch folder
        shutil.rmtree(out / WARM_STAGE / ".executing", ignore_errors=True)
        removed.append(f"{WARM_STAGE}/.executing")
    if removed:
        log(f"removed what an interrupted build left: {', '.join(sorted(removed))}")
    return removed


WARM_STAGE = "warm"  # the kept stage where Sphinx runs, its environment kept (evalkit.sphinx_warm)
MANIFEST = "evalkit-build.json"  # in a stage, beside its _build/html: the key of the book it holds


def published_key(out: Path) -> str | None:
    link = out / "html"
    if not (link / "index.html").is_file():
        return None
    try:
        return json.loads((link.resolve().parents[1] / MANIFEST).read_text())["book"]
    except (OSError, ValueError, KeyError):
        return None


# --------------------------------------------------------------------------------------------------
# Execution: one warm kernel per thread of the build process (no worker processes: their memory
# would add to the kernels'; the threads only wait on their kernels)

_KERNEL = threading.local()  # each execution thread's kernel manager (.km)
_STARTED: list = []  # the kernels this process started, shut down when execute_all ends

# Once per kernel. What the chapters import (evalkit.book: pandas, matplotlib, statsmodels) is imported
# by the kernel's first notebook and kept for the next ones; a small book that imports none of it does
# not pay for it.
WARM_UP = """\
import sys, matplotlib, matplotlib.pyplot
import evalkit.reads
sys.addaudithook(evalkit.reads.audit)  # a notebook that opens a file of the package depends on all of it
get_ipython().evalkit_rc = {k: v for k, v in matplotlib.rcParams.items() if k != "backend"}
"""
# Before each notebook: what a fresh kernel would have, except the modules already imported. What is
# still alive after the reset (modules, their caches) is frozen out of the garbage collector: the next
# reset's collection then looks only at what one notebook made (0.015 s, not 0.13 s).
PREPARE = """\
import os, matplotlib, matplotlib.pyplot
matplotlib.pyplot.close("all")
matplotlib.rcParams.update(get_ipython().evalkit_rc)
os.chdir({cwd!r})
get_ipython().reset(new_session=True)
__import__("gc").freeze()  # no name left in the namespace
import evalkit.data, evalkit.reads
evalkit.data.trust({valid!r})  # validated by the build: chapter.setup reads it without validating it again
evalkit.reads.begin({data_dir!r})
"""
# The kernel keeps no input history: a build has no use for it, and it is a database write per cell.
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]
AFTER = "import evalkit.reads; evalkit.reads.dump({path!r})"  # what the notebook read, for its key


def _run_silently(km, code: str) -> None:
    reply = km.ready_client().execute_interactive(code, silent=True, store_history=False, timeout=CELL_TIMEOUT)
    content = reply["content"]
    if content["status"] != "ok":
        raise BuildError(f"kernel set-up failed: {content.get('ename')}: {content.get('evalue')}")


def _kernel(log_dir: str):
    """This thread's kernel, started (or restarted, if it died) and warmed up."""
    km = getattr(_KERNEL, "km", None)
    if km is not None and km.is_alive():
        return km
    km = _warm_kernel_manager()(kernel_name="python3")
    log = open(Path(log_dir) / f"kernel-{threading.get_ident()}.log", "a")
    km.start_kernel(stdout=log, stderr=log, extra_arguments=KERNEL_ARGUMENTS)  # its noise, not the cells' output
    _STARTED.append((km, log))
    _run_silently(km, WARM_UP)
    _KERNEL.km = km
    return km


@functools.cache
def _warm_kernel_manager():
    """A kernel manager with two clients, kept open while its kernel lives: a blocking one for the
    build's own code (:func:`_run_silently`) and an asynchronous one that papermill gets for every
    notebook.

    papermill asks the manager for a client for each notebook and, on a kernel it did not start, never
    closes it (nbclient closes a client only with its own kernel): each one kept its sockets and three
    threads, ~2 MiB of the build process a notebook. Each new client also waits for the kernel to be
    ready, which costs 0.2 s however idle the kernel is, three times a notebook. The kept clients start
    and wait once; a notebook's messages are told from another's by their ids. papermill's client is
    asynchronous, as nbclient expects: with a blocking one, its wait for a cell's output blocked the
    loop that notices a dead kernel, and a kernel that died hung the build."""
    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.client import KernelClient
    from jupyter_client.manager import KernelManager

    class KeptClient(AsyncKernelClient):
        def start_channels(self, *args, **kwargs):
            if not self.channels_running:
                super().start_channels(*args, **kwargs)

        def wait_for_ready(self, timeout=None):  # the manager's blocking client waited for this kernel
            return None

        def stop_channels(self):  # a notebook's execution is over, not the kernel's life: see close()
            pass

    def close(kc) -> None:
        KernelClient.stop_channels(kc)
        if kc._created_context and not kc.context.closed:  # its own context, not the manager's
            kc.context.destroy(linger=0)

    class WarmKernelManager(KernelManager):
        kept = ready = None

        def __init__(self, **kwargs):
            super().__init__(client_factory=KeptClient, **kwargs)

        def ready_client(self):
            """The blocking client, started and found ready once."""
            if self.ready is None:
                kc = self.blocking_client()
                kc.start_channels()
                kc.wait_for_ready(timeout=60)
                self.ready = kc
            return self.ready

        def client(self, **kwargs):
            if self.kept is None:
                self.ready_client()
                self.kept = super().client(**kwargs)
                self.kept.start_channels()
            return self.kept

        def close_clients(self) -> None:
            for kc in (self.kept, self.ready):
                if kc is not None:
                    close(kc)

    return WarmKernelManager


def shutdown_kernels() -> None:
    """Shut down every kernel this process started, and close its clients (before Sphinx runs: their
    memory goes with them)."""
    while _STARTED:
        km, log = _STARTED.pop()
        try:
            km.close_clients()
            km.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001 - a kernel that died already
            pass
        log.close()


def _execute(src: str, dst: str, params: dict, log_dir: str, title: str | None = None, valid: str = "") -> Executed:
    """Execute one notebook (a text notebook is converted by jupytext first) in this thread's warm kernel;
    *title*, for a page made from a template, becomes its heading."""
    import papermill
    from nbclient.exceptions import DeadKernelError

    start = time.perf_counter()
    km = _kernel(log_dir)
    _run_silently(km, PREPARE.format(cwd=str(Path(src).parent), data_dir=params.get("data_dir"), valid=valid))
    nb = _page_source(Path(src), title)
    try:
        papermill.execute_notebook(nb, dst, parameters=params, kernel_name="python3", km=km,
                                   progress_bar=False, log_output=False, report_mode=False,
                                   execution_timeout=CELL_TIMEOUT,
                                   request_save_on_cell_execute=False)  # written once, at the end
    except papermill.PapermillExecutionError as exc:
        where = _source_line(Path(src), Path(dst))
        raise BuildError(f"{where}: cell {exc.exec_count or exc.cell_index}: {exc.ename}: {exc.evalue}") from None
    except DeadKernelError:
        raise BuildError(f"{src}: the kernel died while the notebook ran (a cell ended Python, or the "
                         "machine ran out of memory); the next notebook gets a new kernel") from None
    return Executed(src, time.perf_counter() - start, _reads(km, Path(dst).with_suffix(".reads.json")))


def _reads(km, path: Path) -> dict | None:
    """What the notebook just executed in *km* read of the data (None if that cannot be told)."""
    try:
        _run_silently(km, AFTER.format(path=str(path)))
        record = json.loads(path.read_text(encoding="utf-8"))
    except (BuildError, OSError, ValueError):
        return None
    finally:
        path.unlink(missing_ok=True)
    return record if isinstance(record, dict) else None


def _source_line(src: Path, executed: Path) -> str:
    """``chapters/05_hovedmal1.md:123``: where the failing cell's code starts in the source file (the
    file alone if it cannot be found)."""
    import nbformat

    try:
        failed = [c for c in nbformat.read(executed, as_version=4).cells
                  if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
        code = failed[0].source.strip() if failed else ""
        text = src.read_text(encoding="utf-8")
        at = text.find(code) if code else -1
    except (OSError, ValueError):
        at = -1
    return f"{src}:{text.count(chr(10), 0, at) + 1}" if at >= 0 else str(src)


def _hidden(cell):
    """Papermill's injected cell carries the build's parameters (and local paths): kept off the page."""
    tags = cell.metadata.get("tags", [])
    if "remove-cell" not in tags:
        cell.metadata["tags"] = [*tags, "remove-cell"]
    return cell


def execute_all(todo: list[tuple[Path, Path]], params: dict, jobs: int, log_dir: Path,
                on_done=lambda src, dst, result: None, expanded: dict[Path, Expansion] | None = None,
                valid: str = "") -> list[str]:
    """Execute ``(source, destination)`` pairs, *jobs* at a time; return the errors (all of them). A
    source in *expanded* is a page made from a template, with its parameters and heading. *valid* is
    the validation key of the data the build found valid (:func:`validate_data`), if any."""
    errors = []
    expanded = expanded or {}
    log_dir.mkdir(parents=True, exist_ok=True)

    def submit(pool, src: Path, dst: Path):
        page = expanded.get(src)
        if page is None:
            return pool.submit(_execute, str(src), str(dst), params, str(log_dir), None, valid)
        return pool.submit(_execute, str(page.template), str(dst), {**params, **page.params}, str(log_dir),
                           page.title, valid)

    try:
        with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(todo)))) as pool:
            futures = {submit(pool, src, dst): (src, dst) for src, dst in todo}
            for fut in as_completed(futures):
                src, dst = futures[fut]
                try:
                    result = fut.result()
                except BuildError as exc:
                    page = expanded.get(src)
                    errors.append(f"{exc} (page {src.name}: {page.params})" if page else str(exc))
                    on_done(src, dst, None)
                    continue
                on_done(src, dst, result)
    finally:
        shutdown_kernels()
    return sorted(errors)


# --------------------------------------------------------------------------------------------------
# Jupyter Book and publishing


def run_jupyter_book(stage: Path, *, jobs: int = 1, log=print) -> bool:
    """Jupyter Book's Sphinx build of *stage* with warnings as errors, incremental where the stage's
    last run allows (:mod:`evalkit.sphinx_warm`); return whether it was incremental."""
    from .sphinx_warm import build_html

    warm, proc = build_html(stage, jobs=jobs, log=log)
    if proc.returncode != 0 or not (stage / "_build" / "html" / "index.html").is_file():
        out = "\n".join(line for line in (proc.stdout + proc.stderr).splitlines()
                        if "WARNING" in line or "ERROR" in line or "Error" in line)
        raise BuildError(f"jb build failed (exit {proc.returncode}):\n{out or proc.stdout[-4000:] + proc.stderr[-4000:]}")
    return warm


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


def _same(path: Path, data: bytes) -> bool:
    return path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data


def _put(path: Path, data: bytes) -> None:
    """Write *data* unless the file already holds it (an unchanged file keeps its time, so an
    incremental Sphinx build in a kept stage re-reads only what changed)."""
    if not _same(path, data):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def stage_config(config: bytes, orphans: bool = False) -> bytes:
    """The stage's ``_config.yml``: the sources' configuration with Jupyter Book's execution off,
    since every notebook in the stage is already executed; with *orphans*, pages outside ``_toc.yml``
    (the indicator pages, marked ``orphan``) are built too."""
    import yaml

    cfg = yaml.safe_load(config)
    cfg.setdefault("execute", {})["execute_notebooks"] = "off"
    sphinx = cfg.setdefault("sphinx", {})
    sphinx["extra_extensions"] = [*(sphinx.get("extra_extensions") or []), "evalkit.sphinx_warm"]
    if orphans:
        cfg["only_build_toc_files"] = False
    header = b"# Written by evalkit.build for its stage: the notebooks here are executed already.\n"
    return header + yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False).encode()


def _sync_sources(root: Path, stage: Path, skip: set[Path], orphans: bool = False) -> None:
    """Make the stage's copy of the book's sources equal to *root*'s (leaving out *skip*, the text
    notebooks, whose executed copies take their place), writing only files that differ. With *orphans*
    (pages made from a template, not in ``_toc.yml``) the stage builds every page it holds."""
    wanted: set[Path] = set()
    for name in BOOK_SOURCES:
        for src in _files(root / name) if (root / name).exists() else []:
            if src in skip:
                continue
            rel = src.relative_to(root)
            wanted.add(rel)
            data = src.read_bytes()
            _put(stage / rel, stage_config(data, orphans) if rel == Path("_config.yml") else data)
    for name in BOOK_SOURCES:  # a source that was deleted or renamed goes from the stage too
        for old in _files(stage / name) if (stage / name).is_dir() else []:
            rel = old.relative_to(stage)
            if rel not in wanted and rel.suffix != ".ipynb":
                old.unlink()


VALIDATED = "validated"  # in <out>: the validation key (evalkit.keys.validation_key) of the last valid data


def validate_data(data_dir: Path, out: Path, log=print) -> str:
    """Validate the data package, unless the last build found the same bytes valid with the same code
    and packages (:func:`evalkit.keys.validation_key`); raises with every problem. Returns the key
    found valid (the kernels then read the package without validating it again:
    :func:`evalkit.data.trust`)."""
    from .keys import validation_key

    key, record = validation_key(data_dir), out / VALIDATED
    if record.is_file() and record.read_text().strip() == key:
        log("data valid (the same bytes, code and packages as the last valid build)")
        return key
    # In a process of its own (python -m evalkit.data): pandas and frictionless are not left in this
    # one, which then holds little more than the kernels' clients while they run.
    proc = subprocess.run([sys.executable, "-m", "evalkit.data", str(data_dir)], capture_output=True, text=True)
    try:
        found = json.loads(proc.stdout)
    except ValueError:
        raise BuildError(f"validating {data_dir} failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}") from None
    if "problems" in found:
        from .data import DataValidationError, Problem

        raise DataValidationError([Problem(*p) for p in found["problems"]])
    counts = found["counts"]
    log(f"data valid: {counts['indicators']} indicators, {counts['observations']} observations")
    _write_atomically(record, f"{key}\n".encode(), out / f".{VALIDATED}.{os.getpid()}")
    return key


def _drop_stale_notebooks(plan: Plan, stage: Path) -> None:
    """Executed notebooks in the kept stage whose source is no longer a notebook of the book."""
    wanted = {plan.executed_path(stage, nb) for nb in plan.names}
    for name in BOOK_SOURCES:
        for old in _files(stage / name) if (stage / name).is_dir() else []:
            if old.suffix == ".ipynb" and old not in wanted:
                old.unlink()


def sphinx_jobs() -> int:
    """Parallel Sphinx processes (``EVALKIT_SPHINX_JOBS``, default 1: see the README's build speed)."""
    return int(os.environ.get("EVALKIT_SPHINX_JOBS", "1"))


def _write_report(out: Path, report: BuildReport) -> None:
    _write_atomically(out / "last-build.json", (json.dumps(report.__dict__, indent=1, sort_keys=True) + "\n").encode(),
                      out / f".last-build.json.{os.getpid()}")


# --------------------------------------------------------------------------------------------------
# Pages made from a template: one per indicator


@dataclass(frozen=True)
class Expansion:
    """A page made from a template notebook: its own parameters (beside the build's) and its heading,
    put above the template's cells (the template's pages are not in ``_toc.yml``: orphans)."""

    template: Path
    params: dict
    title: str


def expansions(root: Path, data_dir: Path, only=None) -> dict[Path, Expansion]:
    """``indikatorer/<id>.md`` (a page that exists only in the stage, as ``<id>.ipynb``) -> how to make
    it from the template of the indicator's status in the catalogue (:data:`TEMPLATES`: an active
    indicator's page from ``indikatorer/_template.md``, a retired one's short page from
    ``indikatorer/_retired.md``), for every indicator of the catalogue or only those in *only*, by id;
    a status whose template the book does not have gets no pages."""
    from .links import page_titles

    pages = {}
    for status, name in TEMPLATES.items():
        template = root / name
        if template.is_file():
            pages |= {i: Expansion(template, {"indicator": i}, title)
                      for i, title in page_titles(data_dir, only, status).items()}
    return {root / PAGES_DIR / f"{i}{TEXT_NOTEBOOK}": pages[i] for i in sorted(pages)}


def _heading_cell(title: str):
    """A Markdown cell with *title* as the page's heading, every ASCII punctuation mark escaped (text
    from the data is never markup)."""
    import re

    from nbformat.v4 import new_markdown_cell

    return new_markdown_cell("# " + re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", " ".join(title.split())))


@dataclass
class Plan:
    """What a build of *root* would make: its notebooks, their keys and the book's key.

    A notebook's key covers the part of the data its last execution read (:mod:`evalkit.reads`, kept
    in the cache beside the entries under the notebook's base key); a notebook executed in this build
    gets the key of what it read now (:meth:`settle`), and the book's key follows."""

    root: Path
    data_dir: Path
    params: dict
    names: dict[Path, str]   # notebook source -> its name in the book (chapters/05_hovedmal1.md)
    keys: dict[Path, str]
    book: str
    expanded: dict[Path, Expansion] = field(default_factory=dict)  # pages made from a template
    bases: dict[Path, str] = field(default_factory=dict)  # notebook source -> its key but for the data
    inputs: Inputs | None = None

    @classmethod
    def make(cls, root: Path, data_dir: Path, params: dict, only=None, cache: NotebookCache | None = None) -> Plan:
        """The plan of a build; *only* limits the indicator pages to those ids (None: all of them);
        *cache* has the records of what each notebook read when it last ran (none: each depends on
        every file of the package)."""
        inputs = Inputs.gather(params, data_dir, cache.parts() if cache else None)
        expanded = expansions(root, data_dir, only)
        sources = notebooks(root) + list(expanded)
        names = {nb: nb.relative_to(root).as_posix() for nb in sources}
        bases = {nb: inputs.base(expanded[nb].template, {**expanded[nb].params, "title": expanded[nb].title})
                 if nb in expanded else inputs.base(nb) for nb in sources}
        keys = {nb: inputs.with_data(b, cache.reads(b) if cache else None) for nb, b in bases.items()}
        if cache:
            cache.put_parts(inputs.parts)
        plan = cls(root, data_dir, params, names, keys, "", expanded, bases, inputs)
        plan.book = plan.book_key()
        return plan

    def book_key(self) -> str:
        return book_key(self.root, {self.names[nb]: k for nb, k in self.keys.items()}, self.inputs.package.whole())

    def settle(self, nb: Path, reads: dict | None) -> str:
        """The key of *nb*, executed now, that read *reads* of the data."""
        self.keys[nb] = self.inputs.with_data(self.bases[nb], reads)
        return self.keys[nb]

    def executed_path(self, stage: Path, nb: Path) -> Path:
        return (stage / self.names[nb]).with_suffix(".ipynb")


class Staged:
    """What each executed notebook in a kept stage was made from: its key and its source's bytes (the
    prose is put in from the source), with the file's size and time. A notebook whose record still
    holds is left as it is: neither its cache entry nor its source is read again. Written after the
    stage is filled; any other change of the file (a killed build, a hand edit) fails the check."""

    FILE = ".evalkit-staged.json"

    def __init__(self, stage: Path):
        self.path = stage / self.FILE
        try:
            self.records = json.loads(self.path.read_text(encoding="utf-8"))
            assert isinstance(self.records, dict)
        except (OSError, ValueError, AssertionError):
            self.records = {}

    @staticmethod
    def made_of(plan: Plan, nb: Path) -> list[str]:
        page = plan.expanded.get(nb)
        source = page.template if page else nb
        return [plan.keys[nb], plan.inputs.source_sha(source), page.title if page else ""]

    def holds(self, name: str, made_of: list[str], path: Path) -> bool:
        try:
            st = path.stat()
        except OSError:
            return False
        return self.records.get(name) == [*made_of, st.st_size, st.st_mtime_ns]

    def record(self, name: str, made_of: list[str], path: Path) -> None:
        st = path.stat()
        self.records[name] = [*made_of, st.st_size, st.st_mtime_ns]

    def save(self, names) -> None:
        kept = {n: r for n, r in self.records.items() if n in set(names)}
        _write_atomically(self.path, json.dumps(kept, sort_keys=True).encode(), self.path.with_name(
            f".{self.FILE}.{os.getpid()}"))


def stage_book(plan: Plan, stage: Path, cache: NotebookCache, report: BuildReport, *, jobs: int,
               force: bool = False, valid: str = "", log=print) -> None:
    """Fill *stage* with the book's sources and every notebook executed (from the cache where its key
    is there, else by papermill); raises :class:`BuildError` naming each notebook that failed. *valid*:
    the data's validation key, as :func:`validate_data` found it valid."""
    _sync_sources(plan.root, stage, {nb for nb in plan.names if nb.suffix == TEXT_NOTEBOOK}
                  | {plan.root / t for t in TEMPLATES.values()}, orphans=bool(plan.expanded))
    todo = []
    staged = Staged(stage)
    (stage / Staged.FILE).unlink(missing_ok=True)  # written again once the stage is filled
    for nb, name in plan.names.items():
        if not force and staged.holds(name, Staged.made_of(plan, nb), plan.executed_path(stage, nb)):
            report.reused.append(name)
            continue
        hit = None if force else cache.get(plan.keys[nb])
        if plan.keys[nb] in cache.dropped:
            log(f"  the cache entry of {name} was damaged and is dropped; executing it again")
        hit = hit and with_prose(hit, source_notebook(plan, nb))
        if hit is not None:
            _put(plan.executed_path(stage, nb), hit)
            staged.record(name, Staged.made_of(plan, nb), plan.executed_path(stage, nb))
            report.reused.append(name)
        else:
            todo.append(nb)
    log(f"{len(plan.names)} notebooks (as_of={plan.params['as_of']}, base={plan.params['base_year']}): "
        f"{len(todo)} to execute, {len(report.reused)} unchanged and reused (jobs={jobs})")
    for name in report.reused:
        log(f"  reused    {name}")
    if not todo:
        staged.save(plan.names.values())
        return
    scratch = stage / ".executing"

    def done(src: Path, dst: Path, result: Executed | None) -> None:
        if result is None:
            log(f"  FAILED    {plan.names[src]}")
            return
        staged_nb = with_prose(dst.read_bytes(), source_notebook(plan, src))
        if staged_nb is None:  # papermill added or dropped a code cell: nothing to keep or publish
            raise BuildError(f"{plan.names[src]}: the executed notebook's code cells do not match its source")
        cache.put_reads(plan.bases[src], result.reads)
        cache.put(plan.settle(src, result.reads), dst)  # kept even if another notebook fails
        _put(plan.executed_path(stage, src), staged_nb)
        staged.record(plan.names[src], Staged.made_of(plan, src), plan.executed_path(stage, src))
        report.executed[plan.names[src]] = round(result.seconds, 2)
        log(f"  executed  {plan.names[src]}  {result.seconds:5.1f} s")

    try:
        pairs = [(nb, (scratch / plan.names[nb]).with_suffix(".ipynb")) for nb in todo]
        for _, dst in pairs:
            dst.parent.mkdir(parents=True, exist_ok=True)
        errors = execute_all(pairs, plan.params, jobs, scratch / ".kernel-logs", done, plan.expanded, valid)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    staged.save(plan.names.values())  # the notebooks that failed have no record
    if errors:
        raise BuildError("notebook execution failed:\n" + "\n".join(f"  {e}" for e in errors))


def build(*, as_of: int = 2020, base: int = 2016, jobs: int | None = None, data_dir: Path | None = None,
          root: Path | None = None, out: Path | None = None, force: bool = False,
          points_threshold: float = DEFAULT_POINTS_THRESHOLD,
          relative_threshold: float = DEFAULT_RELATIVE_THRESHOLD, wait: bool = True, pdf: bool = False,
          log=print, indicators=None) -> Path:
    """Build the book in *root* (default: the current folder), executing only the notebooks whose key
    changed (all with *force*); return the published HTML folder. What was done is in
    ``<out>/last-build.json``. One build at a time per *out*: another waits for the lock (or, with
    ``wait=False``, raises :class:`BuildBusy`); what an interrupted build left is removed first. With
    *pdf* (``evalkit build``'s default) the print edition is made too (:mod:`evalkit.pdf`).
    *indicators* limits the indicator pages to those ids (a test of the build's mechanics; the
    chapters' links to the other pages then lead nowhere): None builds them all."""
    t0 = time.perf_counter()
    root = Path(root or Path.cwd()).resolve()
    if not (root / "_toc.yml").is_file():
        raise BuildError(f"{root} is not a book: it has no _toc.yml (run in the book's folder, or pass --root)")
    out = Path(out or root / "_build")
    data_dir = Path(data_dir or root / "data").resolve()
    params = parameters(as_of, base, data_dir, points_threshold, relative_threshold)
    out.mkdir(parents=True, exist_ok=True)
    with BuildLock(out, wait=wait, log=log):  # planned inside: the keys use the records the last build left
        plan = Plan.make(root, data_dir, params, only=indicators, cache=NotebookCache(out / "cache"))
        return _build_locked(plan, out, t0, jobs=jobs, force=force, pdf=pdf, log=log)


def _build_locked(plan: Plan, out: Path, t0: float, *, jobs: int | None, force: bool, pdf: bool, log) -> Path:
    from . import pdf as print_edition

    report = BuildReport()
    remove_debris(out, log)
    if pdf:
        print_edition.link_pdf(out)  # <out>/pdf -> html/pdf: switched with the book
    if not force and published_key(out) == plan.book and (not pdf or print_edition.published_pdf(out)):
        report.reused, report.up_to_date = sorted(plan.names.values()), True
        report.seconds = round(time.perf_counter() - t0, 3)
        _write_report(out, report)
        log(f"book is up to date ({len(plan.names)} notebooks reused, nothing executed): {out / 'html' / 'index.html'}")
        return out / "html"

    valid = validate_data(plan.data_dir, out, log)  # raises before any notebook runs
    cache = NotebookCache(out / "cache")
    warm = out / WARM_STAGE
    warm.mkdir(exist_ok=True)
    stage_book(plan, warm, cache, report, jobs=jobs or os.cpu_count() or 1, force=force, valid=valid, log=log)
    plan.book = plan.book_key()  # with the keys of what the executed notebooks read
    _drop_stale_notebooks(plan, warm)
    log("running jb build (warnings are errors)")
    report.sphinx_incremental = run_jupyter_book(warm, jobs=sphinx_jobs(), log=log)
    stage = Path(tempfile.mkdtemp(prefix="stage-", dir=out))
    stage.chmod(0o755)  # mkdtemp makes it private; the published book is for every reader of the folder
    try:
        from .sphinx_warm import export

        export(warm, stage)
        if pdf:  # from the stage, before anything is published
            print_edition.make_pdf(stage, stage / "_build" / "html", as_of=plan.params["as_of"],
                                   data_dir=plan.data_dir, log=log)
        (stage / MANIFEST).write_text(json.dumps({"book": plan.book, "notebooks": {plan.names[nb]: plan.keys[nb]
                                                                                   for nb in plan.names}},
                                                 indent=1, sort_keys=True) + "\n")
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    link = publish(stage / "_build" / "html", out)
    cache.prune()
    report.seconds = round(time.perf_counter() - t0, 3)
    _write_report(out, report)
    log(f"book built in {report.seconds:.1f} s ({len(report.executed)} executed, {len(report.reused)} reused): "
        f"{link / 'index.html'}")
    return link
