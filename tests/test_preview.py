"""`make preview`: the book served on localhost, rebuilt when a chapter is saved, with the reload script
in every page; an edit to one chapter executes that chapter only."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import DATA, set_code, tiny_book

pytestmark = pytest.mark.book


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(url: str, text: str, proc: subprocess.Popen, seconds: float = 180) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = fetch(url)
        if page and text in page:
            return page
        assert proc.poll() is None, f"the preview stopped (exit {proc.returncode})"
        time.sleep(0.5)
    raise AssertionError(f"{url} never showed {text!r}")


@pytest.fixture
def preview(tmp_path):
    root = tiny_book(tmp_path / "src", "print('første utgave')", more={"andre": "print('b')"})
    port = free_port()
    log = open(tmp_path / "preview.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "evalkit.cli", "preview", "--root", str(root), "--data", str(DATA),
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield root, f"http://127.0.0.1:{port}", proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()


def test_preview_serves_and_rebuilds_what_was_saved(preview):
    root, url, proc = preview
    page = wait_for(f"{url}/chapters/kapittel.html", "første utgave", proc)
    assert "websocket-reload" in page  # sphinx-autobuild's script reloads the page after a rebuild
    cache = root / "_build" / "cache"
    before = set(cache.glob("*.entry"))

    set_code(root / "chapters" / "kapittel.md", "print('andre utgave')")
    wait_for(f"{url}/chapters/kapittel.html", "andre utgave", proc)
    # one new executed copy: the edited chapter's; the other chapter was not executed again
    assert len(set(cache.glob("*.entry")) - before) == 1
    assert "b" in (fetch(f"{url}/chapters/andre.html") or "")
