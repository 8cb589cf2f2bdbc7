"""``init`` on a PostgreSQL key drawing from another table's sequence (``relay.id DEFAULT
nextval('station_id_seq')`` beside ``station.id serial``) writes both keys as
``sa.Sequence('station_id_seq')`` beside that ``nextval()`` default, so that the module's
``create_all`` makes one sequence both draw from, as the adopted database has (stranger76 014: it
wrote plain ``sa.INTEGER()`` keys, two sequences of their own, and ``check`` reported the module
against the database it was read from, 6 differences where ``diff --domain`` gave 2). Near miss:
two serials of their own stay plain keys, and the pair is in sync."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from support import testing
from support.dbpool import DatabasePool
from test_init_project import adopt, check, diff
from test_init_unique_nulls import _module_metadata

SQLITE = [
    "CREATE TABLE station (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
    "CREATE TABLE relay (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
]
SHARED = "DEFAULT nextval('station_id_seq')"
WRITTEN = (
    "sa.Column(t.id, sa.INTEGER(), sa.Sequence('station_id_seq'), "
    "server_default=sa.text(\"nextval('station_id_seq'::regclass)\"))"
)


def _ids(url: str) -> tuple[int, int]:
    """The ids one insert into station, then one into relay, get (omitting them)."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            station = conn.execute(sa.text("INSERT INTO station (name) VALUES ('s') RETURNING id"))
            relay = conn.execute(sa.text("INSERT INTO relay (name) VALUES ('r') RETURNING id"))
            ids = (int(station.scalar_one()), int(relay.scalar_one()))
            conn.rollback()
        return ids
    finally:
        engine.dispose()


@pytest.mark.parametrize("shared", [True, False], ids=["shared-sequence", "own-serials"])
def test_init_keeps_a_key_drawing_from_another_table_s_sequence(
    tmp_path: Path, pg_url: str, pg_databases: DatabasePool, shared: bool
) -> None:
    """Shared: both keys name station_id_seq; ``check`` reports exactly the difference
    ``diff --domain`` reports between the databases (relay's shared sequence against SQLite's rowid)
    and their twins between the modules, none of a module against its own database or chain;
    a database the module's ``create_all`` makes gives station 1 then relay 2, as the adopted
    one does. Own serials: plain keys, in sync everywhere, 1 and 1."""
    pg = [
        "CREATE TABLE station (id serial PRIMARY KEY, name text NOT NULL)",
        f"CREATE TABLE relay (id {'integer' if shared else 'serial'} PRIMARY KEY"
        f"{' ' + SHARED if shared else ''}, name text NOT NULL)",
    ]
    project = tmp_path / "app"
    sqlite_url = testing.sqlite_url(tmp_path / "app.db")
    shell = adopt(project, sqlite_url, pg_url, SQLITE, pg)
    module = (project / "schemas" / "postgres.py").read_text("utf-8")
    assert module.count(WRITTEN) == (2 if shared else 0), module
    assert module.count("sa.Column(t.id, sa.INTEGER())") == (0 if shared else 2), module
    _, found_diff = diff(shell, sqlite_url, pg_url)
    code, report = check(shell)
    found = sorted((d["layer"], d["kind"], d["left_source"][:6]) for d in report["differences"])
    if shared:
        # On relay.id, the key whose default draws from station's sequence; station.id owns it
        # in the database (recheck75 010 Extra), while in the module neither key owns the
        # sa.Sequence both draw from: both are reported between the modules.
        assert [(d["kind"], d["table"]) for d in found_diff["differences"]] == [
            ("column_default", "relay")
        ], found_diff["differences"]
        assert found == [
            ("live", "column_default", "sqlite"),  # the SQLite database against the server
            ("models", "column_default", "schema"),  # schemas/sqlite.py against postgres.py
            ("models", "column_default", "schema"),
        ], [d["message"] for d in report["differences"]]
    else:
        assert code == 0 and not found_diff["differences"], found
    expected = (1, 2) if shared else (1, 1)
    assert _ids(pg_url) == expected
    with pg_databases.database() as fresh:
        engine = sa.create_engine(fresh)
        try:
            _module_metadata(project).create_all(engine)
        finally:
            engine.dispose()
        assert _ids(fresh) == expected
