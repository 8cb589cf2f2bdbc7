"""The evaluation database on a scratch server: reached in one connection when it exists, made
on first need when it does not, and a server that cannot be reached is a one-line reason the
stage gives ("not evaluated: ..."), never a traceback."""

from __future__ import annotations

import socket

import psycopg
import pytest
import sqlalchemy as sa

from twinschema.evaluate import Evaluator, PostgreSQLScratch
from twinschema.evaluate.backends import REJECTED
from twinschema.evaluate.pg_scratch import EVALUATION_DATABASE
from twinschema.model import Column, ColumnType


def _libpq(server_url: str, database: str) -> str:
    url = sa.make_url(server_url).set(drivername="postgresql", database=database)
    return url.render_as_string(hide_password=False)


def _exists(server_url: str) -> bool:
    with psycopg.connect(_libpq(server_url, "postgres"), autocommit=True) as conn:
        row = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (EVALUATION_DATABASE,)
        ).fetchone()
    return row is not None


def _drop(server_url: str) -> None:
    with psycopg.connect(_libpq(server_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{EVALUATION_DATABASE}" WITH (FORCE)')


def _one(evaluator: Evaluator) -> object:
    column = Column("c", ColumnType("postgresql", "integer", raw="integer"), default="x")
    return evaluator.single("postgresql", "(2 - 1)", column).value


def test_the_evaluation_database_is_made_on_first_need_then_reused(pg_server: str) -> None:
    """Missing: the first connection fails, the server makes it, the run goes on. There: the
    next evaluator runs on it as it is."""
    _drop(pg_server)
    assert not _exists(pg_server)
    with Evaluator(PostgreSQLScratch(server_url=pg_server)) as evaluator:
        assert _one(evaluator) == 1
        assert evaluator.where("postgresql").startswith(f"PostgreSQL {EVALUATION_DATABASE} on ")
    assert _exists(pg_server)
    with Evaluator(PostgreSQLScratch(server_url=pg_server)) as evaluator:
        assert _one(evaluator) == 1
    assert _exists(pg_server)


def test_a_scratch_server_that_refuses_connections_is_a_one_line_reason() -> None:
    """Nothing listens on the port: both tries fail, and the stage says why in one line with
    what to do, the password masked."""
    with socket.socket() as sock:  # a free port, closed again: connections are refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = f"postgresql+psycopg://app:s3cret@127.0.0.1:{port}/postgres"
    with Evaluator(PostgreSQLScratch(server_url=server, connect_timeout=2)) as evaluator:
        assert evaluator.backend("postgresql") is None
        where = evaluator.where("postgresql")
    assert where.startswith(
        f"not evaluated: cannot use {EVALUATION_DATABASE} on the scratch server "
        f"postgresql+psycopg://app:***@127.0.0.1:{port}/postgres: "
    ), where
    assert "s3cret" not in where
    assert "\n" not in where
    assert where.endswith("or pass --no-evaluate)")


def test_stored_values_each_on_their_own_whatever_fails_before_or_last(pg_server: str) -> None:
    """Each value's verdict is its own: a rejected value (by the type or a CHECK) neither hides
    the ones after it nor, when last, spoils the connection for the next column."""
    with Evaluator(PostgreSQLScratch(server_url=pg_server)) as evaluator:
        backend = evaluator.backend("postgresql")
        assert backend is not None
        integer = ColumnType("postgresql", "integer", raw="integer")
        assert backend.store("v", integer, [], [1, 2**31, 3, 2**31]) == [1, REJECTED, 3, REJECTED]
        assert backend.store("v", integer, ["v > 0"], [5, -1]) == [5, REJECTED]
        assert backend.store("v", integer, ["v > 0"], [-1]) == [REJECTED]
        text = ColumnType("postgresql", "varchar", length=3, raw="varchar(3)")
        assert backend.store("v", text, [], ["abcd", "abc"]) == [REJECTED, "abc"]


def test_the_scratch_servers_version_through_the_evaluators_open_connection(
    pg_server: str,
) -> None:
    """The migrations layer's cache key names the scratch server by its version(): read
    through the evaluator's connection when one is open, it is the text a connection of its
    own reads; with none open, the evaluator opens none for it."""
    from twinschema.servers import scratch

    own = scratch.server_version(pg_server)
    assert own.startswith("PostgreSQL ")
    with Evaluator(PostgreSQLScratch(server_url=pg_server)) as evaluator:
        assert evaluator.open_version("postgresql") is None
        assert evaluator.where("postgresql") == "not evaluated: not needed"
        assert evaluator.backend("postgresql") is not None
        assert evaluator.open_version("postgresql") == own
        assert _one(evaluator) == 1  # the connection is still usable after the read


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_column_copy_keeps_its_key_and_table_options(pg_server: str, dialect: str) -> None:
    """A probed copy of a column keeps what its table makes of it: a SQLite rowid alias
    (``key``) and a STRICT table reject 1.5, which a plain INTEGER keeps; PostgreSQL's integer
    rounds it to 2, a key or not. 2 is stored as 2 everywhere."""
    from decimal import Decimal

    from twinschema.model import OPTION_STRICT

    with Evaluator(PostgreSQLScratch(server_url=pg_server)) as evaluator:
        backend = evaluator.backend(dialect)
        assert backend is not None
        integer = ColumnType(dialect, "integer", raw="INTEGER")
        values = [Decimal("1.5"), 2]
        plain = backend.store("v", integer, [], values)
        key = backend.store("v", integer, [], values, key=True)
        if dialect == "sqlite":
            assert plain == [1.5, 2]
            assert key == [REJECTED, 2]
            assert backend.store("v", integer, [], values, options=[OPTION_STRICT]) == [
                REJECTED,
                2,
            ]
        else:
            assert plain == key == [2, 2]
