"""A key that draws its ids from another table's sequence (stranger75 010).

``mat.id DEFAULT nextval('stage_id_seq')`` beside ``stage.id serial``: every insert into either
table takes the next id from one counter, so the ids ``mat`` hands out depend on ``stage``'s
inserts; SQLite's rowid (and a serial of mat's own) never do. It was called the same as its own
serial, across dialects and between two PostgreSQL sources; a hand edit on a live server
(``ALTER TABLE mat ALTER id SET DEFAULT nextval('stage_id_seq')``) passed its module. Each
verdict decided on real databases; the golden cases ``*.key-shares-*`` hold the diffs.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from twinschema.compare import Side, compare
from twinschema.dialects import ReflectOptions
from twinschema.sources import make_canonical, reflect_url
from twinschema.sources.metadata import from_metadata

_OWN = (
    "CREATE TABLE stage (id serial PRIMARY KEY, name text NOT NULL);"
    "CREATE TABLE mat (id serial PRIMARY KEY, name text NOT NULL);"
)
_SHARED = (
    "CREATE TABLE stage (id serial PRIMARY KEY, name text NOT NULL);"
    "CREATE TABLE mat (id integer PRIMARY KEY DEFAULT nextval('stage_id_seq'), name text NOT NULL);"
)
# One insert into stage, then one into mat that omits its id.
_WITNESS = ["INSERT INTO stage (name) VALUES ('start')", "INSERT INTO mat (name) VALUES ('km5')"]


def _mat_id_on_postgresql(url: str, ddl: str) -> int:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(ddl)
            for statement in _WITNESS:
                conn.exec_driver_sql(statement)
            return int(conn.exec_driver_sql("SELECT id FROM mat").scalar_one())
    finally:
        engine.dispose()


def test_the_witness_parts_a_shared_sequence_from_a_rowid_and_an_own_serial(
    tmp_path: Path, pg_url: str
) -> None:
    """The truth the verdicts rest on: mat's first id is 1 on SQLite and with a serial of its
    own, 2 where it draws from stage's sequence."""
    sqlite = sqlite3.connect(tmp_path / "t.db")
    sqlite.executescript(
        "CREATE TABLE stage (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL);"
        "CREATE TABLE mat (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL);"
    )
    for statement in _WITNESS:
        sqlite.execute(statement)
    assert sqlite.execute("SELECT id FROM mat").fetchone() == (1,)
    sqlite.close()
    assert _mat_id_on_postgresql(pg_url, _SHARED) == 2


def test_the_own_serial_near_miss_gives_the_rowid_s_ids(pg_url: str) -> None:
    assert _mat_id_on_postgresql(pg_url, _OWN) == 1


def _module(shared: bool) -> sa.MetaData:
    metadata = sa.MetaData()
    sa.Table("stage", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("name", sa.Text, nullable=False))  # fmt: skip
    default = sa.text("nextval('stage_id_seq')") if shared else None
    sa.Table("mat", metadata, sa.Column("id", sa.Integer, primary_key=True, server_default=default),
             sa.Column("name", sa.Text, nullable=False))  # fmt: skip
    return metadata


@pytest.mark.parametrize("module_shares", [True, False], ids=["module-shares", "module-own"])
@pytest.mark.parametrize("live_shares", [True, False], ids=["live-shares", "live-own"])
def test_a_module_and_its_database_agree_on_which_sequence_a_key_draws_from(
    pg_url: str, module_shares: bool, live_shares: bool
) -> None:
    """The module's ``server_default=text("nextval('stage_id_seq')")`` is read as the database's
    default is: in sync where both share or neither does; a hand edit that makes the live key
    draw from stage's sequence (or a module that says so against a database of serials) is one
    column_default difference, on mat.id, the key whose default was made to draw from another's
    sequence; stage.id, whose serial keeps its own, is not blamed (recheck75 010 Extra)."""
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql(_SHARED if live_shares else _OWN)
    engine.dispose()
    options = ReflectOptions()
    model = from_metadata(_module(module_shares), "postgresql", "m.py", options)
    sides = (
        Side(make_canonical(model, None), "m.py", "m.py"),
        Side(make_canonical(reflect_url(pg_url, options), None), "live", "live"),
    )
    found = sorted((d.kind, d.table, d.column) for d in compare(*sides, layer="live").differences)
    expected = [("column_default", "mat", "id")]
    assert found == ([] if module_shares == live_shares else expected)


@pytest.mark.parametrize(
    ("child", "shared"),
    [("CREATE TABLE t_2024 PARTITION OF t FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')", False),
     ("CREATE TABLE t_inherits (x int) INHERITS (plain)", True)],
    ids=["partition", "inherits"],
)  # fmt: skip
def test_a_partition_s_rows_are_its_table_s_an_inheriting_table_s_are_not(
    pg_url: str, child: str, shared: bool
) -> None:
    """A partition copies its table's nextval() default, but its rows are the partitioned
    table's: the key shares its ids with no other table. An INHERITS child's rows are its own
    (a SELECT of the child alone sees only them), and its inserts move the parent's ids: shared."""
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE t (id serial, d date NOT NULL, PRIMARY KEY (id, d)) PARTITION BY RANGE (d);"
            "CREATE TABLE plain (id serial PRIMARY KEY);" + child
        )
    engine.dispose()
    schema = reflect_url(pg_url, ReflectOptions())
    [key] = [c for c in schema.tables["plain" if shared else "t"].columns if c.name == "id"]
    assert key.shares_ids_with == (("t_inherits",) if shared else ())


def test_a_hand_edit_on_mat_is_reported_on_mat_and_its_alias_is_not_listed(
    tmp_path: Path, pg_url: str
) -> None:
    """recheck75 010 Extra: ``ALTER TABLE mat ALTER id SET DEFAULT nextval('stage_id_seq')`` on a
    live server whose mat.id is a serial (it still owns mat_id_seq). The ids mat gets are
    stage_id_seq's (one insert into stage, then one into mat: 2), so mat.id is read with that
    sequence, and the difference is on mat.id, the column edited, against the device's rowid and
    the module's serial; mat.id is no longer listed as ``rowid-alias`` beside it. Near miss:
    stage.id, whose default was not touched, keeps its equivalence and has no difference."""
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql(_OWN + "ALTER TABLE mat ALTER id SET DEFAULT nextval('stage_id_seq')")
    engine.dispose()
    assert _mat_id_on_postgresql(pg_url, "SELECT 1") == 2  # the truth: stage's counter
    sqlite = sqlite3.connect(tmp_path / "t.db")
    sqlite.executescript(
        "CREATE TABLE stage (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
        "CREATE TABLE mat (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
    )
    sqlite.close()
    options = ReflectOptions()
    live = Side(make_canonical(reflect_url(pg_url, options), None), "live", "live")
    module = from_metadata(_module(False), "postgresql", "m.py", options)
    for other in (
        Side(
            make_canonical(reflect_url(f"sqlite:///{tmp_path / 't.db'}", options), None), "d", "d"
        ),
        Side(make_canonical(module, None), "m.py", "m.py"),
    ):
        result = compare(other, live, layer="live")
        found = sorted((d.kind, d.table, d.column) for d in result.differences)
        assert found == [("column_default", "mat", "id")], result.differences
        aliased = sorted(
            (e.table, e.column) for e in result.equivalences if e.rule == "rowid-alias"
        )
        assert aliased == ([("stage", "id")] if other.label == "d" else []), aliased
