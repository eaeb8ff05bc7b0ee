"""Validation never crashes: every mangled copy of the real data package gives either success or
problems that each name a file (and, where there is one, the line), never a traceback or a hang.

Hypothesis mutates one file of the package per case: flipped or inserted bytes, cut, repeated or
swapped lines, an unbalanced quote, a changed header, an odd value in a cell. `make test` runs thirty
cases (FUZZ_EXAMPLES, default 30: about 2 s each); `make fuzz` runs thousands.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalkit.data import DataValidationError, validate

from .conftest import DATA

FILES = sorted(p.name for p in DATA.glob("*.csv"))
ODD = ["", " ", '"', '""', "'", ",", ";", "\t", "-1", "1e309", "NaN", "nan", "∞", "0x10", "1,5", "١٢", "\x00",
       "\ufeff", "=HYPERLINK(\"x\")", "ø" * 300, "99999999999999999999", "2016-2017", "null", "True", "\\N"]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))


@st.composite
def mutation(draw):
    name = draw(st.sampled_from(FILES))
    kind = draw(st.sampled_from(["flip", "insert", "cut_line", "repeat_line", "swap_lines", "quote", "header",
                                 "cell", "truncate", "delete_column"]))
    return name, kind, draw(st.integers(0, 2**31)), draw(st.sampled_from(ODD)), draw(st.integers(0, 255))


def mangle(path: Path, kind: str, seed: int, odd: str, byte: int) -> None:
    raw = path.read_bytes()
    lines = raw.split(b"\n")
    at = seed % max(len(raw), 1)
    row = seed % max(len(lines), 1)
    if kind == "flip":
        raw = raw[:at] + bytes([raw[at] ^ (1 << (byte % 8))]) + raw[at + 1:] if raw else raw
    elif kind == "insert":
        raw = raw[:at] + bytes([byte]) + raw[at:]
    elif kind == "truncate":
        raw = raw[:at]
    else:
        if kind == "cut_line":
            del lines[row]
        elif kind == "repeat_line":
            lines.insert(row, lines[row])
        elif kind == "swap_lines":
            other = (seed // 7) % len(lines)
            lines[row], lines[other] = lines[other], lines[row]
        elif kind == "quote":
            lines[row] = lines[row] + b'"' if seed % 2 else b'"' + lines[row]
        elif kind == "header":
            cells = lines[0].split(b",")
            cells[seed % len(cells)] = odd.encode("utf-8", "surrogatepass")
            lines[0] = b",".join(cells)
        elif kind in ("cell", "delete_column"):
            cells = lines[row].split(b",")
            col = (seed // 3) % len(cells)
            if kind == "cell":
                cells[col] = odd.encode("utf-8", "surrogatepass")
            else:
                del cells[col]
            lines[row] = b",".join(cells)
        raw = b"\n".join(lines)
    path.write_bytes(raw)


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(mutation())
def test_validation_never_crashes(package, case):
    name, kind, seed, odd, byte = case
    data = package / "data"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(DATA, data)
    mangle(data / name, kind, seed, odd, byte)
    try:
        validate(data)
    except DataValidationError as exc:
        assert exc.problems, case
        for p in exc.problems:
            assert p.file.endswith(".csv") or p.file.endswith(".json"), (case, str(p))
            assert p.message and "Traceback" not in p.message, (case, str(p))


def test_the_command_line_says_which_line_not_a_traceback(tmp_path):
    """The crash the fault trial found: an unbalanced quote in errata.csv."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    lines = (data / "errata.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = lines[5].replace(",", ',"', 1)
    (data / "errata.csv").write_text("".join(lines), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "evalkit.cli", "validate", "--data", str(data)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "errata.csv:6:" in proc.stderr, proc.stderr
