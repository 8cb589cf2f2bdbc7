"""Empty PostgreSQL databases for tests, reused instead of created and dropped for each test.

``CREATE DATABASE`` copies template1 (7 MB) and took 0.2-1.3 s on the suite's 2-core machine,
its ``DROP`` 0.05-1 s, and about 240 tests ask for a database. A database a test has used is
reset instead, and handed out again only when its catalog fingerprint is the one a new database
had when the pool started; any other is dropped and a new one created in its place. The reset
and the fingerprint are the product's own (``twinschema.servers.scratch_reset``, which says why
a database that passes cannot be told from a new one, except by its name and OID).

The pool talks to the server through psycopg itself, over one kept connection for CREATE and
DROP DATABASE: a SQLAlchemy engine made for each statement and each reset (its dialect's own
set-up queries on each first connection) cost the test process about 2 ms of CPU per test.

A test may also keep a copy of a database it prepared (``copy_of``, CREATE DATABASE ...
TEMPLATE) and have a later test's database made again as a copy of it (``refill``): how
``support.adopted`` hands a project's databases to the tests that start from the same one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import psycopg
from sqlalchemy.engine import make_url

from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.servers import scratch_reset

# The pool's sessions by a name of their own: tests that watch the checker's sessions look
# for application_name 'twinschema' (connect_kwargs' default).
_APPLICATION = "twinschema-tests-pool"


def _connect(url: str) -> psycopg.Connection[Any]:
    """An autocommit psycopg connection to ``url`` (a SQLAlchemy URL)."""
    kwargs = {**connect_kwargs(make_url(url), ReflectOptions()), "application_name": _APPLICATION}
    return psycopg.connect(**kwargs, autocommit=True)


class DatabasePool:
    """Empty databases on one server for one test session; see the module's docstring."""

    # The pools of this process not yet closed (the session's, and any a test makes).
    _open: ClassVar[list[DatabasePool]] = []

    def __init__(self, server_url: str, prefix: str = "ts") -> None:
        self.server_url = server_url
        self.prefix = prefix
        self.free: list[str] = []
        self.in_use: set[str] = set()  # handed out, not yet given back
        self.copies: list[str] = []  # ``copy_of``'s databases, dropped at ``close``
        # What a test built once on this pool's databases and later tests copy (a key of its
        # own: ``support.adopted``), and what removes it when the pool closes.
        self.kept: dict[object, Any] = {}
        self.cleanups: list[Callable[[], None]] = []
        self.created = self.reused = self.replaced = 0
        self._since: dict[str, int] = {}  # a transaction ID from before each one's creation
        self._fresh: dict[str, tuple[int, int]] | None = None
        self._server: psycopg.Connection[Any] | None = None  # kept for CREATE and DROP DATABASE
        DatabasePool._open.append(self)

    @classmethod
    def handing_out(cls, url: str) -> tuple[DatabasePool, str] | None:
        """The open pool that handed out the database of ``url`` (same server, role and
        password) and has not had it back, with the database's name; else None."""
        parsed = make_url(url)
        name = parsed.database
        for pool in cls._open:
            if name in pool.in_use and pool.url(name) == parsed.render_as_string(
                hide_password=False
            ):
                return pool, name
        return None

    def url(self, name: str) -> str:
        """The URL of database ``name`` on the pool's server."""
        return make_url(self.server_url).set(database=name).render_as_string(hide_password=False)

    def _admin(self, statement: str) -> Any:
        """Run ``statement`` on the server's maintenance database over the kept connection
        (made again once if a test ended it: a server-wide pg_terminate_backend)."""
        for attempt in (1, 2):
            conn = self._server
            if conn is None or conn.closed or conn.broken:
                conn = self._server = _connect(self.server_url)
            try:
                cursor = conn.execute(statement.encode())
            except psycopg.OperationalError:
                if attempt == 2 or not conn.broken:
                    raise
                continue
            row = cursor.fetchone() if cursor.description is not None else None
            return row[0] if row is not None else None
        raise AssertionError("unreachable")

    def _fingerprint(self, name: str) -> dict[str, tuple[int, int]]:
        with _connect(self.url(name)) as conn:
            return scratch_reset.fingerprint(conn, self._since[name])

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
        try:
            with _connect(self.url(name)) as conn:
                return scratch_reset.reset(conn, self._since[name]) == self._fresh
        except psycopg.Error:
            return False

    def is_new(self, name: str) -> bool:
        """True when database ``name`` cannot be told from a new one by its catalogs (what
        ``reset`` checks), without emptying it first: nothing was made in it since."""
        return self._fingerprint(name) == self._fresh

    def copy_of(self, name: str) -> str | None:
        """A new database made as a copy of ``name`` (``CREATE DATABASE ... TEMPLATE``), kept
        until ``close``; None when it cannot be made (another session is on ``name``)."""
        copy = f"{self.prefix}_copy_{uuid.uuid4().hex[:12]}"
        try:
            self._admin(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
        except psycopg.Error:
            return None
        self.copies.append(copy)
        return copy

    def refill(self, name: str, template: str) -> None:
        """Database ``name``, handed out, dropped and made again under its name as a copy of
        ``template`` (a ``copy_of`` database: no session is ever on one)."""
        assert name in self.in_use and template in self.copies, (name, template)
        self._admin(f'DROP DATABASE "{name}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')

    def acquire(self) -> str:
        """The name of an empty database, now the caller's until ``release``."""
        if self.free:
            self.reused += 1
            name = self.free.pop()
        else:
            name = self._create()
        self.in_use.add(name)
        return name

    def release(self, name: str) -> None:
        """Give ``name`` back: kept for the next caller if it resets to a new database's
        fingerprint, else dropped."""
        self.in_use.discard(name)
        if self.reset(name):
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
        """Drop every database the pool holds, and whatever tests kept beside it."""
        if self in DatabasePool._open:
            DatabasePool._open.remove(self)
        while self.cleanups:
            self.cleanups.pop()()
        self.kept.clear()
        while self.free:
            self._drop(self.free.pop())
        while self.copies:
            self._drop(self.copies.pop())
        if self._server is not None:
            self._server.close()
            self._server = None
