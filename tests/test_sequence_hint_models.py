"""The sequence hint of a SQLite rowid key against a PostgreSQL key read from a metadata module
(fix-ux5 leftover). A module keeps no sequence name: a key whose ``nextval()`` server default
draws from a sequence it does not own was given ``setval(pg_get_serial_sequence(...))``, which
is NULL there (setval does nothing). For a module's sequence key the hint now says in words
that the statement holds for a serial only; an identity key keeps the bare statement, which is
true for it. Each decided on real PostgreSQL: the tables built from the modules."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from probes import Loader
from support.testing import scratch_database

from twinschema.compare import Side, compare
from twinschema.dialects import ReflectOptions
from twinschema.evaluate import evaluate
from twinschema.evaluate.crossing_hints import UNKNOWN_SEQUENCE, set_sequence
from twinschema.sources import make_canonical
from twinschema.sources.metadata import from_metadata


def module(dialect: str, key: str) -> sa.MetaData:
    """A users table with an integer key: SQLite's a rowid alias; PostgreSQL's a serial, one
    drawing from users_seq by a nextval() server default, or an identity."""
    metadata = sa.MetaData()
    if dialect == "sqlite" or key == "serial":
        column = sa.Column("user_id", sa.Integer, primary_key=True)
    elif key == "nextval":
        default = sa.text("nextval('users_seq')")
        column = sa.Column("user_id", sa.Integer, primary_key=True, server_default=default)
    else:
        column = sa.Column("user_id", sa.Integer, sa.Identity(), primary_key=True)
    sa.Table("users", metadata, column, sa.Column("x", sa.Text))
    return metadata


def sequence_hint(loader: Loader, key: str) -> str:
    """The hint of the models layer's warning that a row omitting the id collides after a sync."""
    left, right = (
        make_canonical(
            from_metadata(module(d, key), d, f"{d}.py", ReflectOptions()),
            None,
        )
        for d in ("sqlite", "postgresql")
    )
    sides = Side(left, "sqlite.py", "sqlite.py"), Side(right, "postgres.py", "postgres.py")
    found = compare(*sides, layer="models")
    ran = evaluate(found, *sides, loader.evaluator, layer="models", values=True)
    [warning] = [w for w in ran.warnings if "again on PostgreSQL" in w.message]
    return warning.hint


@pytest.mark.parametrize("key", ["nextval", "serial", "identity"])
def test_a_module_key_s_sequence_hint_holds_where_it_is_given(
    loader: Loader, pg_server: str, key: str
) -> None:
    """nextval('users_seq') in the module: pg_get_serial_sequence is NULL on the table the
    module builds, so the bare statement is not the fix: the hint says so in words, which a
    serial key (the module's plain integer key) gets too, the module not telling the two apart:
    "if the key owns its sequence (a serial)" holds there. Near miss: an identity key, where
    pg_get_serial_sequence finds its sequence: the bare statement."""
    hint = sequence_hint(loader, key)
    statement = set_sequence("users", "user_id")
    assert f"run {statement}" in hint, hint
    assert (UNKNOWN_SEQUENCE in hint) == (key != "identity"), hint
    with scratch_database(pg_server, prefix="sequence_ux6") as url:
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("CREATE SEQUENCE users_seq"))
                module("postgresql", key).create_all(conn)
                found = conn.execute(
                    sa.text("SELECT pg_get_serial_sequence('users', 'user_id')")
                ).scalar_one()
        finally:
            engine.dispose()
    assert (found is None) == (key == "nextval"), found
