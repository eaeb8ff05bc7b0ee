"""The change columns of the third status report (Fafo 2019, tables 5.1-11.1), recomputed by evalkit from
the printed levels, must equal the printed ones at the printed precision, except where errata.csv says
why not."""

import math

import pandas as pd
import pytest

from evalkit import all_tables, fmt, validate

FRAMES = validate()
PUBLISHED = FRAMES["published_changes"]
ERRATA = FRAMES["errata"]
TABLES = all_tables(FRAMES["indicators"], FRAMES["observations"], as_of=2018, base=2016)
CHANGES = pd.concat([t.changes for t in TABLES.values()]).set_index(["id", "period"])
RULES = FRAMES["indicators"].set_index("id")["change"]
ERRATUM = {(int(r.id), r.what) for r in ERRATA.itertuples()}


def _cases():
    for r in PUBLISHED.itertuples():
        key = (int(r.id), r.period)
        marks = [pytest.mark.xfail(strict=True, reason="listed in errata.csv")] if (
            key[0], f"change {r.period}") in ERRATUM else []
        yield pytest.param(key[0], r.period, r.printed if isinstance(r.printed, str) else "",
                           id=f"{key[0]}:{r.period}", marks=marks)


@pytest.mark.parametrize("ident, period, printed", list(_cases()))
def test_printed_change_is_reproduced(ident, period, printed):
    computed = CHANGES.loc[(ident, period.replace("-", "–")), "delta"]
    parsed = fmt.parse(printed)
    if parsed is None:
        assert math.isnan(computed), f"printed {printed!r} but evalkit computes {computed}"
        return
    value, decimals = parsed
    assert float(fmt.round_half_up(computed, decimals)) == value, f"printed {printed!r}, computed {computed:.4f}"
    unit = "points" if "poeng" in printed else "relative"
    assert RULES[ident] == unit, f"printed {printed!r} is in {unit}, the catalogue says {RULES[ident]}"


def test_every_active_indicator_has_its_printed_columns():
    active = FRAMES["indicators"].query("status == 'active'")["id"]
    counts = PUBLISHED.groupby("id").size()
    assert set(active) == set(counts.index)
    assert (counts == 3).all()


def test_errata_are_needed():
    """Every change-column erratum refers to a printed cell that exists (no stale entries)."""
    printed = {(int(r.id), f"change {r.period}") for r in PUBLISHED.itertuples()}
    for r in ERRATA.itertuples():
        if r.what.startswith("change "):
            assert (int(r.id), r.what) in printed, r
