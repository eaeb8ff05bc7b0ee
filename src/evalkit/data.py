"""Loading and validating the data package in ``data/``.

The schema of every file lives in one place, ``data/datapackage.json`` (a Frictionless Data Package).
Validation runs in three layers, and every problem found is reported at once, each naming the file,
the line, the column and what is wrong:

1. the file itself: UTF-8 without BOM, a header with exactly the columns the schema declares;
2. cells and rows, by Frictionless: types, required fields, enums, ranges, primary and foreign keys;
3. rules across files that a Table Schema cannot express (a share must lie in 0-100 because the
   indicator's unit is ``percent``; a count may not be negative; a percent indicator changes in points).

Only when a file passes all three is it read into a typed :class:`pandas.DataFrame`.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

DESCRIPTOR = "datapackage.json"
_CODEC_BOM = "\ufeff"


def default_data_dir() -> Path:
    """The data directory: ``$EVALKIT_DATA`` if set, else ``data/`` of this source checkout."""
    env = os.environ.get("EVALKIT_DATA")
    if env:
        return Path(env)
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


def resource_descriptor(name: str, data_dir: Path | None = None) -> dict:
    """The descriptor of resource *name* (``indicators``, ``observations``, ...)."""
    data_dir = Path(data_dir or default_data_dir()).resolve()
    for res in _descriptor(data_dir)["resources"]:
        if res["name"] == name:
            return res
    raise KeyError(f"{data_dir / DESCRIPTOR}: no resource named {name!r}")


def enum(resource: str, field: str, data_dir: Path | None = None) -> list[str]:
    """The allowed values of an enum field, as declared in the descriptor."""
    for f in resource_descriptor(resource, data_dir)["schema"]["fields"]:
        if f["name"] == field:
            return list(f["constraints"]["enum"])
    raise KeyError(f"{resource}.{field} has no enum")


# --------------------------------------------------------------------------------------------------
# Layer 1: the file


def _check_file(path: Path, fields: list[str]) -> list[Problem]:
    name = str(path)
    if not path.is_file():
        return [Problem(name, None, None, "file not found")]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return [Problem(name, line, None, f"not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")]
    problems = []
    if text.startswith(_CODEC_BOM):
        problems.append(Problem(name, 1, None, "starts with a byte-order mark (BOM); save as UTF-8 without BOM"))
        text = text[1:]
    try:
        header = next(csv.reader(io.StringIO(text)), [])
    except csv.Error as exc:
        return [*problems, Problem(name, 1, None, f"cannot read the header: {exc}")]
    missing = [f for f in fields if f not in header]
    extra = [h for h in header if h not in fields]
    if missing:
        problems.append(Problem(name, 1, None, f"missing column(s): {', '.join(missing)}"))
    if extra:
        problems.append(Problem(name, 1, None, f"unexpected column(s): {', '.join(repr(e) for e in extra)}"))
    if not missing and not extra and header != fields:
        problems.append(Problem(name, 1, None, f"columns out of order: expected {', '.join(fields)}"))
    dupes = {h for h in header if header.count(h) > 1}
    if dupes:
        problems.append(Problem(name, 1, None, f"duplicate column(s): {', '.join(sorted(dupes))}"))
    return problems


# --------------------------------------------------------------------------------------------------
# Layer 2: cells and rows (Frictionless)


def _describe(err) -> str:
    cell = getattr(err, "cell", None)
    kind = err.type
    if kind == "type-error":
        # the note reads 'type is "number/default"'
        field_type = err.note.split('"')[1].split("/")[0] if '"' in (err.note or "") else "value"
        hint = ""
        if field_type in {"number", "integer"} and cell and "," in cell:
            hint = " (use a decimal point, not a comma)"
        return f"{cell!r} is not a valid {field_type}{hint}"
    if kind == "constraint-error":
        note = err.note
        if 'constraint "required"' in note:
            return "required value is empty"
        if 'constraint "enum"' in note:
            return f"{cell!r} is not one of the allowed values ({note.split(' is ', 1)[1]})"
        if 'constraint "minimum"' in note or 'constraint "maximum"' in note:
            return f"{cell!r} is out of range: {note}"
        return f"{cell!r} breaks {note}"
    if kind == "primary-key":
        return f"duplicate key: {err.note.replace('the row at position', 'line')}"
    if kind == "foreign-key":
        return f"unknown reference: {err.note}"
    if kind in {"extra-cell", "missing-cell"}:
        return err.message
    return f"{kind}: {err.note or err.message}"


def _frictionless_problems(path: Path, name: str, data_dir: Path, foreign_keys: bool = True) -> list[Problem]:
    import frictionless

    desc = dict(resource_descriptor(name, data_dir))
    if not foreign_keys:  # the referenced file is broken itself: check this file on its own
        desc["schema"] = {k: v for k, v in desc["schema"].items() if k != "foreignKeys"}
    desc["path"] = path.name
    # A resource validates against the catalogue/series it refers to; give it those files too.
    package_desc = {"resources": []}
    for res in _descriptor(data_dir)["resources"]:
        if res["name"] == name:
            package_desc["resources"].append(desc)
        else:
            package_desc["resources"].append(res)
    package = frictionless.Package.from_descriptor(package_desc, basepath=str(path.parent))
    resource = package.get_resource(name)
    if path.parent.resolve() != data_dir.resolve():
        # A file outside the data dir (a fixture, a user's draft): foreign keys resolve against data_dir.
        for res in package.resources:
            if res.name != name:
                res.path = str(data_dir / res.path)
    report = resource.validate()
    problems = []
    pk = desc["schema"].get("primaryKey", [])
    for task in report.tasks:
        for err in task.errors:
            line = getattr(err, "row_number", None)
            field = getattr(err, "field_name", None)
            if err.type == "primary-key":
                field = ",".join(pk)
            elif err.type == "foreign-key" and '"' in (err.note or ""):
                field = err.note.split('"')[1]  # 'for "id": values "999" not found ...'
            problems.append(Problem(str(path), line, field, _describe(err)))
    return problems


# --------------------------------------------------------------------------------------------------
# Reading


def _read(path: Path, name: str, data_dir: Path, foreign_keys: bool = True) -> pd.DataFrame:
    """Validate one resource file (layers 1 and 2) and read it with the schema's types."""
    fields = [f["name"] for f in resource_descriptor(name, data_dir)["schema"]["fields"]]
    problems = _check_file(path, fields)
    if problems:
        raise DataValidationError(problems)  # encoding, BOM or header: the rows cannot be read reliably
    problems += _frictionless_problems(path, name, data_dir, foreign_keys)
    if problems:
        raise DataValidationError(problems)
    return _typed_frame(path, name, data_dir)


_PANDAS_TYPES = {"integer": "Int64", "number": "float64", "string": "string", "boolean": "boolean"}


def _typed_frame(path: Path, name: str, data_dir: Path) -> pd.DataFrame:
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
    df.index = pd.RangeIndex(2, len(df) + 2, name="line")  # the file line of each row
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


def load_catalogue(path: str | Path | None = None, *, data_dir: str | Path | None = None) -> pd.DataFrame:
    """The indicator catalogue (``indicators.csv``), validated, indexed by file line.

    Raises :class:`DataValidationError` listing every problem (file, line, column, what is wrong).
    """
    data_dir, path = _dir_and_path(path, data_dir, "indicators")
    cat = _read(path, "indicators", data_dir)
    problems = []
    for line, row in cat.iterrows():
        if row["unit"] == "percent" and row["change"] not in ("points", "none"):
            problems.append(Problem(str(path), line, "change",
                                    f"indicator {row['id']} is a share (unit percent): its change is in 'points'"))
        if row["unit"] != "percent" and row["change"] == "points":
            problems.append(Problem(str(path), line, "change",
                                    f"indicator {row['id']} has unit {row['unit']!r}: 'points' is only for percent"))
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
    units = catalogue.set_index("id")["unit"]
    unit = obs["id"].map(units)
    problems = []
    share_out = (unit == "percent") & ~obs["value"].between(0, 100)
    for line, row in obs[share_out].iterrows():
        problems.append(Problem(str(path), line, "value",
                                f"{row['value']:g} is a share of indicator {row['id']} and must lie in 0-100"))
    negative = unit.isin(["count", "nok_million", "nok_thousand", "rate_per_10000"]) & (obs["value"] < 0)
    for line, row in obs[negative].iterrows():
        problems.append(Problem(str(path), line, "value",
                                f"{row['value']:g} is negative, but indicator {row['id']} is a {unit[line]}"))
    retired = obs["id"].map(catalogue.set_index("id")["status"]) == "retired"
    for line, row in obs[retired].iterrows():
        problems.append(Problem(str(path), line, "id", f"indicator {row['id']} is retired and takes no observations"))
    if problems:
        raise DataValidationError(problems)
    return obs


def load_resource(name: str, *, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Any other resource of the package (``series``, ``published_changes``, ``errata``, ...), validated."""
    data_dir, path = _dir_and_path(None, data_dir, name)
    return _read(path, name, data_dir)


def validate(data_dir: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Validate the whole package; return every resource as a frame, or raise with all problems of all files."""
    data_dir = Path(data_dir or default_data_dir()).resolve()
    _descriptor.cache_clear()
    frames: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    # The files others refer to come first; if one is broken, the others are checked without their
    # foreign keys, so that each problem is reported once, against the file it is in.
    for name in ("indicators", "series"):
        try:
            frames[name] = (load_catalogue(data_dir=data_dir) if name == "indicators"
                            else load_resource(name, data_dir=data_dir))
        except DataValidationError as exc:
            problems += exc.problems
    references_ok = {"indicators", "series"} <= frames.keys()
    for res in _descriptor(data_dir)["resources"]:
        name = res["name"]
        if name in ("indicators", "series"):
            continue
        try:
            if name == "observations" and references_ok:
                frames[name] = load_observations(data_dir=data_dir, catalogue=frames["indicators"])
            else:
                frames[name] = _read(data_dir / res["path"], name, data_dir, foreign_keys=references_ok)
        except DataValidationError as exc:
            problems += exc.problems
    if "sample_sizes" in frames and references_ok:
        problems += _sample_size_problems(frames["sample_sizes"], frames["indicators"],
                                          data_dir / resource_descriptor("sample_sizes", data_dir)["path"])
    if problems:
        raise DataValidationError(problems)
    return frames


def _sample_size_problems(sizes: pd.DataFrame, catalogue: pd.DataFrame, path: Path) -> list[Problem]:
    """A sample size belongs to a share: counts and money here are registers and budgets, not samples."""
    unit = sizes["id"].map(catalogue.set_index("id")["unit"])
    return [Problem(str(path), line, "id", f"indicator {row['id']} is not a share (unit {unit[line]}); "
                    "sample sizes are for shares") for line, row in sizes[unit != "percent"].iterrows()]
