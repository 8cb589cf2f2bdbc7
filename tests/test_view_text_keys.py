"""A text key's length does not decide a view's verdict (stranger82 001).

``last_service < strftime(..., 'now', '-30 days')`` (SQLite, text) against ``last_service <
now() - interval '30 days'`` (PostgreSQL, timestamptz) part on a bike serviced late on the day
30 days ago. The view merely selects the UNIQUE ``serial``: as text on PostgreSQL the views
were parted, as varchar(N) (N up to 36) its few fitting probe texts were spent by the diagonal
rows, the rows of moments near now got no serial of their own, and the views were "the same
rows on 22 probe rows". The golden cases ``sl-pg.view-answers-now-*serial*`` pin the verdicts
with a measured row; here every length, on both real databases, and the rows themselves.
"""

from __future__ import annotations

import pytest
from probes import Loader, compare_texts

from twinschema.evaluate import view_now, view_probes, view_text_keys
from twinschema.sources import make_canonical

DIALECTS = ("sqlite", "postgresql")
LITE = (
    "CREATE TABLE bikes (id TEXT NOT NULL PRIMARY KEY, serial TEXT NOT NULL UNIQUE, "
    "battery INTEGER NOT NULL, status TEXT NOT NULL, last_service TEXT{pin});\n"
    "CREATE VIEW due AS SELECT id, serial, battery FROM bikes WHERE status <> 'retired' AND "
    "(last_service IS NULL OR last_service < strftime('{form}', 'now', '-30 days') "
    "OR battery < 20);\n"
)
PG = (
    "CREATE TABLE bikes (id uuid PRIMARY KEY, serial {serial} NOT NULL UNIQUE, battery integer "
    "NOT NULL, status text NOT NULL, last_service timestamptz{scale});\n"
    "CREATE VIEW due AS SELECT id, serial, battery FROM bikes WHERE status <> 'retired' AND "
    "(last_service IS NULL OR last_service < {now} - interval '30 days' OR battery < 20);\n"
)
PIN = (
    " CHECK (last_service IS strftime('%Y-%m-%dT%H:%M:%SZ', last_service, '+0 days') "
    "AND last_service >= '0001-01-01')"
)


# A CHECK of the serial on both sides, which texts 'k1', 'k2' do not meet: the key texts are
# shaped to its pattern, or its length.
SHAPES = {"": "", "like": " CHECK (serial LIKE 'B-%')", "length": " CHECK (length(serial) = 8)"}


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("serial", ["varchar(10)", "varchar(20)", "varchar(36)", "text"])
def test_the_views_part_whatever_the_serial_length(loader: Loader, serial: str, shape: str) -> None:
    """The difference on every length, also where a CHECK shapes the serial, its witness a
    moment near now 30 days ago."""
    found = compare_texts(
        loader,
        DIALECTS,
        LITE.format(pin="", form="%Y-%m-%dT%H:%M:%fZ").replace("UNIQUE", "UNIQUE" + SHAPES[shape]),
        PG.format(serial=serial, scale="", now="now()").replace("UNIQUE", "UNIQUE" + SHAPES[shape]),
    )
    views = [d for d in found.differences if d.kind == "view"]
    assert len(views) == 1, (found.differences, found.equivalences)
    assert "now - 30 days" in views[0].message, views[0].message
    assert "PostgreSQL returns no row" in views[0].message, views[0].message


def test_the_pinned_twin_on_varchar_20_stays_the_same_rows(loader: Loader) -> None:
    """The near miss: the moment pinned to one text form, compared with now in that form,
    against the instant to the second: the rows near now are made and part nothing."""
    found = compare_texts(
        loader,
        DIALECTS,
        LITE.format(pin=PIN, form="%Y-%m-%dT%H:%M:%SZ"),
        PG.format(serial="varchar(20)", scale="(0)", now="date_trunc('second', now())"),
    )
    assert not [d for d in found.differences if d.kind == "view"], found.differences
    assert any("view answers: the same rows" in e.rule for e in found.equivalences)


def test_each_moment_near_now_gets_a_row_with_a_serial_of_its_own(loader: Loader) -> None:
    """The rows themselves: of the serial's probe values, those a varchar(20) takes (as
    ``view_fits`` keeps them) and the key texts beyond them give every moment near now a row
    and no serial twice; the near miss, its own probe texts alone, repeats serials, and the
    rows a UNIQUE serial keeps (each serial's first) miss moments near now."""
    lite = LITE.format(pin="", form="%Y-%m-%dT%H:%M:%fZ")
    pg = PG.format(serial="varchar(20)", scale="", now="now()")
    with loader.load("sqlite", lite) as ha, loader.load("postgresql", pg) as hb:
        lt = make_canonical(loader.schema("sqlite", ha, "a.sql"), None).tables["bikes"]
        rt = make_canonical(loader.schema("postgresql", hb, "b.sql"), None).tables["bikes"]
    columns = [c.name for c in lt.columns]
    read = [True] * len(columns)
    values = view_probes.candidates(lt, rt, columns, lite + pg, read)
    at, moment = columns.index("serial"), columns.index("last_service")
    values[at] = [v for v in values[at] if len(v) <= 20]
    keys = view_probes.keys_of(lt, rt, columns)
    assert at in keys
    moments = {v for v in values[moment] if isinstance(v, view_now.NowMoment)}
    assert moments
    rows = view_probes.crossed(values, keys, read)
    assert moments <= {r[moment] for r in rows}
    assert len({r[at] for r in rows}) == len(rows)
    keyed = view_text_keys.key_texts((), (), 3 * view_probes.ROWS)
    values[at] = [v for v in values[at] if v not in keyed]
    spent = view_probes.crossed(values, keys, read)
    taken = {r[at]: r for r in reversed(spent)}.values()  # the UNIQUE keeps each first
    assert not moments <= {r[moment] for r in taken}
