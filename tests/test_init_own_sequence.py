"""A key drawing from a sequence only it uses, made by hand without ``OWNED BY`` (``CREATE
SEQUENCE own_seq``; ``id integer PRIMARY KEY DEFAULT nextval('own_seq')``), through ``init``,
``check``, a later ``revision`` and ``migrate`` (s79mig 3).

On PostgreSQL 16: ``init --stamp`` writes the baseline's ``CREATE SEQUENCE own_seq`` before the
table, whose key keeps ``DEFAULT nextval('own_seq'::regclass)``; the module writes a plain
integer key (a serial of its own: one sequence only it uses, as the database has), and ``check``
is in sync, every layer. A database built from the chain has ``own_seq`` and gives a row that
omits its id 1, then 2; the module's ``create_all`` gives 1 then 2 too. A later revision (a
column added) leaves the key and its DEFAULT alone (no ``alter_column`` of id, whose downgrade
would set a DEFAULT the module never had, or whose upgrade would drop the one the database
draws from), and after ``migrate`` the live key goes on drawing from ``own_seq``. Its upgrade,
downgrade and upgrade again run on a database built from the chain. Near miss: a key drawing
from another table's sequence (``tests/test_init_shared_sequence.py``) is no plain key: the
module names the sequence, and ``check`` reports the shared sequence against SQLite's rowids;
and here, ``own_seq INCREMENT BY 10``: the module names it with its increment
(``sa.Sequence('own_seq', increment=10)``), and ``check`` reports it against SQLite's rowids
(1, 11 against 1, 2), between the modules and between the databases, never a module against its
own database."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from support import testing
from support.dbpool import DatabasePool
from test_init_project import (
    add_column_after,
    adopt,
    check,
    migrate_both,
    migrate_fresh,
    replace_in,
    revised,
    rows_of,
    written,
)
from test_init_unique_nulls import _module_metadata

SQLITE = ["CREATE TABLE ticket (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"]
TABLE = (
    "CREATE TABLE ticket (id integer PRIMARY KEY DEFAULT nextval('own_seq'), name text NOT NULL)"
)


def _ids(url: str, rows: int = 2) -> list[int]:
    """The ids ``rows`` inserts into ticket get, omitting them (kept)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            return [
                int(conn.execute(sa.text("INSERT INTO ticket (name) VALUES ('t') RETURNING id"))
                    .scalar_one())
                for _ in range(rows)
            ]  # fmt: skip
    finally:
        engine.dispose()


def _default(url: str) -> list[tuple[object, ...]]:
    return rows_of(
        url,
        "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a "
        "ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
        "WHERE d.adrelid = 'ticket'::regclass AND a.attname = 'id'",
    )


@pytest.mark.parametrize("increment", [1, 10], ids=["plain", "increment-10"])
def test_a_key_of_its_own_sequence_through_init_check_and_a_revision(
    increment: int, tmp_path: Path, pg_url: str, pg_databases: DatabasePool
) -> None:
    project = tmp_path / "app"
    sqlite_url = testing.sqlite_url(tmp_path / "app.db")
    options = f" INCREMENT BY {increment}" if increment != 1 else ""
    shell = adopt(project, sqlite_url, pg_url, SQLITE, [f"CREATE SEQUENCE own_seq{options}", TABLE])
    (baseline,) = (project / "migrations_postgres" / "versions").glob("0001_*.py")
    text = baseline.read_text("utf-8")
    assert text.index("CREATE SEQUENCE own_seq") < text.index("op.create_table('ticket'"), text
    assert "nextval('own_seq'::regclass)" in text, text
    expected = [1, 1 + increment]
    code, report = check(shell)
    found = sorted((d["layer"], d["kind"], d["left_source"][:6]) for d in report["differences"])
    if increment == 1:
        assert (code, found) == (0, []), report["differences"]
    else:  # the real difference: 1, 11 on PostgreSQL, 1, 2 on SQLite
        assert found == [
            ("live", "column_default", "sqlite"),
            ("models", "column_default", "schema"),
        ]
        assert all("1, 11 on PostgreSQL and 1, 2 on SQLite" in d["message"]
                   for d in report["differences"]), report["differences"]  # fmt: skip
        assert "sa.Sequence('own_seq', increment=10)" in (
            project / "schemas" / "postgres.py"
        ).read_text("utf-8")
    assert _ids(pg_url) == expected
    with pg_databases.database() as fresh:  # the module's create_all: a serial of its own
        engine = sa.create_engine(fresh)
        try:
            _module_metadata(project).create_all(engine)
        finally:
            engine.dispose()
        assert _ids(fresh) == expected
    if increment != 1:
        return  # revision refuses while the modules differ (until the difference is allowed)
    # a later revision: a column added; the key and its DEFAULT stay as they are
    replace_in(
        project / "domain.yaml",
        "      name: {kind: text}\n",
        "      name: {kind: text}\n      note: {kind: text}\n",
    )
    for module in ("sqlite.py", "postgres.py"):
        add_column_after(project / "schemas" / module, "t.name", "sa.Column(t.note, sa.TEXT()),")
    revised(shell, "add note", quiet=True)
    upgrade, downgrade = written(project, "postgresql")
    assert "'id'" not in upgrade + downgrade and "own_seq" not in upgrade + downgrade, upgrade
    migrate_both(shell)
    code, report = check(shell)
    assert (code, report["differences"]) == (0, []), report["differences"]
    assert _default(pg_url) == [("nextval('own_seq'::regclass)",)]
    assert _ids(pg_url, 1) == [3]  # on from own_seq
    with migrate_fresh(shell, tmp_path, pg_databases) as fresh_urls:
        url = fresh_urls["postgresql"]
        assert _default(url) == [("nextval('own_seq'::regclass)",)]
        assert _ids(url) == [1, 2]
        for step in (("--to", "-1", "--yes-downgrade"), ()):
            result = shell("migrate", "remote", "--postgres-url", url, *step)
            assert result.exit_code == 0, result.output
        assert _ids(url, 1) == [3]
