"""Scratch databases: had for a block of work (upgrading a chain to compare its head, loading
a SQL file, autogenerating a revision); a PostgreSQL one is kept for the process's next block
on the same server, emptied and checked to be as new (``scratch_pool``), or made for the block
and dropped after (``new_database``).

They are never made on the server being checked, which may be production: a PostgreSQL scratch
database goes to ``TWINSCHEMA_SCRATCH_URL`` when set (or a server the caller names), else to the
embedded server; a SQLite one is a file in a temporary directory.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from twinschema.config import Config
from twinschema.errors import DatabaseError
from twinschema.paths import shown
from twinschema.urls import first_line, parse_url, redact

SCRATCH_URL_ENV = "TWINSCHEMA_SCRATCH_URL"


@contextmanager
def server(config: Config, given: str | None = None) -> Iterator[str]:
    """The URL of a PostgreSQL server for scratch databases: ``given``, else
    ``TWINSCHEMA_SCRATCH_URL``, else the embedded server (started for the block if needed)."""
    url = given or os.environ.get(SCRATCH_URL_ENV)
    if url:
        yield url
        return
    from twinschema.servers import embedded, scratch_pool

    announce_embedded(config.embedded_dir)
    running = embedded.start(config.embedded_dir, var=config.var)
    try:
        yield running.url()
    finally:
        # The scratch databases kept on it go first: the server may stop now, and its data
        # folder (the project's var/pg) outlives the process.
        scratch_pool.forget(running.url())
        running.stop()


def announce_embedded(datadir: Path) -> None:
    """One stderr line when the embedded server's data folder is about to be created for scratch
    databases: it takes tens of MB in the working directory (``./var/pg`` outside a project), and
    a user who named no database was told nothing else; one who named a PostgreSQL database is
    told why it is not used (stranger77 015: "a server it could use was named in the very
    command"). Said once: the folder then exists. In a project it is the project's ``var/pg``
    whichever command comes first (``init`` in an existing project, ``diff``, ``check``)."""
    if datadir.exists():
        return
    where = shown(datadir)
    where = where if Path(where).is_absolute() else f"./{where}"
    sys.stderr.write(
        f"twinschema: starting the embedded PostgreSQL in {where} for scratch databases, "
        f"never made on a server being checked (set {SCRATCH_URL_ENV} to use another server)\n"
    )
    sys.stderr.flush()


_INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL's SQLSTATE for "permission denied"


@contextmanager
def database(
    server_url: str, prefix: str = "twinschema_scratch", *, connect_timeout: float = 10.0
) -> Iterator[str]:
    """An empty database on ``server_url`` for the block (its URL, with any secret): one this
    process made on that server (as that role) for an earlier block, emptied and found by its
    catalogs to be indistinguishable from a new one, else a new one (``scratch_pool``). It is
    dropped when the process exits. A server that cannot be reached or refuses CREATE DATABASE
    is a one-line ``DatabaseError`` without the password; one that does not answer is given up
    after ``connect_timeout`` seconds (``[tool.twinschema] connect_timeout``)."""
    from twinschema.servers import scratch_pool

    base = parse_url(server_url)

    def url_of(name: str) -> str:
        return base.set(database=name).render_as_string(hide_password=False)

    def create() -> tuple[str, int]:
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        return name, _create(base, name, connect_timeout)

    name = scratch_pool.acquire(server_url, create, url_of, connect_timeout)
    try:
        yield url_of(name)
    finally:
        scratch_pool.release(server_url, name)


@contextmanager
def new_database(
    server_url: str, prefix: str = "twinschema_scratch", *, connect_timeout: float = 10.0
) -> Iterator[str]:
    """A new, empty database on ``server_url`` for the block (its URL, with any secret); dropped
    afterwards, other sessions forced off. For a block that changes what a reset cannot give
    back (a SQL file's load role is granted the database and owns its ``public``). Errors as
    ``database``'s; a drop that fails after the block is a ``DatabaseError`` too."""
    base = parse_url(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    _create(base, name, connect_timeout)
    admin = _admin(base, connect_timeout)
    try:
        failed = True
        try:
            yield base.set(database=name).render_as_string(hide_password=False)
            failed = False
        finally:
            try:
                _drop(admin, name)
            except sa.exc.DBAPIError as exc:
                if not failed:  # never hide the error that ended the block
                    raise DatabaseError(
                        f"cannot drop scratch database {name} on {redact(base)}: {first_line(exc)}"
                    ) from None
    finally:
        admin.dispose()


def _admin(base: sa.URL, connect_timeout: float) -> sa.Engine:
    return sa.create_engine(
        base,
        isolation_level="AUTOCOMMIT",
        poolclass=sa.pool.NullPool,
        # libpq counts whole seconds, and 0 would mean "wait forever".
        connect_args={"connect_timeout": max(1, math.ceil(connect_timeout))},
    )


def _create(base: sa.URL, name: str, connect_timeout: float) -> int:
    """CREATE DATABASE ``name`` on the server ``base``; a transaction ID taken just before
    (what ``scratch_reset.fingerprint`` counts rows written since). Refused or unreachable: a
    one-line ``DatabaseError`` without the password."""
    admin = _admin(base, connect_timeout)
    try:
        with admin.connect() as conn:
            since = int(conn.execute(sa.text("SELECT txid_current() % 4294967296")).scalar_one())
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
            return since
    except sa.exc.DBAPIError as exc:
        # CREATEDB is advised only where CREATE DATABASE was refused for want of it
        # (insufficient_privilege), not for a refused password or an unreachable server
        # (stranger32 case 078).
        refused = getattr(exc.orig, "sqlstate", None) == _INSUFFICIENT_PRIVILEGE
        advice = (
            " (the role needs CREATEDB, or point TWINSCHEMA_SCRATCH_URL at a server where it "
            "has it)"
            if refused
            else ""
        )
        raise DatabaseError(
            f"cannot create a scratch database on {redact(base)}: {first_line(exc)}{advice}"
        ) from None
    finally:
        admin.dispose()


def _drop(admin: sa.Engine, name: str) -> None:
    """Drop scratch database ``name``. WITH (FORCE) ends the sessions still on it; a role that
    may not end another role's session (a CREATEROLE one, whose load role's session is still
    closing) drops it plainly then, which waits a few seconds for such a session to end."""
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    except sa.exc.DBAPIError:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))


def server_version(server_url: str, *, connect_timeout: float = 10.0) -> str:
    """The ``version()`` of the PostgreSQL server at ``server_url``; one that cannot be reached
    is a one-line ``DatabaseError`` without the password. Read through psycopg itself: a
    SQLAlchemy engine's first connection would run its dialect's own set-up queries too."""
    import psycopg

    from twinschema.dialects import ReflectOptions
    from twinschema.dialects.postgresql import connect_kwargs

    base = parse_url(server_url)
    kwargs = connect_kwargs(base, ReflectOptions(connect_timeout=connect_timeout))
    try:
        with psycopg.connect(**kwargs, autocommit=True) as conn:
            row = conn.execute("SELECT version()").fetchone()
    except psycopg.Error as exc:
        raise DatabaseError(f"cannot connect to {redact(base)}: {first_line(exc)}") from None
    return str(row[0]) if row is not None else ""


@contextmanager
def empty_database(config: Config, dialect: str, given: str | None = None) -> Iterator[str]:
    """An empty database of ``dialect`` for the block: a SQLite file in a temporary directory,
    or a PostgreSQL database on the scratch ``server``."""
    if dialect == "sqlite":
        with tempfile.TemporaryDirectory(prefix="twinschema-") as folder:
            yield f"sqlite:///{Path(folder) / 'scratch.db'}"
        return
    with (
        server(config, given) as url,
        database(url, connect_timeout=config.connect_timeout) as scratch,
    ):
        yield scratch
