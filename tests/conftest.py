import csv
import shutil
from pathlib import Path

import pytest

from .browser import chromium, served, visited  # noqa: F401 (the browser fixtures, shared)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"

DOC = "001_8ceffd757f77f65e.txt"
DOC2 = "002_c7439a1d68525817.txt"
DOC3 = "003_33156e0f2a1e4cc6.txt"

MINI = {
    "indicators.csv": [
        ["id", "area", "type", "name", "source", "unit", "change", "direction", "status", "note", "note_nb", "document",
         "location"],
        ["3", "ressursinnsats", "", "Samlede bevilgninger", "Statsbudsjettet", "nok_million", "relative", "up", "active", "",
         "Millioner 2018-kroner.", DOC, "Tabell 5.1, line 1090"],
        ["7", "ressursinnsats", "", "Andel kommuner", "IS-24/8", "percent", "points", "up", "active", "",
         "Andel kommuner i prosent.", DOC, "Tabell 5.1, line 1094"],
        ["11", "samfunnseffekter", "", "Antall straffereaksjoner", "SSB", "count", "relative", "down", "active", "",
         "Antall reaksjoner.", DOC, "Tabell 6.1, line 1235"],
        ["17", "samfunnseffekter", "", "Risikofylt alkoholforbruk", "FHI", "percent", "points", "down", "retired", "dropped", "Tatt ut.", DOC, "line 337"],
    ],
    "series.csv": [
        ["series", "label", "description", "document", "location"],
        ["main", "hovedserien", "The indicator's original series", DOC, "line 1"],
    ],
    "observations.csv": [
        ["id", "year", "value", "qualifier", "series", "document", "location", "note"],
        ["3", "2016", "2053", "exact", "main", DOC, "Tabell 5.1, line 1090", ""],
        ["3", "2017", "2141", "exact", "main", DOC, "Tabell 5.1, line 1090", ""],
        ["3", "2018", "2152", "exact", "main", DOC, "Tabell 5.1, line 1090", ""],
        ["7", "2017", "21", "exact", "main", DOC, "Tabell 5.1, line 1094", ""],
        ["7", "2018", "27", "exact", "main", DOC, "Tabell 5.1, line 1094", ""],
        ["11", "2016", "7796", "exact", "main", DOC, "Tabell 6.1, line 1235", ""],
    ],
    "published_changes.csv": [["id", "period", "printed", "document", "location"],
                              ["3", "2016-2017", "4,3 %", DOC, "Tabell 5.1, line 1090"]],
    "errata.csv": [["id", "what", "what_nb", "printed", "follows", "kind", "explanation", "document", "location"]],
    "reported_changes.csv": [["id", "period", "value", "unit", "qualifier", "kind", "document", "location", "text"],
                             ["3", "2016-2020", "", "", "", "direction", "000_1738e49f1275b4c4.txt", "line 146", "stabil"]],
    "figures.csv": [["key", "value", "unit", "qualifier", "year", "document", "location", "text"],
                    ["target_total_escalation", "2.4", "nok_billion", "exact", "2016-2020", "000_1738e49f1275b4c4.txt",
                     "line 103", "2,4 milliarder kroner"]],
    "sample_sizes.csv": [["id", "year", "series", "n", "qualifier", "unit_of_n", "document", "location", "text", "note"],
                         ["7", "2018", "main", "420", "lower_bound", "municipalities", "000_1738e49f1275b4c4.txt",
                          "line 583", "i overkant av 400", ""]],
    "significance_statements.csv": [["id", "period", "statement", "document", "location", "text"],
                                    ["7", "2017-2018", "not_significant", DOC, "line 1499", "ikke signifikant"]],
    "plan2007_hovedmal.csv": [["hovedmal", "name", "document", "location"],
                              ["1", "Tydelig folkehelseperspektiv", DOC2, "p. text, line 69"]],
    "plan2007_status_scale.csv": [["symbol", "rank", "meaning", "document", "location"],
                                  ["++", "2", "Utvikling har skjedd", DOC2, "p. text, line 917"]],
    "plan2007_goals.csv": [["hovedmal", "delmal", "name", "status", "document", "location", "note"],
                           ["1", "1.1", "Redusere totalforbruket av alkohol", "++", DOC2, "p. text, lines 782-786", ""]],
    "survey2014.csv": [["table", "title", "row", "column", "value", "unit", "n", "document", "location", "note"],
                       ["Tabell 3.6", "Handlingsplan", "Ja", "Antall", "155", "count", "189", DOC3, "Tabell 3.6, line 1738", ""]],
    "revisions.csv": [["date", "file", "key", "field", "old_value", "new_value", "reason", "document", "location"]],
    "releases.csv": [["edition", "date", "commit", "note"]],
}


# Copied as they are from data/: the documents, the areas, the label vocabularies and the verdicts (which
# refer to documents and areas only).
SHARED = ("documents.csv", "areas.csv", "labels_*.csv", "verdicts.csv")


def write_csv(path: Path, rows, encoding="utf-8") -> None:
    with open(path, "w", newline="", encoding=encoding) as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


@pytest.fixture
def mini_package(tmp_path) -> Path:
    """A small, valid data package with the real descriptor, in a temporary folder."""
    shutil.copy(DATA / "datapackage.json", tmp_path / "datapackage.json")
    for pattern in SHARED:
        for src in DATA.glob(pattern):
            shutil.copy(src, tmp_path / src.name)
    for name, rows in MINI.items():
        write_csv(tmp_path / name, rows)
    return tmp_path


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """``built_book(as_of)``: the HTML folder of a whole-book build with its print edition (``html/pdf``),
    made once per session and edition."""
    from evalkit.build import build

    cache: dict[int, Path] = {}

    def get(as_of: int) -> Path:
        if as_of not in cache:
            out = tmp_path_factory.mktemp(f"book-{as_of}")
            cache[as_of] = build(as_of=as_of, root=ROOT, out=out, pdf=True, log=lambda *_: None)
        return cache[as_of]

    return get


def write_chapter(path: Path, code: str, markdown: str = "Tekst.") -> None:
    """A text notebook (MyST Markdown with a jupytext header) at *path*: a parameters cell, a heading
    with *markdown*, and a code cell running *code*."""
    import jupytext
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell("as_of = 2020", metadata={"tags": ["parameters"]}),
                             new_markdown_cell(f"# Kapittel {path.stem}\n\n{markdown}"), new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    jupytext.write(nb, path, fmt="md:myst")


def set_code(path: Path, source: str, index: int = -1) -> None:
    """Replace the source of a text notebook's cell (by default its last)."""
    import jupytext

    nb = jupytext.read(path)
    nb.cells[index].source = source
    jupytext.write(nb, path, fmt="md:myst")


def tiny_book(root: Path, code: str, markdown: str = "Tekst.", more: dict[str, str] | None = None) -> Path:
    """A book with the real configuration and one chapter ``chapters/kapittel.md`` running *code*, plus a
    chapter per entry of *more* (name -> code)."""
    root.mkdir(parents=True)
    for name in ("_config.yml", "references.bib", "_static", "_ext", "_locale"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, root / name)
    (root / "chapters").mkdir()
    (root / "chapters" / "intro.md").write_text("# Intro\n\nEn side.\n\n```{bibliography}\n:all:\n```\n")
    chapters = {"kapittel": (code, markdown), **{name: (c, "Tekst.") for name, c in (more or {}).items()}}
    for name, (source, text) in chapters.items():
        write_chapter(root / "chapters" / f"{name}.md", source, text)
    toc = "".join(f"  - file: chapters/{name}\n" for name in chapters)
    (root / "_toc.yml").write_text(f"format: jb-book\nroot: chapters/intro\nchapters:\n{toc}")
    return root


def published_state(out: Path) -> dict[str, bytes]:
    """Every published file: the HTML and, through the ``pdf`` link beside it, the print edition."""
    html = out / "html"
    state = {str(p.relative_to(html)): p.read_bytes() for p in sorted(html.rglob("*")) if p.is_file()}
    return state | {f"<out>/pdf/{p.name}": p.read_bytes() for p in sorted((out / "pdf").glob("*.pdf"))}
