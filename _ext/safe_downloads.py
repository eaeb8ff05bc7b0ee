"""The CSV files a reader downloads from the book cannot run as formulas in a spreadsheet.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return can be taken for a
formula when the file is opened in Excel or LibreOffice (CSV injection). The data package holds such text
legitimately (printed changes like ``-2,1 %``, the status symbols ``+`` to ``+++``), so the data is not
changed: when the book is written, every CSV among its downloads gets a ``'`` in front of such cells of
its text columns (the columns the data package declares as strings), which a spreadsheet shows as the
text itself. The data package in ``data/`` keeps the values as they are, for programs.

This runs in every build of the book (``make book`` and ``jb build .``), on the files Sphinx copied.
"""

import csv
import io
import json
from pathlib import Path

RISKY = ("=", "+", "-", "@", "\t", "\r")


def text_columns(descriptor: dict) -> dict[str, set[str]]:
    """File name -> the names of its string columns, from a data package descriptor."""
    return {Path(r["path"]).name: {f["name"] for f in r["schema"]["fields"] if f.get("type", "string") == "string"}
            for r in descriptor["resources"]}


def neutralise(text: str, columns: set[str]) -> tuple[str, int]:
    """The CSV *text* with each risky cell of *columns* prefixed by ``'``; and how many were."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return text, 0
    header, changed = rows[0], 0
    targets = [i for i, name in enumerate(header) if name in columns]
    for row in rows[1:]:
        for i in targets:
            if i < len(row) and row[i].startswith(RISKY):
                row[i] = "'" + row[i]
                changed += 1
    if not changed:
        return text, 0
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue(), changed


def _neutralise_downloads(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    descriptor = Path(app.srcdir) / "data" / "datapackage.json"
    if not descriptor.is_file():
        return
    columns = text_columns(json.loads(descriptor.read_text(encoding="utf-8")))
    for path in Path(app.outdir, "_downloads").rglob("*.csv"):
        if path.name in columns:
            text, changed = neutralise(path.read_text(encoding="utf-8"), columns[path.name])
            if changed:
                path.write_text(text, encoding="utf-8")


def setup(app):
    app.connect("build-finished", _neutralise_downloads)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
