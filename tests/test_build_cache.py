"""Only what changed is executed: the notebook cache's keys, reuse, and the warm kernels' isolation."""

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from evalkit.build import BuildError, build

from .conftest import DATA, published_state, set_code, tiny_book, write_chapter


def run(root: Path, out: Path, data: Path = DATA, **kw) -> dict:
    """Build; return ``last-build.json`` (what was executed and reused)."""
    build(root=root, out=out, data_dir=data, log=lambda *_: None, **kw)
    return json.loads((out / "last-build.json").read_text())


def edit(root: Path, name: str, source: str) -> None:
    set_code(root / "chapters" / f"{name}.md", source)


def outputs(out: Path, name: str) -> str:
    """The text of a notebook's last cell's outputs in the published stage."""
    nb = nbformat.read(out / "html" / ".." / ".." / "chapters" / f"{name}.ipynb", as_version=4)
    return "".join(o.get("text", "") for o in nb.cells[-1].outputs)


@pytest.fixture(scope="module")
def two_chapters(tmp_path_factory):
    """A book of two chapters, built once; each test works on a copy of the sources and the output."""
    base = tmp_path_factory.mktemp("cache")
    root = tiny_book(base / "src", "print('a')", more={"andre": "print('b')"})
    first = run(root, base / "_build")
    return root, base / "_build", first


@pytest.fixture
def book(two_chapters, tmp_path):
    root, out, _ = two_chapters
    shutil.copytree(root, tmp_path / "src")
    shutil.copytree(out, tmp_path / "_build", symlinks=True)
    return tmp_path / "src", tmp_path / "_build"


def test_cold_build_executes_every_notebook(two_chapters):
    _, _, first = two_chapters
    assert sorted(first["executed"]) == ["chapters/andre.md", "chapters/kapittel.md"]
    assert first["reused"] == [] and not first["up_to_date"]


def test_nothing_changed_is_a_no_op(book):
    root, out = book
    before, target = published_state(out), (out / "html").resolve()
    report = run(root, out)
    assert report["up_to_date"] and report["executed"] == {} and len(report["reused"]) == 2
    assert (out / "html").resolve() == target and published_state(out) == before


def test_a_new_time_stamp_alone_changes_nothing(book):
    root, out = book
    (root / "chapters" / "andre.md").touch()
    assert run(root, out)["up_to_date"]


def test_one_edited_notebook_is_the_only_one_executed(book):
    root, out = book
    edit(root, "andre", "print('b, rettet')")
    report = run(root, out)
    assert list(report["executed"]) == ["chapters/andre.md"]
    assert report["reused"] == ["chapters/kapittel.md"]
    assert "b, rettet" in outputs(out, "andre")


def test_a_changed_page_rebuilds_without_executing(book):
    root, out = book
    (root / "chapters" / "intro.md").write_text("# Intro\n\nEn ny side.\n\n```{bibliography}\n:all:\n```\n")
    report = run(root, out)
    assert report["executed"] == {} and not report["up_to_date"]
    assert "En ny side" in (out / "html" / "chapters" / "intro.html").read_text()


def test_a_data_change_executes_no_notebook_that_did_not_read_it(book, tmp_path):
    """These chapters read nothing of the data (print('a')): a changed value executes neither, but the
    book (which publishes the data) is built again. What executes a reader is in test_incremental."""
    root, out = book
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "observations.csv").write_text((data / "observations.csv").read_text().replace("1,2016,419,", "1,2016,420,"))
    # The build's data folder is a parameter too; use the same folder for both builds.
    run(root, out, data)
    (data / "observations.csv").write_text((data / "observations.csv").read_text().replace("1,2016,420,", "1,2016,421,"))
    report = run(root, out, data)
    assert report["executed"] == {} and len(report["reused"]) == 2 and not report["up_to_date"]


def test_changed_parameters_execute_and_earlier_ones_are_reused(book):
    root, out = book
    assert len(run(root, out, as_of=2018)["executed"]) == 2
    report = run(root, out)  # back to 2020: the executed copies are still in the cache
    assert report["executed"] == {} and len(report["reused"]) == 2 and not report["up_to_date"]


def test_force_executes_everything(book):
    root, out = book
    assert len(run(root, out, force=True)["executed"]) == 2


def test_a_failed_notebook_does_not_discard_the_others(book):
    root, out = book
    edit(root, "kapittel", "1 / 0")
    edit(root, "andre", "print('b2')")
    with pytest.raises(BuildError, match="ZeroDivisionError"):
        run(root, out)
    edit(root, "kapittel", "print('a2')")
    assert list(run(root, out)["executed"]) == ["chapters/kapittel.md"]  # andre's result was kept


def test_warm_kernel_shows_each_notebook_a_clean_kernel(tmp_path):
    """In one kernel (jobs=1), one after another: no names, figures, settings or folder carried over."""
    dirty = ("import os, matplotlib, matplotlib.pyplot as plt\n"
             "leak = 1\nplt.figure()\nmatplotlib.rcParams['lines.linewidth'] = 9\nos.chdir('/')")
    check = ("import os, matplotlib, matplotlib.pyplot as plt\n"
             "print('leak' in dir(), len(plt.get_fignums()), matplotlib.rcParams['lines.linewidth'],\n"
             "      os.path.basename(os.getcwd()))")
    root = tiny_book(tmp_path / "src", dirty, more={"z_check": check})
    out = tmp_path / "_build"
    run(root, out, jobs=1)
    fresh = f"False 0 {__import__('matplotlib').rcParamsDefault['lines.linewidth']} chapters\n"
    assert outputs(out, "z_check") == fresh
    nb = nbformat.read(out / "html" / ".." / ".." / "chapters" / "z_check.ipynb", as_version=4)
    assert [c.execution_count for c in nb.cells if c.cell_type == "code"] == [1, 2, 3]  # parameters, injected, code


def _os_threads() -> int:
    return int(Path("/proc/self/status").read_text().split("Threads:")[1].split()[0])


def test_executing_notebooks_leaves_no_client_behind(tmp_path):
    """papermill's client on a warm kernel keeps its sockets and threads unless the build closes it: the
    build process grew by ~2 MiB and 3 threads per notebook (about 250 MiB over the book's 109)."""
    from evalkit.build import execute_all, parameters

    pairs = []
    for i in range(6):
        src = tmp_path / f"c{i}.md"
        write_chapter(src, "print(1)")
        pairs.append((src, tmp_path / f"c{i}.ipynb"))
    before = _os_threads()
    errors = execute_all(pairs, parameters(2020, 2016, DATA, 1.0, 2.5), 1, tmp_path / "logs")
    assert errors == [] and all(dst.is_file() for _, dst in pairs)
    assert _os_threads() <= before + 1  # six notebooks left 18 threads before the clients were closed
