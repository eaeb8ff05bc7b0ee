"""What a notebook reads of the data package, recorded while it runs, so that its cache key covers only
that (:mod:`evalkit.keys`): an indicator's page is executed again when its own indicator's rows change,
not when another indicator's do.

The chapters get the validated frames through :class:`Frames` (``ch.frames``), which records each read:

- ``frames["errata"]`` reads the whole table;
- ``frames.scoped(ids)["observations"]`` reads the rows of those indicators only. The tables with a row
  per indicator (:data:`INDICATOR_TABLES`) are cut to the scope's rows, so a scoped reader *cannot* see
  another indicator's rows: what it was given is what it depended on.

A notebook that opens a file of the package itself (``pd.read_csv("../data/…")``) is seen by an audit
hook (:func:`audit`, installed in the build's kernels) and depends on the whole package, as does one
whose reads could not be collected. So a recorded dependency can be too wide, never too narrow: the
execution reads the same rows as long as those rows are the same, and so computes the same page.

The build (:mod:`evalkit.build`) calls :func:`begin` before each notebook and :func:`dump` after it, in
the notebook's kernel; :func:`digest` turns a record into the hash of just those bytes of the package.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is not imported by the build's planning (a no-op build stays fast)
    import pandas as pd

# Tables with rows per indicator: (resource, how a row names its indicator). The revision log names it
# in the row's key ("id=10;year=2020;series=main").
INDICATOR_TABLES = {"observations": "id", "sample_sizes": "id", "reported_changes": "id",
                    "significance_statements": "id", "errata": "id", "published_changes": "id",
                    "revisions": "key"}
ALWAYS = "datapackage.json"  # the schemas: every reader's frames are typed by them
_KEY_ID = re.compile(r"(?:^|;)id=(\d+)(?:;|$)")


def row_indicator(column: str, cell: str) -> int | None:
    """The indicator a row of a table in :data:`INDICATOR_TABLES` belongs to, from its cell in
    *column*; None for a row of no indicator (an erratum of a whole document)."""
    text = str(cell).strip()
    if column == "key":
        m = _KEY_ID.search(text)
        return int(m.group(1)) if m else None
    try:
        return int(float(text))
    except ValueError:
        return None


class Reads:
    """One execution's reads: each table read whole, or only the rows of some indicators; *everything*
    when a file of the package was opened directly."""

    def __init__(self) -> None:
        self.whole: set[str] = set()
        self.rows: dict[str, set[int]] = {}
        self.everything = False

    def read_whole(self, table: str) -> None:
        self.whole.add(table)

    def read_rows(self, table: str, ids) -> None:
        self.rows.setdefault(table, set()).update(int(i) for i in ids)

    def record(self) -> dict | None:
        """The reads as JSON-ready data (None: the notebook depends on the whole package)."""
        if self.everything:
            return None
        rows = {t: sorted(ids) for t, ids in self.rows.items() if t not in self.whole}
        return {"whole": sorted(self.whole), "rows": dict(sorted(rows.items()))}


CURRENT = Reads()  # the reads of the notebook the kernel is executing
_DATA_DIR: list[str] = []  # the package folder of that notebook (the audit hook's concern)
_QUIET = [0]  # > 0 while evalkit itself reads the files (validation): not a notebook's own read


def begin(data_dir) -> None:
    """Start recording a notebook's reads (the build, before each notebook)."""
    global CURRENT
    CURRENT = Reads()
    _DATA_DIR[:] = [os.path.join(os.path.realpath(data_dir), "")] if data_dir else []


def dump(path) -> None:
    """Write the record of the notebook just executed to *path* (the build, after each notebook)."""
    Path(path).write_text(json.dumps(CURRENT.record()), encoding="utf-8")


class quiet:
    """Within it, files of the package that are opened are evalkit's own reads (the validation of the
    whole package, whose verdict the build has already checked), not the notebook's."""

    def __enter__(self):
        _QUIET[0] += 1

    def __exit__(self, *exc):
        _QUIET[0] -= 1


def audit(event: str, args: tuple) -> None:
    """``sys.addaudithook``: a notebook that opens a file of the package depends on all of it."""
    if event != "open" or _QUIET[0] or not _DATA_DIR or not isinstance(args[0], (str, os.PathLike)):
        return
    path = os.path.realpath(os.fspath(args[0]))
    if path.startswith(_DATA_DIR[0]) and os.path.basename(path) != ALWAYS:
        CURRENT.everything = True


class Frames(Mapping):
    """The validated frames, read through a record (:data:`CURRENT`). Unscoped, a table is read whole;
    scoped to some indicators (:meth:`scoped`), a table of :data:`INDICATOR_TABLES` holds only their
    rows and is recorded as those rows."""

    def __init__(self, frames: Mapping[str, pd.DataFrame], ids: frozenset[int] | None = None):
        self._all = frames
        self.ids = ids
        self._cut: dict[str, pd.DataFrame] = {}
        self._scopes: dict[frozenset[int], Frames] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        frame = self._all[name]
        column = INDICATOR_TABLES.get(name)
        if self.ids is None or column is None:
            CURRENT.read_whole(name)
            return frame
        CURRENT.read_rows(name, self.ids)
        if name not in self._cut:
            mine = frame[column].map(lambda cell: row_indicator(column, cell) in self.ids) if column == "key" \
                else frame[column].isin(self.ids).fillna(False).astype(bool)
            self._cut[name] = frame[mine.to_numpy(dtype=bool)]
        return self._cut[name]

    def __iter__(self):
        return iter(self._all)

    def __len__(self) -> int:
        return len(self._all)

    def scoped(self, ids) -> Frames:
        """These frames cut to the rows of the indicators *ids* (within this scope, if it has one)."""
        ids = frozenset(int(i) for i in ids)
        if self.ids is not None:
            ids &= self.ids
        if ids not in self._scopes:
            self._scopes[ids] = Frames(self._all, ids)
        return self._scopes[ids]


# --------------------------------------------------------------------------------------------------
# The build's side: the bytes a record covers


class Package:
    """The package's files as the build reads them (plain CSV, before validation): each resource's
    bytes, and for a table of :data:`INDICATOR_TABLES` the hash of each indicator's rows."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.files = {p.relative_to(self.data_dir).as_posix(): p.read_bytes()
                      for p in sorted(self.data_dir.rglob("*")) if p.is_file()}
        try:
            descriptor = json.loads(self.files.get(ALWAYS, b"{}"))
            self.resources = {r["name"]: r["path"] for r in descriptor.get("resources", [])}
        except (ValueError, AttributeError, KeyError, TypeError):
            self.resources = {}
        self._rows: dict[str, dict] = {}
        self._sha: dict[str, bytes] = {}

    def sha(self, path: str) -> bytes:
        """The sha256 of one file's bytes (of nothing if the package has no such file), hashed once:
        every notebook's key hashes the descriptor and the files it read whole."""
        if path not in self._sha:
            self._sha[path] = hashlib.sha256(self.files.get(path, b"")).digest()
        return self._sha[path]

    @functools.cached_property
    def _whole(self) -> str:
        h = hashlib.sha256(b"evalkit-data-whole")
        for name in self.files:
            h.update(name.encode() + b"\0" + self.sha(name))
        return h.hexdigest()

    def whole(self) -> str:
        """The hash of every file: the dependency of a notebook whose reads are not known."""
        return self._whole

    def _by_indicator(self, table: str) -> dict:
        """``{indicator or None: hash of its rows}`` and ``"header"``, for a table of rows per indicator."""
        if table not in self._rows:
            text = self.files[self.resources[table]].decode("utf-8", errors="replace")
            reader = csv.reader(io.StringIO(text, newline=""))
            header = next(reader, [])
            column = INDICATOR_TABLES[table]
            at = header.index(column) if column in header else None
            groups: dict = {}
            for row in reader:
                ident = row_indicator(column, row[at]) if at is not None and at < len(row) else None
                groups.setdefault(ident, hashlib.sha256()).update(json.dumps(row).encode() + b"\n")
            self._rows[table] = {"header": json.dumps(header), **{k: v.hexdigest() for k, v in groups.items()}}
        return self._rows[table]

    def digest(self, record: dict | None) -> str:
        """The hash of the bytes a notebook with *record* read (:meth:`Reads.record`), with the schemas
        and any file that is not a resource of the package; of every file if *record* is None."""
        if record is None:
            return self.whole()
        h = hashlib.sha256(b"evalkit-data-read")
        named = {path: name for name, path in self.resources.items()}
        for path in self.files:  # files of no resource (and the descriptor) always count
            if path not in named:
                h.update(path.encode() + b"\0" + self.sha(path))
        for table in record["whole"]:
            h.update(f"whole {table}\0".encode() + self.sha(self.resources.get(table)))
        for table, ids in record["rows"].items():
            if table not in self.resources or self.resources[table] not in self.files:
                h.update(f"absent {table}\0".encode())
                continue
            rows = self._by_indicator(table)
            h.update(f"rows {table}\0{rows['header']}\0".encode())
            for ident in ids:
                h.update(f"{ident}:{rows.get(ident, '-')}\0".encode())
        return h.hexdigest()


__all__ = ["Frames", "INDICATOR_TABLES", "Package", "Reads", "audit", "begin", "dump", "quiet"]
