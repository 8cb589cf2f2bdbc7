"""``init`` reads each database on one connection (``adopt.reflection.one_connection_each``):
within the block every ``read_only`` of a URL is on the same session, which is closed when the
block ends (before init writes or stamps); outside it each ``read_only`` has its own, as before.
Errors stay one line naming the redacted URL."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from support import testing

from twinschema.adopt import reflection
from twinschema.dialects import ReflectOptions
from twinschema.errors import DatabaseError
from twinschema.urls import redact

PID = "SELECT pg_backend_pid()"


def _pid(url: str) -> int:
    with reflection.read_only(url, ReflectOptions()) as connection:
        return int(connection.exec_driver_sql(PID).scalar_one())


def _sessions(url: str, pid: int) -> int:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
            )
            return int(found.scalar_one())
    finally:
        engine.dispose()


def test_one_session_per_database_within_the_block_and_closed_after(
    pg_url: str, tmp_path: Path
) -> None:
    sqlite_url = testing.sqlite_file(tmp_path / "a.db", "CREATE TABLE t (id INTEGER PRIMARY KEY);")
    with reflection.one_connection_each():
        first, second = _pid(pg_url), _pid(pg_url)
        assert first == second  # the same session for both reads
        assert reflection.sqlite_master(sqlite_url, ReflectOptions())[0][1] == "t"
        assert reflection.rows(pg_url, ReflectOptions(), "SELECT 1") == [(1,)]
        assert _pid(pg_url) == first
        # Near miss: other options are another connection.
        with reflection.read_only(pg_url, ReflectOptions(connect_timeout=5.0)) as connection:
            assert connection.exec_driver_sql(PID).scalar_one() != first
        assert _sessions(pg_url, first) == 1
    assert _sessions(pg_url, first) == 0  # closed with the block
    # Near miss: outside the block each read has a session of its own.
    with reflection.read_only(pg_url, ReflectOptions()) as connection:
        assert connection.exec_driver_sql(PID).scalar_one() != _pid(pg_url)


def test_an_error_on_the_shared_connection_is_one_line_naming_the_database(pg_url: str) -> None:
    with (
        pytest.raises(DatabaseError, match="no_such_table") as raised,
        reflection.one_connection_each(),
        reflection.read_only(pg_url, ReflectOptions()) as connection,
    ):
        connection.exec_driver_sql("SELECT * FROM no_such_table")
    assert "\n" not in str(raised.value)
    assert str(raised.value).startswith(f"{redact(pg_url)}: "), raised.value
