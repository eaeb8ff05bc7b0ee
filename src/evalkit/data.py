"""Loading and validating the data package in ``data/``.

The schema of every file lives in one place, ``data/datapackage.json`` (a Frictionless Data Package),
and so does the vocabulary: documents, areas and the ``labels_*`` tables are resources like the others,
and the fields that use their codes refer to them by foreign keys. Validation runs in two layers, and
every problem found is reported at once, each naming the file, the line, the column and what is wrong:

1. the file, its cells and rows, by Frictionless: encoding, header, types, required fields, enums,
   ranges, patterns, primary and foreign keys. Its errors are read through their structured fields
   and the schema, never by parsing their English notes. evalkit adds only what Frictionless does not
   check: a byte-order mark, a CSV that cannot be parsed (an unbalanced quote), and the line of a byte
   that is not UTF-8;
2. rules across files that a Table Schema cannot express (a share must lie in 0-100 because the
   indicator's unit is ``percent``; a count may not be negative; a percent indicator changes in points;
   a retired indicator takes no observations; sample sizes are for shares), and the revision log
   (``revisions.csv``) against the files it corrects: each row names a file, a column and a row by its
   primary key, and the last row for a cell holds what the file holds now.

Only when a file passes is it read into a typed :class:`pandas.DataFrame`, indexed by file line.
"""

from __future__ import annotations

import codecs
import copy
import csv
import io
import json
import os
import sys
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

DESCRIPTOR = "datapackage.json"


def default_data_dir() -> Path:
    """The data directory: ``$EVALKIT_DATA`` if set; else the nearest ``data/datapackage.json`` found
    walking up from the working directory (a chapter executed in ``<book>/chapters/`` finds
    ``<book>/data``); else ``data/`` of this source checkout."""
    env = os.environ.get("EVALKIT_DATA")
    if env:
        return Path(env)
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / DESCRIPTOR).is_file():
            return folder / "data"
    return Path(__file__).resolve().parents[2] / "data"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one place in one file."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        col = f" column '{self.column}':" if self.column else ""
        return f"{where}:{col} {self.message}"


class DataValidationError(ValueError):
    """Raised with every :class:`Problem` found in the input, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.column or "", p.message))
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the data:"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))


# --------------------------------------------------------------------------------------------------
# The descriptor


@lru_cache(maxsize=8)
def _descriptor(data_dir: Path) -> dict:
    path = data_dir / DESCRIPTOR
    if not path.is_file():
        raise DataValidationError([Problem(str(path), None, None, "data package descriptor not found")])
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataValidationError([Problem(str(path), None, None, f"not valid JSON: {exc}")]) from exc


def _resource_where(prop: str, value: str, data_dir: Path | None) -> dict:
    data_dir = Path(data_dir or default_data_dir()).resolve()
    for res in _descriptor(data_dir)["resources"]:
        if res[prop] == value:
            return res
    raise KeyError(f"{data_dir / DESCRIPTOR}: no resource with {prop} {value!r}")


def resource_descriptor(name: str, data_dir: Path | None = None) -> dict:
    """The descriptor of resource *name* (``indicators``, ``observations``, ...)."""
    return _resource_where("name", name, data_dir)


def resource_for_file(file: str, data_dir: Path | None = None) -> dict:
    """The descriptor of the resource stored in *file* (``observations.csv``)."""
    return _resource_where("path", file, data_dir)


def _references(res: dict) -> set[str]:
    """The other resources *res* refers to by foreign keys."""
    return {fk["reference"]["resource"] for fk in res["schema"].get("foreignKeys", [])} - {"", res["name"]}


def _is_vocabulary(name: str) -> bool:
    """A code list (documents, areas, ``labels_*``): an unknown code is reported like a value outside an
    enum, with the allowed codes listed."""
    return name in ("documents", "areas") or name.startswith("labels_")


def reading_order(data_dir: Path | None = None) -> list[str]:
    """The resources in an order in which each comes after those it refers to (from the descriptor's
    foreign keys; otherwise in the descriptor's order)."""
    data_dir = Path(data_dir or default_data_dir()).resolve()
    resources = _descriptor(data_dir)["resources"]
    names = [r["name"] for r in resources]
    refs = {r["name"]: _references(r) & set(names) for r in resources}
    order: list[str] = []
    while len(order) < len(names):
        ready = next((n for n in names if n not in order and refs[n] <= set(order)), None)
        if ready is None:
            cycle = ", ".join(n for n in names if n not in order)
            raise DataValidationError([Problem(str(data_dir / DESCRIPTOR), None, None,
                                               f"the foreign keys of these resources form a cycle: {cycle}")])
        order.append(ready)
    return order


# --------------------------------------------------------------------------------------------------
# Layer 1: the file, its cells and rows (Frictionless)


def _frictionless_errors(path: Path, name: str, data_dir: Path, skip: frozenset[str]) -> list:
    """Frictionless's errors for the file at *path* read as resource *name*; foreign keys into the
    resources in *skip* (broken themselves) are not checked."""
    import frictionless

    desc = copy.deepcopy(resource_descriptor(name, data_dir))
    fks = [fk for fk in desc["schema"].get("foreignKeys", []) if fk["reference"]["resource"] not in skip]
    desc["schema"].pop("foreignKeys", None)
    if fks:
        desc["schema"]["foreignKeys"] = fks
    desc["path"] = path.name
    # The package's files are comma-separated; without this Frictionless would sniff a semicolon file
    # as valid.
    desc.setdefault("dialect", {"delimiter": ","})
    needed = {fk["reference"]["resource"] for fk in fks}
    others = [r for r in _descriptor(data_dir)["resources"] if r["name"] in needed and r["name"] != name]
    try:
        package = frictionless.Package.from_descriptor({"resources": [desc, *others]}, basepath=str(path.parent))
        if path.parent.resolve() != data_dir:
            # A file outside the data dir (a fixture, a user's draft): foreign keys resolve against data_dir.
            for res in package.resources:
                if res.name != name:
                    res.path = str(data_dir / res.path)
        report = package.get_resource(name).validate()
    except frictionless.FrictionlessException as exc:
        return [exc.error]
    return [err for task in report.tasks for err in task.errors]


@dataclass
class _Parsed:
    """The file's CSV records as text (record 0 is the header) and the line each starts on."""

    rows: list[list[str]]
    lines: list[int]


class _Unparseable(Exception):
    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line, self.reason = line, reason


def _parse(text: str) -> _Parsed:
    """Parse strictly: Frictionless reads an unclosed quote as one long cell to the end of the file."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows, lines, start = [], [], 1
    try:
        for row in reader:
            rows.append(row)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise _Unparseable(start, str(exc)) from exc
    return _Parsed(rows, lines)


def _not_utf8(file: str, raw: bytes) -> Problem:
    """Frictionless says the file is not UTF-8; find the line of the first byte that is not."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return Problem(file, line, None, f"not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")
    return Problem(file, None, None, "not UTF-8; save the file as UTF-8")


def _header_problem(file: str, labels: list[str], fields: list[str]) -> Problem:
    """One problem for a header that is not the schema's: what is missing, extra, renamed, duplicated,
    unnamed or out of order, found by comparing the header Frictionless read with the schema's fields."""
    if len(labels) == 1 and ";" in labels[0]:
        return Problem(file, 1, None, "the columns are separated by semicolons; use commas")
    known, present = set(fields), set(labels)
    renamed = [(i, label, fields[i]) for i, label in enumerate(labels[: len(fields)])
               if label not in known and fields[i] not in present]
    renamed_to = {field for _, _, field in renamed}
    renamed_at = {i for i, _, _ in renamed}
    missing = [f for f in fields if f not in present and f not in renamed_to]
    extra = [label for i, label in enumerate(labels) if label not in known and i not in renamed_at]
    parts = []
    for i, label, field in renamed:
        parts.append(f"column {i + 1} has no name, expected {field!r}" if label == ""
                     else f"column {label!r} should be named {field!r}")
    if missing:
        parts.append(f"missing column(s): {', '.join(missing)}")
    if extra:
        unnamed = [str(i + 1) for i, label in enumerate(labels) if label == "" and i not in renamed_at]
        named = [repr(label) for label in extra if label != ""]
        if named:
            parts.append(f"unexpected column(s): {', '.join(named)}")
        if unnamed:
            parts.append(f"column(s) without a name: {', '.join(unnamed)}")
    dupes = sorted({label for label in labels if label and labels.count(label) > 1})
    if dupes:
        parts.append(f"duplicate column(s): {', '.join(dupes)}")
    if not parts:
        parts.append(f"columns out of order: expected {', '.join(fields)}")
    return Problem(file, 1, None, "; ".join(parts))


def _type_message(field, cell: str) -> str:
    hint = " (use a decimal point, not a comma)" if field.type in ("number", "integer") and "," in cell else ""
    return f"{cell!r} is not a valid {field.type}{hint}"


def _constraint_message(field, cell: str) -> str:
    """Which constraint of *field* the cell breaks, found by testing the cell against them."""
    _, broken = field.read_cell(cell)
    broken = broken or {}
    c = field.constraints
    if "required" in broken:
        return "required value is empty"
    if "enum" in broken:
        return f"{cell!r} is not one of the allowed values ({', '.join(map(str, c['enum']))})"
    low = c.get("minimum", c.get("exclusiveMinimum"))
    high = c.get("maximum", c.get("exclusiveMaximum"))
    if broken.keys() & {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}:
        if low is not None and high is not None:
            return f"{cell!r} is out of range: must lie in {low}-{high}"
        bound = f"at least {low}" if low is not None else f"at most {high}"
        return f"{cell!r} is out of range: must be {bound}"
    if "pattern" in broken:
        return f"{cell!r} does not have the required form ({c['pattern']})"
    if "minLength" in broken:
        return f"{cell!r} is shorter than {c['minLength']} characters"
    if "maxLength" in broken:
        return f"{cell!r} is longer than {c['maxLength']} characters"
    return f"{cell!r} breaks the column's constraints ({', '.join(sorted(broken)) or 'unknown'})"


def _codes(data_dir: Path, resource: str, field: str) -> list[str]:
    """The codes of a vocabulary, in file order."""
    path = data_dir / resource_descriptor(resource, data_dir)["path"]
    with open(path, newline="", encoding="utf-8") as fh:
        return [row[field] for row in csv.DictReader(fh)]


def _foreign_key_message(err, data_dir: Path) -> str:
    cells, target, target_fields = list(err.field_cells), err.reference_name, list(err.reference_field_names)
    if _is_vocabulary(target) and len(cells) == 1:
        allowed = ", ".join(_codes(data_dir, target, target_fields[0]))
        return f"{cells[0]!r} is not one of the allowed values ({allowed})"
    value = repr(cells[0]) if len(cells) == 1 else f"({', '.join(cells)})"
    target_file = resource_descriptor(target, data_dir)["path"]
    return f"unknown reference: {value} not found in {target_file} ({', '.join(target_fields)})"


def _key(schema, key: list[str], header: list[str], row: list[str]) -> tuple:
    """The row's value of the columns *key*, typed as the schema reads it."""
    cells = [row[header.index(k)] if header.index(k) < len(row) else "" for k in key]
    return tuple(schema.get_field(k).read_cell(cell)[0] for k, cell in zip(key, cells))


def _first_line(schema, key: list[str], parsed: _Parsed, row_number: int) -> int | None:
    """The first line whose value of the columns *key* is that of record *row_number*."""
    header = parsed.rows[0]
    value = _key(schema, key, header, parsed.rows[row_number - 1])
    for row, line in zip(parsed.rows[1:row_number - 1], parsed.lines[1:row_number - 1]):
        if _key(schema, key, header, row) == value:
            return line
    return None


def _row_problems(file: str, errors: list, schema, parsed: _Parsed, data_dir: Path) -> list[Problem]:
    key = list(schema.primary_key)
    by_row: dict[int, list] = defaultdict(list)
    for err in errors:
        by_row[err.row_number].append(err)
    problems = []
    for row_number, errs in sorted(by_row.items(), key=lambda item: item[0] or 0):
        line = parsed.lines[row_number - 1] if row_number and row_number <= len(parsed.lines) else row_number
        kinds = {err.type for err in errs}
        if "blank-row" in kinds:
            problems.append(Problem(file, line, None, "blank line"))
            continue
        if kinds & {"missing-cell", "extra-cell"}:  # the other errors of the row follow from this one
            n = len(errs[0].cells)
            problems.append(Problem(file, line, None, f"{n} value{'s' if n != 1 else ''}, but the header has "
                                    f"{len(schema.fields)} columns"))
            continue
        bad_cells = {err.field_name for err in errs if err.type in ("type-error", "constraint-error")}
        for err in errs:
            if err.type == "type-error":
                problems.append(Problem(file, line, err.field_name,
                                        _type_message(schema.get_field(err.field_name), err.cell)))
            elif err.type == "constraint-error":
                problems.append(Problem(file, line, err.field_name,
                                        _constraint_message(schema.get_field(err.field_name), err.cell)))
            elif err.type == "primary-key":
                if bad_cells & set(key):
                    continue  # a key cell itself is wrong, and reported as such
                if all(v is None for v in _key(schema, key, parsed.rows[0], parsed.rows[row_number - 1])):
                    message = "the key is empty"
                else:
                    first = _first_line(schema, key, parsed, row_number)
                    message = "duplicate key" + (f": the same as in line {first}" if first else "")
                problems.append(Problem(file, line, ", ".join(key), message))
            elif err.type == "unique-error":
                first = _first_line(schema, [err.field_name], parsed, row_number)
                problems.append(Problem(file, line, err.field_name,
                                        f"{err.cell!r} is already in line {first}; the column's values are unique"))
            elif err.type == "foreign-key":
                if bad_cells & set(err.field_names):
                    continue  # the cell itself is wrong, and reported as such
                problems.append(Problem(file, line, ", ".join(err.field_names), _foreign_key_message(err, data_dir)))
            else:
                field = getattr(err, "field_name", None) or None
                problems.append(Problem(file, line, field, f"{err.title}: {err.note}" if err.note else err.title))
    return problems


def _check(path: Path, name: str, data_dir: Path,
           skip: frozenset[str] = frozenset()) -> tuple[list[Problem], _Parsed | None]:
    """Every problem of one file on its own and against the resources it refers to (except those in
    *skip*), and its parsed records."""
    import frictionless

    file = str(path)
    if not path.is_file():
        return [Problem(file, None, None, "file not found")], None
    raw = path.read_bytes()
    problems = []
    if raw.startswith(codecs.BOM_UTF8):  # Frictionless reads past it silently; spreadsheets may not
        problems.append(Problem(file, 1, None, "starts with a byte-order mark (BOM); save as UTF-8 without BOM"))
    errors = _frictionless_errors(path, name, data_dir, skip)
    if any(err.type == "encoding-error" for err in errors):
        return [*problems, _not_utf8(file, raw)], None
    try:
        parsed = _parse(raw.decode("utf-8-sig"))
    except _Unparseable as exc:
        return [*problems, Problem(file, exc.line, None, f"cannot be parsed as CSV from this line on ({exc.reason}); "
                                   "is a quote not closed?")], None
    desc = resource_descriptor(name, data_dir)
    header = [err for err in errors if isinstance(err, frictionless.errors.HeaderError)]
    if header:  # the rows cannot be read reliably
        fields = [f["name"] for f in desc["schema"]["fields"]]
        return [*problems, _header_problem(file, list(header[0].labels), fields)], None
    rows = [err for err in errors if isinstance(err, frictionless.errors.RowError)]
    for err in errors:
        if not isinstance(err, frictionless.errors.RowError):  # the file cannot be read at all
            return [*problems, Problem(file, None, None, f"{err.title}: {err.note}" if err.note else err.title)], None
    schema = frictionless.Schema.from_descriptor(desc["schema"])
    problems += _row_problems(file, rows, schema, parsed, data_dir)
    return problems, parsed


# --------------------------------------------------------------------------------------------------
# Reading


def _read(path: Path, name: str, data_dir: Path, skip: frozenset[str] = frozenset()) -> pd.DataFrame:
    """Validate one resource file and read it with the schema's types."""
    problems, parsed = _check(path, name, data_dir, skip)
    if problems:
        raise DataValidationError(problems)
    return _typed_frame(path, name, data_dir, parsed.lines[1:])


_PANDAS_TYPES = {"integer": "Int64", "number": "float64", "string": "string", "boolean": "boolean"}


def _typed_frame(path: Path, name: str, data_dir: Path, lines: list[int]) -> pd.DataFrame:
    fields = resource_descriptor(name, data_dir)["schema"]["fields"]
    dtypes = {f["name"]: _PANDAS_TYPES.get(f["type"], "string") for f in fields}
    df = pd.read_csv(path, dtype={k: ("string" if v != "float64" else v) for k, v in dtypes.items()},
                     keep_default_na=False, na_values={k: [""] for k in dtypes})
    for col, dtype in dtypes.items():
        if dtype == "float64":
            # Keep the precision the source printed ("2.0" has one decimal), which a float loses.
            raw = pd.read_csv(path, usecols=[col], dtype="string", keep_default_na=False)[col]
            df[f"{col}_decimals"] = raw.str.extract(r"\.(\d+)$", expand=False).str.len().fillna(0).astype("Int64")
        if dtype == "Int64":
            df[col] = pd.to_numeric(df[col]).astype("Int64")
        elif dtype == "string":
            df[col] = df[col].astype("string")
    df.attrs["path"] = str(path)
    # The file line of each row (a quoted cell may span lines).
    contiguous = lines == list(range(2, len(lines) + 2))
    df.index = pd.RangeIndex(2, len(lines) + 2, name="line") if contiguous else pd.Index(lines, name="line")
    return df


def _dir_and_path(path: str | Path | None, data_dir: str | Path | None, name: str) -> tuple[Path, Path]:
    data_dir = Path(data_dir) if data_dir else None
    if path is None:
        data_dir = data_dir or default_data_dir()
        path = data_dir / resource_descriptor(name, data_dir)["path"]
    path = Path(path)
    if data_dir is None:
        data_dir = path.parent if (path.parent / DESCRIPTOR).is_file() else default_data_dir()
    return data_dir.resolve(), path


# --------------------------------------------------------------------------------------------------
# Layer 2: rules across files

# An indicator's level is never in a unit of changes.
_CHANGE_UNITS = ("percent_per_year", "percentage_points")
_NON_NEGATIVE = ("count", "days", "nok_million", "nok_thousand", "rate_per_10000")


def _catalogue_problems(cat: pd.DataFrame, path: Path) -> list[Problem]:
    problems = []
    for line, row in cat.iterrows():
        if row["unit"] in _CHANGE_UNITS:
            problems.append(Problem(str(path), line, "unit", f"indicator {row['id']} has unit {row['unit']!r}, "
                                    "a unit of changes; an indicator's unit is that of its levels"))
        elif row["unit"] == "percent" and row["change"] not in ("points", "none"):
            problems.append(Problem(str(path), line, "change",
                                    f"indicator {row['id']} is a share (unit percent): its change is in 'points'"))
        elif row["unit"] != "percent" and row["change"] == "points":
            problems.append(Problem(str(path), line, "change",
                                    f"indicator {row['id']} has unit {row['unit']!r}: 'points' is only for percent"))
    return problems


def _observation_problems(obs: pd.DataFrame, catalogue: pd.DataFrame, path: Path) -> list[Problem]:
    units = catalogue.set_index("id")["unit"]
    unit = obs["id"].map(units)
    problems = []
    share_out = (unit == "percent") & ~obs["value"].between(0, 100)
    for line, row in obs[share_out].iterrows():
        problems.append(Problem(str(path), line, "value",
                                f"{row['value']:g} is a share of indicator {row['id']} and must lie in 0-100"))
    negative = unit.isin(_NON_NEGATIVE) & (obs["value"] < 0)
    for line, row in obs[negative].iterrows():
        problems.append(Problem(str(path), line, "value",
                                f"{row['value']:g} is negative, but indicator {row['id']} is a {unit[line]}"))
    retired = obs["id"].map(catalogue.set_index("id")["status"]) == "retired"
    for line, row in obs[retired].iterrows():
        problems.append(Problem(str(path), line, "id", f"indicator {row['id']} is retired and takes no observations"))
    return problems


def _sample_size_problems(sizes: pd.DataFrame, catalogue: pd.DataFrame, path: Path) -> list[Problem]:
    """A sample size belongs to a share: counts and money here are registers and budgets, not samples."""
    unit = sizes["id"].map(catalogue.set_index("id")["unit"])
    return [Problem(str(path), line, "id", f"indicator {row['id']} is not a share (unit {unit[line]}); "
                    "sample sizes are for shares") for line, row in sizes[unit != "percent"].iterrows()]


# --------------------------------------------------------------------------------------------------
# The revision log: revisions.csv against the files it corrects

# The fields of each file a reader relies on: a change to one of them after publication needs a row in
# revisions.csv (tests/test_revisions.py compares them with the last release). A whole-row revision
# (field "*") writes the row as these fields, "field=value; field=value". Files not listed use every
# column that is not part of the key.
PUBLISHED_FIELDS = {
    "indicators.csv": ("unit", "change", "direction", "status"),
    "observations.csv": ("value", "qualifier"),
    "reported_changes.csv": ("value", "unit", "qualifier"),
    "figures.csv": ("value", "unit", "qualifier"),
    "errata.csv": ("printed", "kind"),
    "published_changes.csv": ("printed",),
    "sample_sizes.csv": ("n", "qualifier"),
    "significance_statements.csv": ("period", "statement"),
    "survey2014.csv": ("value", "n"),
    "plan2007_goals.csv": ("status",),
}
WHOLE_ROW = "*"
LOG_FILES = ("revisions.csv", "releases.csv")


def key_text(names, values) -> str:
    """A row's primary key as the revision log writes it: ``id=10;year=2020;series=main``."""
    return ";".join(f"{n}={v}" for n, v in zip(names, values))


def parse_key(text: str, names) -> dict[str, str] | None:
    """``id=10;year=2020;series=main`` -> ``{"id": "10", ...}`` for the key columns *names*, in their
    order; None if the text does not name exactly those columns. A value may itself hold ";" (a
    figure's year ``2017;2020``): a part starts only where one of *names* is followed by "="."""
    import re

    names = list(names)
    pattern = "^" + ";".join(f"{re.escape(n)}=(.*)" for n in names) + "$"
    m = re.match(pattern, text, flags=re.S)
    return dict(zip(names, m.groups())) if m else None


def published_fields(file: str, header: list[str], key: list[str]) -> tuple[str, ...]:
    """The published fields of *file* (:data:`PUBLISHED_FIELDS`, else every non-key column)."""
    return PUBLISHED_FIELDS.get(file, tuple(c for c in header if c not in key))


def row_text(row: dict[str, str], fields) -> str:
    """A whole row as a revision writes it: ``value=386; qualifier=exact``."""
    return "; ".join(f"{f}={row.get(f, '')}" for f in fields)


@dataclass
class RawTable:
    """A data file as text: its header, primary key and rows by key (every cell as written)."""

    header: list[str]
    key: list[str]
    rows: dict[str, dict[str, str]]       # key_text -> column -> cell
    lines: dict[str, int]                 # key_text -> file line

    def value(self, key: str, field: str) -> str:
        """A cell as written, "" if the row does not exist."""
        return self.rows.get(key, {}).get(field, "")

    def whole_row(self, key: str, file: str) -> str:
        """The row as a whole-row revision writes it, "" if it does not exist."""
        row = self.rows.get(key)
        return "" if row is None else row_text(row, published_fields(file, self.header, self.key))


def raw_table(text: str, key: list[str]) -> RawTable:
    """Read a CSV text (a file of the package, now or at a release) as a :class:`RawTable`."""
    parsed = _parse(text.lstrip("\ufeff"))
    header = parsed.rows[0] if parsed.rows else []
    rows, lines = {}, {}
    for cells, line in zip(parsed.rows[1:], parsed.lines[1:]):
        row = dict(zip(header, cells))
        k = key_text(key, [row.get(c, "") for c in key])
        rows[k], lines[k] = row, line
    return RawTable(header, key, rows, lines)


def _revision_problems(log: pd.DataFrame, path: Path, data_dir: Path, broken: set[str]) -> list[Problem]:
    """Each row of the revision log names a file of the package, one of its columns (or * for the whole
    row) and a row by the file's primary key; its old_value is the new_value of the previous row for
    the same cell; and the last row for a cell holds what the file holds now."""
    file = str(path)
    resources = {r["path"]: r for r in _descriptor(data_dir)["resources"]}
    tables: dict[str, RawTable] = {}
    problems, last, checked = [], {}, []
    for line, r in log.iterrows():
        target, field, key = str(r["file"]), str(r["field"]), str(r["key"])
        old = "" if pd.isna(r["old_value"]) else str(r["old_value"])
        new = "" if pd.isna(r["new_value"]) else str(r["new_value"])
        res = resources.get(target)
        if res is None or target in LOG_FILES:
            known = ", ".join(p for p in resources if p not in LOG_FILES)
            problems.append(Problem(file, line, "file", f"{target!r} is not a file of the data package ({known})"))
            continue
        columns = [f["name"] for f in res["schema"]["fields"]]
        pk = list(res["schema"].get("primaryKey", []))
        if field != WHOLE_ROW and field not in columns:
            problems.append(Problem(file, line, "field", f"{field!r} is not a column of {target} "
                                    f"({', '.join(columns)}; or * for the whole row)"))
            continue
        if parse_key(key, pk) is None:
            form = ";".join(f"{n}=…" for n in pk)
            problems.append(Problem(file, line, "key", f"{key!r} does not name the primary key of {target}: "
                                    f"write {form}"))
            continue
        if old == new:
            problems.append(Problem(file, line, "new_value", f"old_value and new_value are the same ({new!r}): "
                                    "nothing changed"))
            continue
        if field == WHOLE_ROW and old and new:
            problems.append(Problem(file, line, "field", "a whole-row revision (*) adds a row (empty old_value) "
                                    "or removes one (empty new_value)"))
            continue
        cell = (target, key, field)
        if cell in last and last[cell][1] != old:
            prev_line, prev_new = last[cell]
            problems.append(Problem(file, line, "old_value", f"{old!r} is not the new_value of the earlier "
                                    f"revision of this cell in line {prev_line} ({prev_new!r})"))
        last[cell] = (line, new)
        checked.append(cell)
    for target, key, field in dict.fromkeys(checked):
        if resources[target]["name"] in broken:
            continue  # the file itself is wrong, and reported as such
        if target not in tables:
            pk = list(resources[target]["schema"].get("primaryKey", []))
            tables[target] = raw_table((data_dir / target).read_text(encoding="utf-8"), pk)
        table, (line, new) = tables[target], last[(target, key, field)]
        if field == WHOLE_ROW:
            now = table.whole_row(key, target)
            if not new and now:
                problems.append(Problem(file, line, "new_value", f"the row was removed, but {target} still has it "
                                        f"(line {table.lines[key]})"))
            elif new and not now:
                problems.append(Problem(file, line, "new_value", f"the row was added, but {target} has no row {key}"))
            elif new and new != now:
                problems.append(Problem(file, line, "new_value", f"{new!r} is not the row as {target} holds it now "
                                        f"({now!r})"))
            continue
        now = table.value(key, field)
        if key not in table.rows and new:
            problems.append(Problem(file, line, "new_value", f"{target} has no row {key}"))
        elif now != new:
            problems.append(Problem(file, line, "new_value", f"{new!r} is not what {target} holds now ({now!r}, "
                                    f"line {table.lines[key]})"))
    return problems


def load_catalogue(path: str | Path | None = None, *, data_dir: str | Path | None = None) -> pd.DataFrame:
    """The indicator catalogue (``indicators.csv``), validated, indexed by file line.

    Raises :class:`DataValidationError` listing every problem (file, line, column, what is wrong).
    """
    data_dir, path = _dir_and_path(path, data_dir, "indicators")
    cat = _read(path, "indicators", data_dir)
    problems = _catalogue_problems(cat, path)
    if problems:
        raise DataValidationError(problems)
    return cat


def load_observations(path: str | Path | None = None, *, data_dir: str | Path | None = None,
                      catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """The observations (``observations.csv``), validated against the catalogue, indexed by file line."""
    data_dir, path = _dir_and_path(path, data_dir, "observations")
    obs = _read(path, "observations", data_dir)
    if catalogue is None:
        catalogue = load_catalogue(data_dir=data_dir)
    problems = _observation_problems(obs, catalogue, path)
    if problems:
        raise DataValidationError(problems)
    return obs


def load_resource(name: str, *, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Any other resource of the package (``series``, ``areas``, ``labels_unit``, ...), validated."""
    data_dir, path = _dir_and_path(None, data_dir, name)
    return _read(path, name, data_dir)


# The rules across files, by resource: (the resources a rule needs, the rule).
_RULES = {
    "indicators": ((), lambda frame, frames, path: _catalogue_problems(frame, path)),
    "observations": (("indicators",),
                     lambda frame, frames, path: _observation_problems(frame, frames["indicators"], path)),
    "sample_sizes": (("indicators",),
                     lambda frame, frames, path: _sample_size_problems(frame, frames["indicators"], path)),
}


def validate(data_dir: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Validate the whole package; return every resource as a frame, or raise with all problems of all files.

    The resources others refer to are read first (:func:`reading_order`). A file that refers to a
    broken one is checked without that foreign key, and rules that need a broken file are skipped,
    so that each problem is reported once, against the file it is in.
    """
    data_dir = Path(data_dir or default_data_dir()).resolve()
    _descriptor.cache_clear()
    frames: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    broken: set[str] = set()
    for name in reading_order(data_dir):
        res = resource_descriptor(name, data_dir)
        path = data_dir / res["path"]
        try:
            frame = _read(path, name, data_dir, frozenset(_references(res) & broken))
            needs, rule = _RULES.get(name, ((), None))
            if rule is not None and all(n in frames for n in needs):
                found = rule(frame, frames, path)
                if found:
                    raise DataValidationError(found)
            frames[name] = frame
        except DataValidationError as exc:
            problems += exc.problems
            broken.add(name)
    if "revisions" in frames:
        res = resource_descriptor("revisions", data_dir)
        found = _revision_problems(frames["revisions"], data_dir / res["path"], data_dir, broken)
        if found:
            problems += found
            del frames["revisions"]
    if problems:
        raise DataValidationError(problems)
    return frames


def _load_valid(data_dir: Path) -> dict[str, pd.DataFrame]:
    """The frames :func:`validate` returns, read without checking anything: only for a package whose
    validation key (:func:`evalkit.keys.validation_key`) was found valid (:func:`trust`)."""
    _descriptor.cache_clear()
    frames = {}
    for name in reading_order(data_dir):
        path = data_dir / resource_descriptor(name, data_dir)["path"]
        frames[name] = _typed_frame(path, name, data_dir, _parse(path.read_bytes().decode("utf-8-sig")).lines[1:])
    return frames


_VALIDATED: dict[tuple[Path, str], dict[str, pd.DataFrame]] = {}
_TRUSTED: set[str] = set()  # validation keys found valid by the build that runs this kernel


def trust(validation_key: str) -> None:
    """Say that a package with this validation key is valid (the build validated it, or found its last
    valid build's record): :func:`validated` then reads such a package without validating it again.
    The key covers the package's bytes, the evalkit code and the packages' versions, so a package that
    differs in any of them is still validated."""
    if validation_key:
        _TRUSTED.add(validation_key)


def validated(data_dir: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """:func:`validate`, once per content of the package in this process: a warm kernel that executes
    one notebook after another validates the same bytes once, and each caller gets its own copies of
    the frames (a chapter that changes a frame cannot change the next chapter's data). The key is a
    hash of the files' bytes, so an edited package is validated again. A package the build has
    validated (:func:`trust`) is read without validating it a second time."""
    from .keys import tree_digest, validation_key

    data_dir = Path(data_dir or default_data_dir()).resolve()
    key = (data_dir, tree_digest([data_dir], data_dir))
    if key not in _VALIDATED:
        _VALIDATED.clear()
        trusted = bool(_TRUSTED) and validation_key(data_dir) in _TRUSTED
        _VALIDATED[key] = _load_valid(data_dir) if trusted else validate(data_dir)
    return {name: frame.copy() for name, frame in _VALIDATED[key].items()}


def main(argv: list[str]) -> int:
    """``python -m evalkit.data DATA_DIR``: validate the package and print the outcome as one JSON
    object, ``{"counts": {resource: rows}}`` or ``{"problems": [[file, line, column, message], ...]}``
    (exit 1). The build validates in such a process, so that its own stays free of pandas and
    frictionless while the kernels run (:func:`evalkit.build.validate_data`)."""
    try:
        frames = validate(Path(argv[0]))
    except DataValidationError as exc:
        json.dump({"problems": [[p.file, p.line, p.column, p.message] for p in exc.problems]}, sys.stdout)
        return 1
    json.dump({"counts": {name: len(frame) for name, frame in frames.items()}}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
