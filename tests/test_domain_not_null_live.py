"""A PostgreSQL NOT NULL domain against a column's NOT NULL (stranger49 140/141).

Run on PostgreSQL 16 first: the domain refuses a NULL value and an omitted column, but the NULL
of a subquery of its type that finds no row is stored (``UPDATE d2 SET qty = (SELECT qty FROM
d2 WHERE false)``), which a column's NOT NULL refuses on PostgreSQL and on SQLite. So the
difference stands, named by that statement, and the domain's CHECK is the column's (no CHECK
difference); with the column NOT NULL as well (near miss) both refuse it: in sync.
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

COLUMN = "CREATE TABLE d2 (id integer PRIMARY KEY, qty integer NOT NULL CHECK (qty >= 0));"
DOMAIN = "CREATE DOMAIN nonneg AS integer NOT NULL CHECK (VALUE >= 0);"
WITNESS = "UPDATE d2 SET qty = (SELECT qty FROM d2 WHERE false)"


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _pg(url: str, ddl: str) -> str:
    """Load ``ddl`` and one row, run WITNESS: "stored NULL" or "refused"."""
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        conn.execute(ddl.encode())
        conn.execute("INSERT INTO d2 VALUES (1, 5)")
        try:
            conn.execute(WITNESS)
        except psycopg.errors.NotNullViolation:
            return "refused"
        stored = conn.execute("SELECT qty FROM d2").fetchone()
        conn.execute("UPDATE d2 SET qty = 5")  # the table as loaded, for the comparison
        return "stored NULL" if stored == (None,) else f"stored {stored}"


def _side(url: str, label: str) -> Side:
    return Side(make_canonical(reflect_url(url, ReflectOptions()), None), label, label)


@pytest.mark.parametrize(
    ("column", "verdict"),
    [("qty nonneg", "stored NULL"), ("qty nonneg NOT NULL", "refused")],
    ids=["domain only", "domain and column (near miss)"],
)
def test_a_not_null_domain_against_a_column_not_null(
    pg_databases: DatabasePool, tmp_path: Path, column: str, verdict: str
) -> None:
    domain_ddl = f"{DOMAIN} CREATE TABLE d2 (id integer PRIMARY KEY, {column});"
    with pg_databases.database() as a, pg_databases.database() as b:
        assert _pg(a, COLUMN) == "refused"
        assert _pg(b, domain_ddl) == verdict
        sqlite_path = tmp_path / "d.db"
        conn = sqlite3.connect(sqlite_path)
        conn.executescript(
            "CREATE TABLE d2 (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL CHECK (qty >= 0));"
            "INSERT INTO d2 VALUES (1, 5);"
        )
        with pytest.raises(sqlite3.IntegrityError, match="NOT NULL"):
            conn.execute(WITNESS)
        conn.close()
        domain_side = _side(b, "b")
        for other in (_side(a, "a"), _side(f"sqlite:///{sqlite_path}", "a")):
            found = [
                d
                for d in compare(other, domain_side, layer="live").differences
                if d.column == "qty" or d.kind == "check"
            ]  # SQLite's rowid id is told apart, as ever
            if verdict == "refused":
                assert found == []
                continue
            assert [d.kind for d in found] == ["column_nullable"], [d.message for d in found]
            assert found[0].message == (
                "d2.qty is NOT NULL in a, NOT NULL by domain nonneg in b: the domain refuses a "
                "NULL value, but stores the NULL of a subquery of its type, which the column's "
                f"NOT NULL refuses: {WITNESS}"
            )
