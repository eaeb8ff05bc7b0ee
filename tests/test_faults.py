"""Faults a real machine has, injected into real builds of a small book: a build killed with SIGKILL
at several moments (seeded, so a run can be repeated), two builds at once, a damaged cache entry.

After each fault the published book is complete (every page and every file a page refers to, and its
PDF), equal byte for byte to the old book or to the new one (HTML and PDF) and to nothing in between;
the next build succeeds; and the output folder holds no debris (one stage, the published one; no
half-made links or files).
"""

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evalkit.pdf import PDF_NAME

from .conftest import DATA, published_state, set_code, tiny_book

pytestmark = pytest.mark.book

SEED = int(os.environ.get("FAULT_SEED", "20261202"))
KILLS = int(os.environ.get("FAULT_KILLS", "3"))
BUILD = [sys.executable, "-m", "evalkit.cli", "build", "--data", str(DATA)]


def start(root: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([*BUILD, "--root", str(root), "--out", str(out), *extra], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def run(root: Path, out: Path, *extra: str) -> str:
    proc = start(root, out, *extra)
    output, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, output
    return output


def kill(proc: subprocess.Popen) -> None:
    """SIGKILL the build and everything it started (its process group; kernels end with their parent)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()


def complete(out: Path) -> None:
    """Every page of the published book is there, every local file a page refers to, and the PDF."""
    html = out / "html"
    assert (html / "index.html").is_file()
    assert (out / "pdf" / PDF_NAME).read_bytes().startswith(b"%PDF-")
    for page in (p for p in html.rglob("*.html") if "_static" not in p.relative_to(html).parts):
        text = page.read_text(encoding="utf-8")
        for ref in re.findall(r'(?:src|href)="([^"#?]+)', text):
            if "://" in ref or ref.startswith(("mailto:", "data:", "javascript:")):
                continue
            assert (page.parent / ref).resolve().exists(), f"{page.relative_to(html)} refers to missing {ref}"


def no_debris(out: Path) -> None:
    stages = sorted(p.name for p in out.glob("stage-*"))
    published = (out / "html").resolve().parents[1].name
    assert stages == [published], stages
    assert not list(out.glob(".html-*")) and not list(out.glob(".pdf-*")) and not list(out.glob(".last-build.json.*"))
    assert not list((out / "cache").glob(".*.tmp"))
    assert oct((out / "html").resolve().stat().st_mode & 0o777) == "0o755"


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """A small book, built as it is (old) and after an edit (new), in folders of their own."""
    base = tmp_path_factory.mktemp("faults")
    root = tiny_book(base / "src", "print('gammel')", more={"andre": "print('b')"})
    run(root, base / "old")
    old = published_state(base / "old")
    edited = base / "edited"
    shutil.copytree(root, edited)
    set_code(edited / "chapters" / "kapittel.md", "print('ny')")
    t0 = time.monotonic()
    run(edited, base / "new", "--force")
    seconds = time.monotonic() - t0
    new = published_state(base / "new")
    assert old != new
    return root, edited, base / "old", old, new, seconds


def fresh_copy(editions, tmp_path) -> tuple[Path, Path]:
    root, _, old_out, *_ = editions
    src, out = tmp_path / "src", tmp_path / "out"
    shutil.copytree(root, src)
    shutil.copytree(old_out, out, symlinks=True)
    return src, out


def test_killed_builds_leave_the_old_or_the_new_book_and_no_debris(editions, tmp_path):
    _, _, _, old, new, seconds = editions
    src, out = fresh_copy(editions, tmp_path)
    set_code(src / "chapters" / "kapittel.md", "print('ny')")
    # one moment in each of KILLS equal parts of a cold build's time and a little more: during validation,
    # execution, jb build, publishing and the clean-up after it
    rng = random.Random(SEED)
    span = seconds * 1.15
    moments = [rng.uniform(i * span / KILLS, (i + 1) * span / KILLS) for i in range(KILLS)]
    seen = []
    for moment in [*moments, "published"]:
        shutil.rmtree(out, ignore_errors=True)  # start from the old book, with nothing cached
        shutil.copytree(editions[2], out, symlinks=True)
        shutil.rmtree(out / "cache")
        before = (out / "html").resolve()
        proc = start(src, out)
        if moment == "published":  # right after the switch: the old stage, cache and report still pending
            while (out / "html").resolve() == before and proc.poll() is None:
                time.sleep(0.01)
        else:
            time.sleep(moment)
        kill(proc)
        complete(out)
        state = published_state(out)
        assert state in (old, new), f"killed at {moment}: the published book is neither the old nor the new"
        seen.append("new" if state == new else "old")
        run(src, out)  # the next build recovers, and clears what the killed one left
        complete(out)
        assert published_state(out) == new
        no_debris(out)
    assert "new" in seen  # the kill right after publishing left the new book
    print(f"kills at {[round(m, 1) for m in moments]} s and right after publishing left: {seen}")


def test_two_builds_at_once_take_turns(editions, tmp_path):
    _, _, _, _, new, _ = editions
    src, out = fresh_copy(editions, tmp_path)
    set_code(src / "chapters" / "kapittel.md", "print('ny')")
    first = start(src, out)
    time.sleep(1.0)
    second = start(src, out)
    out1, _ = first.communicate(timeout=600)
    out2, _ = second.communicate(timeout=600)
    assert first.returncode == 0 and second.returncode == 0, out1 + out2
    assert "another build (pid" in out2 and "waiting" in out2, out2
    assert "book is up to date" in out2  # the second found the first's book: nothing executed twice
    assert published_state(out) == new
    no_debris(out)


def test_no_wait_refuses_with_exit_code_2(editions, tmp_path):
    src, out = fresh_copy(editions, tmp_path)
    set_code(src / "chapters" / "kapittel.md", "print('ny')")
    first = start(src, out)
    time.sleep(1.0)
    second = start(src, out, "--no-wait")
    out2, _ = second.communicate(timeout=120)
    first.communicate(timeout=600)
    assert second.returncode == 2 and "another build (pid" in out2, out2


def test_a_damaged_cache_entry_is_dropped_and_executed_again(editions, tmp_path):
    src, out = fresh_copy(editions, tmp_path)
    entries = sorted((out / "cache").glob("*.entry"))
    assert len(entries) == 2
    for entry in entries:  # as a full disk or an interrupted copy would leave them
        entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])
    set_code(src / "chapters" / "andre.md", "print('b2')")  # a change, so that the cache is consulted
    # and the kept stage gone (a staged notebook whose record holds is not read from the cache at all)
    shutil.rmtree(out / "warm")
    output = run(src, out)
    assert "chapters/kapittel.md was damaged and is dropped; executing it again" in output, output
    report = json.loads((out / "last-build.json").read_text())
    assert sorted(report["executed"]) == ["chapters/andre.md", "chapters/kapittel.md"]
    complete(out)
    no_debris(out)


def test_a_failed_pdf_step_publishes_nothing(editions, tmp_path):
    """The PDF is made in the stage before publishing: when it fails (here poppler's pdfinfo is not on
    the PATH), the build fails naming it and the old book and its PDF stay as they were."""
    _, _, _, old, _, _ = editions
    src, out = fresh_copy(editions, tmp_path)
    set_code(src / "chapters" / "kapittel.md", "print('ny')")
    tools = tmp_path / "bin"  # the browser and its driver, but no poppler
    tools.mkdir()
    for name in ("chromium", "chromedriver"):
        (tools / name).symlink_to(shutil.which(name))
    proc = subprocess.run([*BUILD, "--root", str(src), "--out", str(out)], capture_output=True, text=True,
                          env={**os.environ, "PATH": str(tools)}, timeout=600)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "build failed; the published book is unchanged." in proc.stderr and "pdfinfo" in proc.stderr, proc.stderr
    assert published_state(out) == old
    complete(out)
    no_debris(out)
