"""Benchmark of the book build (``make bench``; not part of the tests).

In each run, on copies of this book (so the working tree is never touched), it measures:

1. a cold build with our pipeline (``evalkit build``, empty cache, no kept Sphinx stage);
2. ``jb build`` with Jupyter Book executing the same notebooks itself (``execute_notebooks: force``);
3. a no-op rebuild (nothing changed);
4. a rebuild after editing only the prose of one page (nothing may execute);
5. a rebuild after editing a code cell of one chapter notebook;
6. a rebuild after changing one value in ``data/observations.csv`` (how many notebooks execute);
7. the peak memory of the whole process tree of (1), by phase (validation, execution, Sphinx,
   publishing), and of (2);
8. from the cold build's executed notebooks: the per-notebook overhead in a warm kernel (the ``setup``
   cell, and the time outside the cells) and the slowest notebooks with their slowest cells.

Once per benchmark: the cost curve, cold builds with 0, 25, 50 and all indicator pages (pages under
``indikatorer/``; "no indicator pages" if the book has none), and the classifier's throughput.

Every figure is the median of ``--runs`` runs, both sides measured in the same run. The machine may be
shared: absolute seconds are noisy, the ratios (both sides under the same load) less so. One line per
figure with its target is printed; everything is written to ``benchmarks/results.json``.
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

from evalkit.classify import classify_frame
from evalkit.data import load_catalogue
from evalkit.keys import BOOK_SOURCES

EVALKIT = [sys.executable, "-m", "evalkit.cli"]
JB = str(Path(sys.executable).with_name("jb"))
ROOT = Path(__file__).resolve().parents[1]
EDITED_NOTEBOOK = "chapters/04_kapasitet.md"  # steps 4 and 5
CHANGED_OBSERVATION = ("4", "2018")  # step 6: indicator 4 (årsverk), a count: +1 stays valid
INDICATOR_PAGES = "indikatorer/"
# The build's log lines that start a phase (evalkit.build's messages).
PHASES = [("notebooks (", "execute"), ("running jb build", "sphinx"), ("book built", "publish")]


class PeakMemory:
    """Samples the summed resident memory (RSS) of a process and all its descendants every 50 ms, keeping
    the peak of each phase (``phase`` is set by whoever reads the process's output). The proportional
    set size (PSS: a page shared by n processes counts 1/n in each) is sampled beside it: the RSS sum
    counts the library pages that the kernels share once per kernel (about 56 MiB per kernel here), so
    PSS is closer to what the machine gives the tree. The target is judged on RSS, as before."""

    def __init__(self, proc: subprocess.Popen):
        self.root = psutil.Process(proc.pid)
        self.phase = "validate"
        self.peaks: dict[str, float] = {}
        self.pss_peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def peak(self) -> float:
        return max(self.peaks.values(), default=0)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            total = pss = 0
            for p in procs:
                try:
                    info = p.memory_full_info()
                    total, pss = total + info.rss, pss + info.pss
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    pass
            self.peaks[self.phase] = max(self.peaks.get(self.phase, 0), total / 2**20)
            self.pss_peak = max(self.pss_peak, pss / 2**20)
            self._stop.wait(0.05)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def timed(cmd: list[str], cwd: Path) -> tuple[float, PeakMemory]:
    """Run *cmd*; return (seconds, its memory sampler). Fails loudly."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    with PeakMemory(proc) as mem:
        for line in proc.stdout:
            lines.append(line)
            for marker, phase in PHASES:
                if marker in line:
                    mem.phase = phase
        proc.wait()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step failed: {' '.join(cmd)}\n{''.join(lines)[-6000:]}")
    return seconds, mem


def copy_book(dst: Path, root: Path = ROOT) -> Path:
    dst.mkdir(parents=True)
    for name in BOOK_SOURCES:
        src = root / name
        if src.is_dir():
            shutil.copytree(src, dst / name, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        elif src.is_file():
            shutil.copy2(src, dst / name)
    return dst


def ours(book: Path, out: Path, *extra: str) -> dict:
    """Our build of the HTML (``--no-pdf``: what Jupyter Book's side makes too, and what an evaluator's
    edit waits for; ``make book`` adds the print edition, about 7 s)."""
    seconds, mem = timed([*EVALKIT, "build", "--root", str(book), "--out", str(out), "--no-pdf", *extra], book)
    report = json.loads((out / "last-build.json").read_text())
    return {"seconds": seconds, "peak_mib": mem.peak, "peak_pss_mib": mem.pss_peak, "peak_mib_by_phase": mem.peaks,
            "executed": len(report["executed"]), "reused": len(report["reused"]),
            "up_to_date": report["up_to_date"], "sphinx_incremental": report.get("sphinx_incremental", False),
            "executed_seconds": report["executed"], "executed_names": sorted(report["executed"])}


def jupyter_book_force(book: Path, stage: Path | None = None) -> dict:
    """Jupyter Book executing every notebook itself, with the same flags as our build. With *stage* (our
    cold build's kept stage), *book* becomes a copy of it with Jupyter Book's execution forced: the same
    notebooks our build executed, indicator pages included (``jb build`` of the sources alone knows no
    indicator pages), each with its parameters and heading."""
    if stage is not None:
        import yaml

        shutil.rmtree(book)
        shutil.copytree(stage, book, ignore=shutil.ignore_patterns("_build", ".*"))
        cfg = yaml.safe_load((book / "_config.yml").read_text())
        cfg["execute"]["execute_notebooks"] = "force"
        cfg["sphinx"]["extra_extensions"] = [e for e in cfg["sphinx"]["extra_extensions"] if e != "evalkit.sphinx_warm"]
        (book / "_config.yml").write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False))
    assert "execute_notebooks: force" in (book / "_config.yml").read_text()
    shutil.rmtree(book / "_build", ignore_errors=True)
    seconds, mem = timed([JB, "build", str(book), "--warningiserror", "--nitpick", "--keep-going", "--all", "-q"],
                         book)
    assert (book / "_build" / "html" / "index.html").is_file()
    return {"seconds": seconds, "peak_mib": mem.peak, "peak_pss_mib": mem.pss_peak}


def change_observation(book: Path) -> None:
    """One more in the one value of CHANGED_OBSERVATION, editing that line only (as an evaluator's
    correction would: every other row keeps its bytes)."""
    path = book / "data" / "observations.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    ident, year = CHANGED_OBSERVATION
    hit = [i for i, line in enumerate(lines) if line.startswith(f"{ident},{year},") and ",main," in line]
    assert len(hit) == 1, hit
    cells = lines[hit[0]].split(",")
    cells[2] = str(int(float(cells[2])) + 1)
    lines[hit[0]] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")


def readers(book: Path, out: Path, ident: int) -> list[str]:
    """The notebooks whose recorded reads (evalkit.reads, in the build's cache) include indicator
    *ident*'s observations, or the whole package."""
    from evalkit.build import NotebookCache, Plan, parameters

    data = (book / "data").resolve()
    cache = NotebookCache(out / "cache")
    plan = Plan.make(book, data, parameters(2020, 2016, data, 1.0, 2.5), cache=cache)
    found = []
    for nb, base in plan.bases.items():
        record = cache.reads(base)
        if record is None or "observations" in record["whole"] or ident in record["rows"].get("observations", []):
            found.append(plan.names[nb])
    return sorted(found)


def edit_code(path: Path) -> None:
    """Add a comment to the first code cell after the parameters (a code change: the notebook runs)."""
    text = path.read_text()
    marker = ":tags: [remove-cell]\n\n"
    assert marker in text, path
    path.write_text(text.replace(marker, marker + "# edited by the benchmark\n", 1))


def edit_prose(path: Path) -> None:
    """Add a sentence to the first paragraph after the page's heading (no code cell changes)."""
    lines = path.read_text().split("\n")
    heading = next(i for i, line in enumerate(lines) if line.startswith("# "))
    para = next(i for i in range(heading + 1, len(lines)) if lines[i].strip() and not lines[i].startswith(("```", ":")))
    lines[para] += " Endret av ytelsestesten."
    path.write_text("\n".join(lines))


def notebook_times(out: Path, executed_seconds: dict[str, float]) -> dict:
    """From the executed notebooks of a cold build (papermill's cell durations): per notebook the wall
    time, the ``setup`` cell, the time outside the cells (the kernel's preparation, papermill) and the
    slowest cells."""
    import nbformat

    stage = out / "html" / ".." / ".."
    found = {}
    # The first notebook on each kernel also pays the kernel's start and warm-up (once per build, not
    # per notebook): the build submits in reading order, one kernel per core.
    first = set(sorted(executed_seconds)[: os.cpu_count() or 1])
    for name, wall in executed_seconds.items():
        nb = nbformat.read(stage / Path(name).with_suffix(".ipynb"), as_version=4)
        cells = [(c.metadata.get("papermill", {}).get("duration") or 0.0, c.source.strip().splitlines()[-1][:70]
                  if c.source.strip() else "")
                 for c in nb.cells if c.cell_type == "code"]
        setup = sum(d for (d, _), c in zip(cells, [c for c in nb.cells if c.cell_type == "code"])
                    if "setup(" in c.source)
        found[name] = {"wall_s": wall, "cells_s": sum(d for d, _ in cells), "setup_s": setup,
                       "outside_cells_s": max(0.0, wall - sum(d for d, _ in cells)), "first_on_kernel": name in first,
                       "slowest_cells": sorted(cells, reverse=True)[:3]}
    return found


def one_run(work: Path) -> dict:
    book, out = copy_book(work / "book"), work / "out"
    r: dict = {}
    r["cold"] = ours(book, out)
    r["notebooks"] = notebook_times(out, r["cold"]["executed_seconds"])
    r["jupyter_book_force"] = jupyter_book_force(copy_book(work / "jb"), out / "warm")
    r["noop"] = ours(book, out)
    edit_prose(book / EDITED_NOTEBOOK)
    r["prose_edit"] = ours(book, out)
    edit_code(book / EDITED_NOTEBOOK)
    r["code_edit"] = ours(book, out)
    expected = readers(book, out, int(CHANGED_OBSERVATION[0]))
    change_observation(book)
    r["data_change"] = ours(book, out)
    r["data_change"]["readers"] = expected
    return r


def indicator_pages(book: Path) -> list[str]:
    """The indicator pages the book's plan has (``indikatorer/<id>``), in order."""
    from evalkit.build import Plan, parameters

    data = (book / "data").resolve()
    plan = Plan.make(book, data, parameters(2020, 2016, data, 1.0, 2.5))
    return [name for name in plan.names.values() if name.startswith(INDICATOR_PAGES) and Path(name).stem.isdigit()]


def cost_curve(work: Path) -> dict:
    """Cold builds with 0, 25, 50 and all indicator pages (the build's ``indicators`` limit), and the
    cost per added page between the points."""
    book = copy_book(work / "curve")
    names = indicator_pages(book)
    if not names:
        return {"pages": 0, "points": [], "note": "no indicator pages"}
    ids = [Path(name).stem for name in names]
    counts = sorted({n for n in (0, 25, 50, len(ids)) if n <= len(ids)})
    points = []
    for n in counts:
        out = work / f"curve-out-{n}"
        code = ("import sys; from pathlib import Path; from evalkit.build import build; "
                f"build(root=Path({str(book)!r}), out=Path({str(out)!r}), indicators={ids[:n]!r}, log=print)")
        seconds, mem = timed([sys.executable, "-c", code], book)
        points.append({"pages": n, "seconds": seconds, "peak_mib": mem.peak})
    for before, after in zip(points, points[1:]):
        after["seconds_per_added_page"] = (after["seconds"] - before["seconds"]) / (after["pages"] - before["pages"])
    return {"pages": len(ids), "points": points}


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
    return {"rows": n, "seconds": seconds, "rows_per_second": n / seconds}


def median(runs: list[dict], step: str, field: str) -> float:
    return statistics.median(r[step][field] for r in runs)


def overhead(runs: list[dict]) -> dict:
    """Per notebook, medians over the runs: setup cell, time outside the cells, and both together."""
    names = runs[0]["notebooks"]
    med = {name: {k: statistics.median(r["notebooks"][name][k] for r in runs)
                  for k in ("wall_s", "cells_s", "setup_s", "outside_cells_s")} for name in names}
    for name, m in med.items():
        m["overhead_s"] = m["setup_s"] + m["outside_cells_s"]
        m["slowest_cells"] = runs[0]["notebooks"][name]["slowest_cells"]
        m["first_on_kernel"] = runs[0]["notebooks"][name]["first_on_kernel"]
    return med


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
    with tempfile.TemporaryDirectory(prefix="evalkit-bench-") as tmp:
        curve = cost_curve(Path(tmp))
    clf = classifier_throughput()

    cold, jb = median(runs, "cold", "seconds"), median(runs, "jupyter_book_force", "seconds")
    phases = {phase: statistics.median(r["cold"]["peak_mib_by_phase"].get(phase, 0) for r in runs)
              for phase in ("validate", "execute", "sphinx", "publish")}
    per_notebook = overhead(runs)
    worst = sorted(per_notebook.items(), key=lambda kv: kv[1]["wall_s"], reverse=True)
    warm_kernel = [m for m in per_notebook.values() if not m["first_on_kernel"]]
    figures = {
        "cold_build_s": cold,
        "jupyter_book_force_s": jb,
        "cold_over_jupyter_book": cold / jb,
        "code_edit_s": median(runs, "code_edit", "seconds"),
        "code_edit_over_cold": median(runs, "code_edit", "seconds") / cold,
        "code_edit_executed": median(runs, "code_edit", "executed"),
        "prose_edit_s": median(runs, "prose_edit", "seconds"),
        "prose_edit_over_cold": median(runs, "prose_edit", "seconds") / cold,
        "prose_edit_executed": median(runs, "prose_edit", "executed"),
        "data_change_s": median(runs, "data_change", "seconds"),
        "data_change_executed": median(runs, "data_change", "executed"),
        "noop_s": median(runs, "noop", "seconds"),
        "noop_executed": median(runs, "noop", "executed"),
        "notebooks": runs[0]["cold"]["executed"],
        "overhead_per_notebook_s": statistics.median(m["overhead_s"] for m in warm_kernel),
        "setup_per_notebook_s": statistics.median(m["setup_s"] for m in warm_kernel),
        "kernel_start_s": statistics.median(m["overhead_s"] for m in per_notebook.values() if m["first_on_kernel"]),
        "cold_peak_mib": median(runs, "cold", "peak_mib"),
        "jupyter_book_force_peak_mib": median(runs, "jupyter_book_force", "peak_mib"),
        "peak_over_jupyter_book": median(runs, "cold", "peak_mib") / median(runs, "jupyter_book_force", "peak_mib"),
        "cold_peak_pss_mib": median(runs, "cold", "peak_pss_mib"),
        "jupyter_book_force_peak_pss_mib": median(runs, "jupyter_book_force", "peak_pss_mib"),
        "peak_pss_over_jupyter_book": median(runs, "cold", "peak_pss_mib")
        / median(runs, "jupyter_book_force", "peak_pss_mib"),
        "classifier_rows_per_s": clf["rows_per_second"],
    }
    targets = {
        "cold build <= 0.35 x Jupyter Book executing the same notebooks": figures["cold_over_jupyter_book"] <= 0.35,
        "edit one chapter notebook <= 0.15 x cold": figures["code_edit_over_cold"] <= 0.15,
        "edit only prose <= 0.10 x cold, nothing executed":
            figures["prose_edit_over_cold"] <= 0.10 and figures["prose_edit_executed"] == 0,
        "change one observation: only the notebooks that read it execute":
            all(r["data_change"]["executed_names"] == r["data_change"]["readers"] for r in runs)
            and figures["data_change_executed"] < figures["notebooks"],
        "no-op < 3 s, nothing executed": figures["noop_s"] < 3 and figures["noop_executed"] == 0,
        "per-notebook overhead in a warm kernel <= 0.1 s": figures["overhead_per_notebook_s"] <= 0.1,
        "peak memory <= 1.5 x Jupyter Book's": figures["peak_over_jupyter_book"] <= 1.5,
    }
    rows = [
        ("cold build", f"{cold:.1f} s = {figures['cold_over_jupyter_book']:.2f} x Jupyter Book ({jb:.1f} s)",
         "<= 0.35 x"),
        ("edit one chapter notebook", f"{figures['code_edit_s']:.1f} s = {figures['code_edit_over_cold']:.2f} x cold, "
         f"{figures['code_edit_executed']:.0f} executed", "<= 0.15 x cold"),
        ("edit only the prose of one page", f"{figures['prose_edit_s']:.1f} s = {figures['prose_edit_over_cold']:.2f} x "
         f"cold, {figures['prose_edit_executed']:.0f} executed", "<= 0.10 x cold, 0 executed"),
        ("change one observation", f"{figures['data_change_s']:.1f} s, {figures['data_change_executed']:.0f} of "
         f"{figures['notebooks']} notebooks executed", "only those that read it"),
        ("no-op", f"{figures['noop_s']:.2f} s, {figures['noop_executed']:.0f} executed", "< 3 s, 0 executed"),
        ("overhead per notebook (warm kernel)", f"{figures['overhead_per_notebook_s']:.2f} s (setup cell "
         f"{figures['setup_per_notebook_s']:.2f} s; a kernel's first notebook {figures['kernel_start_s']:.1f} s)",
         "<= 0.1 s"),
        ("peak memory", f"{figures['cold_peak_mib']:.0f} MiB = {figures['peak_over_jupyter_book']:.2f} x Jupyter Book "
         f"({figures['jupyter_book_force_peak_mib']:.0f} MiB)", "<= 1.5 x"),
        ("peak memory by phase", ", ".join(f"{p} {v:.0f}" for p, v in phases.items()) + " MiB", ""),
        ("peak memory, PSS (shared pages once)", f"{figures['cold_peak_pss_mib']:.0f} MiB = "
         f"{figures['peak_pss_over_jupyter_book']:.2f} x Jupyter Book ({figures['jupyter_book_force_peak_pss_mib']:.0f} MiB)",
         ""),
        ("classifier", f"{figures['classifier_rows_per_s'] / 1e6:.1f} M observations/s", ">= 1 M/s"),
    ]
    print("\nmedians of", args.runs, "runs (both sides in each run; the machine may be shared: read the ratios)")
    for name, value, target in rows:
        print(f"  {name:38} {value:60} target {target}" if target else f"  {name:38} {value}")
    print(f"  executed after changing indicator {CHANGED_OBSERVATION[0]}'s {CHANGED_OBSERVATION[1]} value: "
          + ", ".join(runs[0]["data_change"]["executed_names"]))
    print("  slowest notebooks (wall, in cells, setup cell, outside cells; a kernel's first notebook also "
          "starts it and imports what the chapters import; slowest cells):")
    for name, m in worst[:5]:
        cells = "; ".join(f"{d:.1f} s {line}" for d, line in m["slowest_cells"])
        print(f"    {name:36} {m['wall_s']:5.1f} s  cells {m['cells_s']:5.1f}  setup {m['setup_s']:4.2f}  "
              f"outside {m['outside_cells_s']:4.2f}{'  (kernel start)' if m['first_on_kernel'] else ''}  | {cells}")
    if curve["points"]:
        print("  cost curve (cold builds):")
        for p in curve["points"]:
            per = p.get("seconds_per_added_page")
            print(f"    {p['pages']:4} indicator pages  {p['seconds']:6.1f} s  {p['peak_mib']:5.0f} MiB"
                  + (f"  {per:.2f} s per added page" if per is not None else ""))
    else:
        print(f"  cost curve: {curve['note']}")
    for name, ok in targets.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")

    results = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_average": os.getloadavg()},
        "runs": args.runs, "figures": figures, "peak_mib_by_phase": phases, "targets": targets,
        "notebooks": per_notebook, "cost_curve": curve, "classifier": clf, "per_run": runs,
    }
    args.output.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=float) + "\n")
    print(f"written to {args.output}")
    if not all(targets.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
