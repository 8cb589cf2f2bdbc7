"""A PostgreSQL domain ``CHECK (VALUE IS NOT NULL)`` is the domain's NOT NULL (stranger68 016).

Run on PostgreSQL 16 first (asserted below on the real databases): such a domain refuses a NULL
value as a column's NOT NULL or ``CHECK (s IS NOT NULL)`` does, on PostgreSQL and on SQLite, but
stores the NULL of a subquery of its type that finds no row, which they refuse. So the one
difference is ``column_nullable``, said as for a NOT NULL domain ("NOT NULL by domain d ... the
NULL of a subquery"), never a type "no logical kind accepts both" or "NULL" on the domain's side;
with the column NOT NULL as well (near miss) both refuse that NULL: in sync. The other side is
SQLite or PostgreSQL, its NOT NULL spelled as such or as a CHECK.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url
from support.dbpool import DatabasePool

from twinschema.compare import Side, compare
from twinschema.dialects import ReflectOptions
from twinschema.sources import make_canonical, reflect_url

DOMAIN = "CREATE DOMAIN d AS integer CHECK (VALUE IS NOT NULL);"
VALUE = "INSERT INTO g (id, s) VALUES (1, NULL)"
SUBQUERY = "INSERT INTO g (id, s) VALUES (2, (SELECT s FROM g WHERE 1 = 0))"


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _pg(url: str, ddl: str) -> tuple[str, str]:
    """Load ``ddl``, try VALUE and SUBQUERY: each "stored" or "refused"; the table left empty."""
    got: list[str] = []
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        conn.execute(ddl.encode())
        for statement in (VALUE, SUBQUERY):
            try:
                conn.execute(statement.encode())
                got.append("stored")
            except psycopg.errors.IntegrityError:
                got.append("refused")
        conn.execute(b"DELETE FROM g")
    return got[0], got[1]


def _sqlite(path: Path, ddl: str) -> tuple[str, str]:
    """As ``_pg``, on a new SQLite file."""
    got: list[str] = []
    with sqlite3.connect(path) as conn:
        conn.executescript(ddl)
        for statement in (VALUE, SUBQUERY):
            try:
                conn.execute(statement)
                got.append("stored")
            except sqlite3.IntegrityError:
                got.append("refused")
        conn.execute("DELETE FROM g")
    conn.close()
    return got[0], got[1]


def _side(url: str, label: str) -> Side:
    return Side(make_canonical(reflect_url(url, ReflectOptions()), None), label, label)


@pytest.mark.parametrize("other", ["sqlite", "postgresql"])
@pytest.mark.parametrize("spelling", ["s INTEGER NOT NULL", "s INTEGER CHECK (s IS NOT NULL)"])
@pytest.mark.parametrize(
    ("column", "differs"),
    [("s d", True), ("s d NOT NULL", False)],
    ids=["domain only", "domain and column NOT NULL (near miss)"],
)
def test_a_domain_check_is_not_null_is_the_domains_not_null(
    pg_databases: DatabasePool, tmp_path: Path, other: str, spelling: str, column: str,
    differs: bool,
) -> None:  # fmt: skip
    plain = f"CREATE TABLE g (id integer, {spelling});"
    with pg_databases.database() as domain_url, pg_databases.database() as pg_url:
        # Both refuse a NULL value; the subquery's NULL passes the domain alone.
        assert _pg(domain_url, f"{DOMAIN} CREATE TABLE g (id integer, {column});") == (
            "refused",
            "stored" if differs else "refused",
        )
        if other == "sqlite":
            path = tmp_path / "g.db"
            assert _sqlite(path, plain) == ("refused", "refused")
            url = f"sqlite:///{path}"
        else:
            assert _pg(pg_url, plain) == ("refused", "refused")
            url = pg_url
        found = [
            d
            for d in compare(_side(url, "a"), _side(domain_url, "b"), layer="live").differences
            if d.column == "s" or d.kind == "check"
        ]
    if not differs:
        assert found == [], [d.message for d in found]
        return
    assert [d.kind for d in found] == ["column_nullable"], [d.message for d in found]
    assert found[0].message == (
        "g.s is NOT NULL in a, NOT NULL by domain d in b: the domain refuses a NULL value, but "
        "stores the NULL of a subquery of its type, which the column's NOT NULL refuses: "
        "UPDATE g SET s = (SELECT s FROM g WHERE false)"
    )
