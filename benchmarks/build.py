"""Benchmark of the book build (``make bench``; not part of the tests).

In one run, on a copy of this book (so the working tree is never touched), it measures:

1. a cold build with our pipeline (``evalkit build`` with an empty cache);
2. ``jb build`` with Jupyter Book executing the same notebooks itself (``execute_notebooks: force``),
   and the ratio (1)/(2);
3. a no-op rebuild (nothing changed);
4. a rebuild after touching one notebook: first its time stamp only (``touch``), then its content;
5. a rebuild after changing one value in ``data/observations.csv``;
6. the peak memory of the whole process tree (build, workers, kernels, Sphinx) of (1) and (2);
7. the classifier's throughput on a generated table of one million observations.

Each build figure is the median of ``--runs`` runs. One line per figure is printed, then whether each
target of the build-speed issue is met; everything is written to ``benchmarks/results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

from evalkit.keys import BOOK_SOURCES
from evalkit.classify import classify_frame
from evalkit.data import load_catalogue

EVALKIT = [sys.executable, "-m", "evalkit.cli"]
JB = str(Path(sys.executable).with_name("jb"))
# The notebook edited in step 4 and the observation changed in step 5.
ROOT = Path(__file__).resolve().parents[1]
EDITED_NOTEBOOK = "chapters/04_kapasitet.md"
CHANGED_OBSERVATION = ("4", "2018")  # indicator 4 (årsverk), a count: +1 stays valid


class PeakMemory:
    """Samples the summed resident memory of a process and all its descendants every 50 ms."""

    def __init__(self, proc: subprocess.Popen):
        self.root = psutil.Process(proc.pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            total = 0
            for p in procs:
                try:
                    total += p.memory_info().rss
                except psutil.NoSuchProcess:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(0.05)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Run *cmd*; return (seconds, peak MiB of its process tree). Fails loudly."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with PeakMemory(proc) as mem:
        output, _ = proc.communicate()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step failed: {' '.join(cmd)}\n{output[-6000:]}")
    return seconds, mem.peak / 2**20


def copy_book(dst: Path) -> Path:
    dst.mkdir(parents=True)
    for name in BOOK_SOURCES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dst / name, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        elif src.is_file():
            shutil.copy2(src, dst / name)
    return dst


def ours(book: Path, out: Path) -> dict:
    seconds, peak = timed([*EVALKIT, "build", "--root", str(book), "--out", str(out)], book)
    report = json.loads((out / "last-build.json").read_text())
    return {"seconds": seconds, "peak_mib": peak, "executed": len(report["executed"]),
            "reused": len(report["reused"]), "up_to_date": report["up_to_date"]}


def jupyter_book_force(book: Path) -> dict:
    """Jupyter Book executing every notebook itself, with the same flags as our build."""
    assert "execute_notebooks: force" in (book / "_config.yml").read_text()  # the sources' configuration
    shutil.rmtree(book / "_build", ignore_errors=True)
    seconds, peak = timed([JB, "build", str(book), "--warningiserror", "--nitpick", "--keep-going", "--all", "-q"],
                          book)
    assert (book / "_build" / "html" / "index.html").is_file()
    return {"seconds": seconds, "peak_mib": peak}


def change_observation(book: Path) -> None:
    path = book / "data" / "observations.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = (df["id"] == CHANGED_OBSERVATION[0]) & (df["year"] == CHANGED_OBSERVATION[1]) & (df["series"] == "main")
    assert row.sum() == 1, row.sum()
    df.loc[row, "value"] = str(int(float(df.loc[row, "value"].iloc[0])) + 1)
    df.to_csv(path, index=False, lineterminator="\n")


def edit_notebook(path: Path) -> None:
    """Add a comment to the first code cell after the parameters (a code change: the notebook runs)."""
    text = path.read_text()
    marker = ":tags: [remove-cell]\n\n"
    assert marker in text, path
    path.write_text(text.replace(marker, marker + "# edited by the benchmark\n", 1))


def one_run(work: Path) -> dict:
    book, out = copy_book(work / "book"), work / "out"
    r: dict = {}
    r["cold"] = ours(book, out)
    r["jupyter_book_force"] = jupyter_book_force(copy_book(work / "jb"))
    r["noop"] = ours(book, out)
    os.utime(book / EDITED_NOTEBOOK)
    r["touch_mtime"] = ours(book, out)
    edit_notebook(book / EDITED_NOTEBOOK)
    r["touch_content"] = ours(book, out)
    change_observation(book)
    r["data_change"] = ours(book, out)
    return r


def classifier_throughput(n: int = 1_000_000, repeats: int = 5) -> dict:
    """Classify *n* generated observation pairs drawn from the real catalogue's rules and directions."""
    rng = np.random.default_rng(2016)
    cat = load_catalogue()
    cat = cat[cat["status"] == "active"]
    pick = cat.iloc[rng.integers(0, len(cat), n)]
    share = (pick["unit"] == "percent").to_numpy()
    base = np.where(share, rng.uniform(0, 100, n), rng.lognormal(6, 2, n))
    latest = np.where(share, np.clip(base + rng.normal(0, 3, n), 0, 100), base * rng.lognormal(0, 0.05, n))
    frame = pd.DataFrame({"from_value": base, "to_value": latest, "years": rng.integers(1, 5, n),
                          "direction": pick["direction"].to_numpy(), "change": pick["change"].to_numpy(),
                          "exact": rng.random(n) > 0.02, "comparable": rng.random(n) > 0.02})
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = classify_frame(frame)
        times.append(time.perf_counter() - start)
    assert len(result) == n and result["colour"].notna().all()
    seconds = statistics.median(times)
    return {"rows": n, "seconds": seconds, "rows_per_second": n / seconds,
            "colours": result["colour"].value_counts().to_dict()}


def median(runs: list[dict], step: str, field: str) -> float:
    return statistics.median(r[step][field] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of every build step (default %(default)s)")
    parser.add_argument("--output", type=Path, default=Path(__file__).with_name("results.json"))
    args = parser.parse_args()

    runs = []
    for i in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="evalkit-bench-") as tmp:
            runs.append(one_run(Path(tmp)))
        print(f"run {i + 1}/{args.runs}: cold {runs[-1]['cold']['seconds']:.1f} s, "
              f"Jupyter Book {runs[-1]['jupyter_book_force']['seconds']:.1f} s", flush=True)
    clf = classifier_throughput()

    cold, jb = median(runs, "cold", "seconds"), median(runs, "jupyter_book_force", "seconds")
    figures = {
        "cold_build_s": cold,
        "jupyter_book_force_s": jb,
        "cold_over_jupyter_book": cold / jb,
        "noop_rebuild_s": median(runs, "noop", "seconds"),
        "noop_executed": median(runs, "noop", "executed"),
        "touch_mtime_rebuild_s": median(runs, "touch_mtime", "seconds"),
        "touch_mtime_executed": median(runs, "touch_mtime", "executed"),
        "touch_content_rebuild_s": median(runs, "touch_content", "seconds"),
        "touch_content_executed": median(runs, "touch_content", "executed"),
        "data_change_rebuild_s": median(runs, "data_change", "seconds"),
        "data_change_executed": median(runs, "data_change", "executed"),
        "notebooks": runs[0]["cold"]["executed"],
        "cold_peak_mib": median(runs, "cold", "peak_mib"),
        "jupyter_book_force_peak_mib": median(runs, "jupyter_book_force", "peak_mib"),
        "classifier_rows_per_s": clf["rows_per_second"],
    }
    targets = {
        "cold build <= 0.6 x Jupyter Book's own execution": figures["cold_over_jupyter_book"] <= 0.6,
        "no-op rebuild < 3 s with 0 notebooks executed": figures["noop_rebuild_s"] < 3 and figures["noop_executed"] == 0,
        "one notebook edited -> exactly 1 executed": figures["touch_content_executed"] == 1,
        "one value of observations.csv changed -> every notebook executed":
            figures["data_change_executed"] == figures["notebooks"],
        "classifier >= 1 million observations per second": figures["classifier_rows_per_s"] >= 1e6,
    }
    for name, value in figures.items():
        print(f"{name:32} {value:14,.3f}" if isinstance(value, float) else f"{name:32} {value:14,}")
    for name, ok in targets.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")

    results = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "runs": args.runs, "figures": figures, "targets": targets, "classifier": clf,
        "per_run": runs,
    }
    args.output.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=float) + "\n")
    print(f"written to {args.output}")
    if not all(targets.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
