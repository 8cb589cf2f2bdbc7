"""The numbers not whole a CHECK over an integer column names are probed where a side keeps them
(stranger68 018): SQLite's INTEGER stores 99.5 as a REAL, PostgreSQL's integer rounds it to 100.

``kept_fractions.values`` on its own, then the probe rows of the golden cases on real scratch
databases (each dialect pair the cases hold): 99.5 and its neighbours are probed where a SQLite
CHECK names 99.5, none where only PostgreSQL's does (its integer never holds it), and the real
databases do what the witness says.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from probes import Loader, case_named, compared_sides
from support.dbpool import DatabasePool
from support.stored import stored_on_postgresql, stored_on_sqlite

from twinschema.evaluate import kept_fractions
from twinschema.evaluate.context import StageContext
from twinschema.evaluate.probe_sets import probe_rows


@pytest.mark.parametrize(
    ("kind", "sides", "expected"),
    [
        ("integer", [("sqlite", [Decimal("1"), Decimal("99.5")])], [99.5, 99.4, 99.6]),
        ("bigint", [("sqlite", [Decimal("0.25")])], [0.25, 0.24, 0.26]),
        # 99.9's neighbour 100.0 is whole: an integer, probed already.
        ("integer", [("sqlite", [Decimal("99.9")])], [99.9, 99.8]),
        # PostgreSQL's integer never holds 99.5; a text column is no integer column.
        ("integer", [("postgresql", [Decimal("99.5")])], []),
        ("text", [("sqlite", [Decimal("99.5")])], []),
        ("integer", [("sqlite", [Decimal("99"), Decimal("Infinity")])], []),
    ],
)
def test_values_are_the_literals_not_whole_a_keeping_side_names(
    kind: str, sides: list[tuple[str, list[Decimal]]], expected: list[float]
) -> None:
    assert kept_fractions.values(kind, sides) == expected


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_each_database_does_what_the_witness_says(pg_databases: DatabasePool, dialect: str) -> None:
    """99.5 into an integer column with CHECK (x BETWEEN 1 AND 99): both refuse it (SQLite
    keeps 99.5, PostgreSQL rounds it to 100); with AND 99.5, SQLite stores 99.5 and PostgreSQL
    still refuses the 100 it makes of it: what the witness of the golden case says."""
    got = {}
    for bound in ("99", "99.5"):
        ddl = f"CREATE TABLE t (x integer, CHECK (x BETWEEN 1 AND {bound}))"
        insert = "INSERT INTO t (x) VALUES (99.5)"
        if dialect == "sqlite":
            read = "SELECT x, typeof(x) FROM t"
            got[bound] = stored_on_sqlite(":memory:", insert, ddl=ddl, read=read).read
            continue
        with pg_databases.database() as url:
            got[bound] = stored_on_postgresql(url, insert, ddl=ddl, read="SELECT x FROM t").read
    assert got == {"99": None, "99.5": (99.5, "real") if dialect == "sqlite" else None}


@pytest.mark.parametrize(
    ("name", "fractions"),
    [
        ("sl-pg.check-int-fraction-bound", {99.4, 99.5, 99.6}),
        ("sl-pg.check-int-fraction-bound-near-miss", set()),
        ("sl-pg.check-int-fraction-bound-sqlite-near-miss", {0.4, 0.5, 0.6}),
    ],
)
def test_the_probe_rows_hold_them(loader: Loader, name: str, fractions: set[float]) -> None:
    comparison, (left, right) = compared_sides(loader, case_named(name))
    st = StageContext(comparison, left, right, loader.evaluator)
    (lt,) = left.schema.tables.values()
    (rt,) = right.schema.tables.values()
    ltext, rtext = (t.checks[0].raw or t.checks[0].expression for t in (lt, rt))
    found = probe_rows(st, "t", ltext, rtext, counted=False)
    assert found is not None
    held = {v for (v,) in found.rows if isinstance(v, float) and not v.is_integer()}
    assert {v for v in held if abs(v) < 1000} == fractions
