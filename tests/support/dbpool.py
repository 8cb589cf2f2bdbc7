"""Empty PostgreSQL databases for tests, reused instead of created and dropped for each test.

``CREATE DATABASE`` copies template1 (7 MB) and took 0.2-1.3 s on the suite's 2-core machine,
its ``DROP`` 0.05-1 s, and about 240 tests ask for a database. A database a test has used is
reset instead, and handed out again only when its catalog fingerprint is the one a new database
had when the pool started; any other is dropped and a new one created in its place. The reset
and the fingerprint are the product's own (``twinschema.servers.scratch_reset``, which says why
a database that passes cannot be told from a new one, except by its name and OID).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from twinschema.servers import scratch_reset


def _engine(url: sa.URL | str) -> sa.Engine:
    return sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def fingerprint(conn: sa.Connection, since: int) -> dict[str, tuple[int, int]]:
    """The fingerprint of the database ``conn`` is on (``scratch_reset.fingerprint``, which the
    product's scratch databases are checked by too)."""
    return scratch_reset.fingerprint(conn.connection.driver_connection, since)


class DatabasePool:
    """Empty databases on one server for one test session; see the module's docstring."""

    def __init__(self, server_url: str, prefix: str = "ts") -> None:
        self.server_url = server_url
        self.prefix = prefix
        self.free: list[str] = []
        self.created = self.reused = self.replaced = 0
        self._since: dict[str, int] = {}  # a transaction ID from before each one's creation
        self._fresh: dict[str, tuple[int, int]] | None = None

    def url(self, name: str) -> str:
        """The URL of database ``name`` on the pool's server."""
        return make_url(self.server_url).set(database=name).render_as_string(hide_password=False)

    def _admin(self, statement: str) -> Any:
        engine = _engine(self.server_url)
        try:
            with engine.connect() as conn:
                result = conn.execute(sa.text(statement))
                return result.scalar() if result.returns_rows else None
        finally:
            engine.dispose()

    def _fingerprint(self, name: str) -> dict[str, tuple[int, int]]:
        engine = _engine(self.url(name))
        try:
            with engine.connect() as conn:
                return fingerprint(conn, self._since[name])
        finally:
            engine.dispose()

    def _create(self) -> str:
        name = f"{self.prefix}_{uuid.uuid4().hex[:12]}"
        self._since[name] = int(self._admin("SELECT txid_current() % 4294967296"))
        self._admin(f'CREATE DATABASE "{name}"')
        self.created += 1
        if self._fresh is None:
            self._fresh = self._fingerprint(name)
            written = scratch_reset.written_since(self._fresh)
            assert not written, f"a new database has rows written after its creation: {written}"
        return name

    def _drop(self, name: str) -> None:
        self._since.pop(name, None)
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def reset(self, name: str) -> bool:
        """Empty database ``name`` (after closing every other session on it); True when it is
        then indistinguishable from a new database by its catalogs."""
        engine = _engine(self.url(name))
        try:
            with engine.connect() as conn:
                found = scratch_reset.reset(conn.connection.driver_connection, self._since[name])
                return found == self._fresh
        except sa.exc.DBAPIError:
            return False
        finally:
            engine.dispose()

    def acquire(self) -> str:
        """The name of an empty database, now the caller's until ``release``."""
        if self.free:
            self.reused += 1
            return self.free.pop()
        return self._create()

    def release(self, name: str) -> None:
        """Give ``name`` back: kept for the next caller if it resets to a new database's
        fingerprint, else dropped."""
        try:
            clean = self.reset(name)
        except sa.exc.DBAPIError:
            clean = False
        if clean:
            self.free.append(name)
        else:
            self.replaced += 1
            self._drop(name)

    @contextmanager
    def database(self) -> Iterator[str]:
        """An empty database for the block; its URL."""
        name = self.acquire()
        try:
            yield self.url(name)
        finally:
            self.release(name)

    def close(self) -> None:
        """Drop every database the pool holds."""
        while self.free:
            self._drop(self.free.pop())
