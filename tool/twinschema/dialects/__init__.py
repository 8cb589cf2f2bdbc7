"""Dialect adapters: each reflects its live database in a few batched catalog queries and reduces
its own type spellings to ``ColumnType``. An explicit dict maps dialect names to adapters.

What an adapter returns is a *raw* ``Schema``: physical names, and expressions (column defaults,
CHECK expressions, partial-index predicates, index expressions, policy expressions) still in the
dialect's own SQL text. ``normalize.canonicalize`` turns it into the comparable form, the same way
for every source, so that no dialect knowledge is needed afterwards.
"""

from __future__ import annotations

import fnmatch
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import Protocol

from sqlalchemy.engine import URL

from twinschema.model import Collation, ColumnType, Schema

# Objects that tools own, never the domain: excluded unless the user asks otherwise.
DEFAULT_EXCLUDE = ("alembic_version",)


@dataclass(frozen=True)
class ReflectOptions:
    """What to read: the PostgreSQL schema, table-name patterns to leave out, timeouts.

    ``lock_timeout`` is how long a PostgreSQL read waits for one table lock (a migration's
    ACCESS EXCLUSIVE) before it gives up, as ``busy_timeout`` is for a locked SQLite file.
    """

    schema: str = "public"
    exclude: Sequence[str] = DEFAULT_EXCLUDE
    connect_timeout: float = 10.0
    busy_timeout: float = 5.0
    lock_timeout: float = 5.0


def excluded(name: str, patterns: Sequence[str]) -> bool:
    """True when a table name matches one of the glob ``patterns`` (``audit_*``)."""
    return bool(patterns) and any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


# PostgreSQL's SQLSTATEs of a write refused: a read-only transaction (default_transaction_read_only,
# a hot standby) and a privilege the role lacks.
_PG_WRITE_REFUSED = frozenset({"25006", "42501"})


def write_refused(error: BaseException | None) -> bool:
    """True when the driver's ``error`` says the database refuses to be written (SQLite's
    SQLITE_READONLY: a file opened ``mode=ro`` or that its user may not write; PostgreSQL's
    read-only transaction or missing privilege), read from its codes, not its words."""
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF == sqlite3.SQLITE_READONLY
    return getattr(error, "sqlstate", None) in _PG_WRITE_REFUSED


class Adapter(Protocol):
    """What every dialect adapter provides."""

    name: str  # "sqlite" or "postgresql"

    def parse_type(self, spelling: str) -> ColumnType:
        """Reduce a type as the dialect spells it (reflected or compiled) to a ``ColumnType``."""
        ...

    def collation(self, name: str) -> Collation | None:
        """A collation a model names (``String(collation=...)``): None for the dialect's
        default, else its name with what it makes equal, as far as the name tells."""
        ...

    def reflect(self, url: URL, options: ReflectOptions) -> Schema:
        """Read every table of the live database, read-only, in batched catalog queries."""
        ...


_MODULES = {"sqlite": "twinschema.dialects.sqlite", "postgresql": "twinschema.dialects.postgresql"}


def adapter(dialect: str) -> Adapter:
    """The adapter of ``dialect``, imported on first use (commands import only what they need)."""
    module = import_module(_MODULES[dialect])
    found: Adapter = module.ADAPTER
    return found
