"""Real databases for tests: a PostgreSQL server (``TEST_DATABASE_URL`` or the embedded one) and
scratch databases on it, and SQLite URLs. It stays in the installed package because the pytest
plugin users install needs ``postgres_server`` and ``sqlite_url``, and ``make bench`` the scratch
databases; the helpers only this project's tests use live in ``tests/support``.

``DATABASE_URL`` is never read here: it may be production.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from twinschema.servers import embedded, scratch
from twinschema.urls import parse_url

TEST_URL_ENV = "TEST_DATABASE_URL"


@contextmanager
def postgres_server(workdir: Path) -> Iterator[str]:
    """The URL of a PostgreSQL server for tests: ``TEST_DATABASE_URL``, or an embedded one that
    lives in ``workdir`` and is deleted afterwards."""
    given = os.environ.get(TEST_URL_ENV)
    if given:
        yield parse_url(given).render_as_string(hide_password=False)
        return
    server = embedded.start(workdir / "pg", delete=True)
    try:
        without_durability(server.url())
        yield server.url()
    finally:
        server.stop()


# What makes a server survive a crash of its machine; a server whose data is deleted after the
# tests needs none of it. Off, DROP DATABASE takes 0.05 s instead of 0.3-1 s.
THROWAWAY_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


def without_durability(server_url: str) -> None:
    """Turn off fsync, synchronous commit and full-page writes on a server whose data is thrown
    away afterwards (``ALTER SYSTEM``, then a reload): never call it on a server that keeps data.
    """
    with admin_engine(server_url).connect() as conn:
        for name, value in THROWAWAY_SETTINGS.items():
            conn.execute(sa.text(f"ALTER SYSTEM SET {name} = {value}"))
        conn.execute(sa.text("SELECT pg_reload_conf()"))


def admin_engine(server_url: str) -> sa.Engine:
    """An autocommit engine on the server, for CREATE and DROP DATABASE."""
    return sa.create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


@contextmanager
def scratch_database(server_url: str, prefix: str = "ts") -> Iterator[str]:
    """A new, empty database on the server for the duration of the block; its URL."""
    with scratch.database(server_url, prefix) as url:
        yield url


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{path}"
