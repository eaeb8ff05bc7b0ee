"""The change columns of the third status report (Fafo 2019, tables 5.1-11.1), recomputed by evalkit from
the printed levels, must equal the printed ones at the printed precision, except where errata.csv says
why not."""

import pytest

from evalkit import validate
from evalkit.tables import check_published_changes

FRAMES = validate()
CHECK = check_published_changes(FRAMES)


def _cases():
    for r in CHECK.itertuples():
        marks = [pytest.mark.xfail(strict=True, reason=r.erratum)] if r.erratum else []
        yield pytest.param(r.Index, id=f"{r.id}:{r.period}", marks=marks)


@pytest.mark.parametrize("row", list(_cases()))
def test_printed_change_is_reproduced(row):
    r = CHECK.loc[row]
    assert r["matches"], f"indicator {r['id']} {r['period']}: printed {r['printed']!r}, computed {r['computed']:.4f}"


def test_every_active_indicator_has_its_printed_columns():
    active = FRAMES["indicators"].query("status == 'active'")["id"]
    counts = FRAMES["published_changes"].groupby("id").size()
    assert set(active) == set(counts.index)
    assert (counts == 3).all()


def test_counts():
    # 255 printed cells: 249 reproduced, 6 explained in errata.csv
    assert len(CHECK) == 255
    assert CHECK["matches"].sum() == 249
    assert set(CHECK.loc[~CHECK["matches"], "erratum"].astype(bool)) == {True}


def test_errata_are_needed():
    """Every change-column erratum refers to a printed cell that exists (no stale entries)."""
    printed = {(int(r.id), f"change {r.period}") for r in FRAMES["published_changes"].itertuples()}
    for r in FRAMES["errata"].itertuples():
        if r.what.startswith("change "):
            assert (int(r.id), r.what) in printed, r
