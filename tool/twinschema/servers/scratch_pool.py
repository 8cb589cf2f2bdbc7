"""One scratch database per process per PostgreSQL server (and role), reused from one block of
work to the next instead of created and dropped for each.

A block gets a database that no query can tell from a new one: before it is handed out again,
a used database is emptied and its catalogs are checked against the fingerprint of a new
database of the same server (``scratch_reset``); one that differs, or cannot be reached, is
dropped and a new one made in its place. Two blocks at once (nested) get two databases. The
databases are dropped when the process exits, and before a server this process started for
the block is stopped (``forget``); a process forked from this one makes its own.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from twinschema.servers import scratch_reset

# Dropping at exit: a server that went away meanwhile is given up after this many seconds.
_EXIT_TIMEOUT = 2.0


@dataclass
class _Pool:
    """The databases this process made on one server (as one role)."""

    server_url: str
    free: list[str] = field(default_factory=list)
    made: dict[str, int] = field(default_factory=dict)  # name -> a transaction ID from before it
    fresh: scratch_reset.Fingerprint | None = None  # a new database's; {}: never reused
    lock: threading.Lock = field(default_factory=threading.Lock)


_POOLS: dict[tuple[int, str], _Pool] = {}
_POOLS_LOCK = threading.Lock()


def _pool(server_url: str) -> _Pool:
    with _POOLS_LOCK:
        key = (os.getpid(), server_url)
        pool = _POOLS.get(key)
        if pool is None:
            pool = _POOLS[key] = _Pool(server_url)
        return pool


def _connect(url: str, connect_timeout: float) -> Any:
    """An autocommit psycopg connection to ``url`` (a SQLAlchemy URL)."""
    import psycopg

    from twinschema.dialects import ReflectOptions
    from twinschema.dialects.postgresql import connect_kwargs
    from twinschema.urls import parse_url

    options = ReflectOptions(connect_timeout=connect_timeout)
    return psycopg.connect(**connect_kwargs(parse_url(url), options), autocommit=True)


def acquire(
    server_url: str,
    create: Callable[[], tuple[str, int]],
    url_of: Callable[[str], str],
    connect_timeout: float,
) -> str:
    """The name of an empty database on ``server_url``, the caller's until ``release``: a
    database this process used before, reset and found equal to a new one, else a new one made
    by ``create`` (its name and a transaction ID taken before it was made; its errors are the
    caller's to raise). ``url_of`` gives a database's URL."""
    pool = _pool(server_url)
    while True:
        with pool.lock:
            name = pool.free.pop() if pool.free else None
        if name is None:
            break
        if _clean(pool, name, url_of(name), connect_timeout):
            return name
        drop_quietly(pool, name, connect_timeout)
    name, since = create()
    with pool.lock:
        pool.made[name] = since
    if pool.fresh is None:
        pool.fresh = _first_fingerprint(url_of(name), since, connect_timeout)
    return name


def _clean(pool: _Pool, name: str, url: str, connect_timeout: float) -> bool:
    """Whether database ``name``, reset, is indistinguishable from a new one by its catalogs."""
    import psycopg

    if not pool.fresh:
        return False
    try:
        with _connect(url, connect_timeout) as conn:
            return scratch_reset.reset(conn, pool.made[name]) == pool.fresh
    except psycopg.Error:
        return False


def _first_fingerprint(url: str, since: int, connect_timeout: float) -> scratch_reset.Fingerprint:
    """The fingerprint of a new database (the pool's reference); {} (nothing is ever reused)
    when it cannot be read or already shows rows written since its creation."""
    import psycopg

    try:
        with _connect(url, connect_timeout) as conn:
            found = scratch_reset.fingerprint(conn, since)
    except psycopg.Error:
        return {}
    return {} if scratch_reset.written_since(found) else found


def release(server_url: str, name: str) -> None:
    """Give database ``name`` back to its pool: reset and checked when next asked for."""
    pool = _pool(server_url)
    with pool.lock:
        if name in pool.made:
            pool.free.append(name)


def drop_quietly(pool: _Pool, name: str, connect_timeout: float) -> None:
    """Drop database ``name`` of ``pool`` (other sessions forced off); a failure is left
    unsaid: the database is no longer handed out either way."""
    import psycopg

    with pool.lock:
        pool.made.pop(name, None)
    try:
        with _connect(pool.server_url, connect_timeout) as conn:
            try:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except psycopg.Error:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    except psycopg.Error:
        pass


def forget(server_url: str, connect_timeout: float = _EXIT_TIMEOUT) -> None:
    """Drop the databases this process keeps on ``server_url`` (before the server is stopped)."""
    with _POOLS_LOCK:
        pool = _POOLS.pop((os.getpid(), server_url), None)
    if pool is None:
        return
    with pool.lock:
        names, pool.free = list(pool.made), []
    for name in names:
        drop_quietly(pool, name, connect_timeout)


def kept(server_url: str) -> list[str]:
    """The names of the databases this process keeps on ``server_url`` (in use or not)."""
    pool = _POOLS.get((os.getpid(), server_url))
    return sorted(pool.made) if pool is not None else []


@atexit.register
def _drop_all() -> None:
    """At exit: drop every database this process made (not its parent's, if it was forked)."""
    for pid, server_url in list(_POOLS):
        if pid == os.getpid():
            forget(server_url)
