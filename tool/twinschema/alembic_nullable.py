"""A column's own NOT NULL and DEFAULT, for autogenerate, where its type is a PostgreSQL domain
(stranger67 005, stranger68 011).

SQLAlchemy reads a column of a NOT NULL domain (``CREATE DOMAIN site_code AS text NOT NULL``) as
``nullable=False``: the column's own NOT NULL and the domain's, folded into one. The metadata
module says the column's own (``sa.Column(..., postgresql.DOMAIN(..., not_null=True))``,
nullable), so Alembic's comparison saw a nullable change on every ``revision`` and wrote
``alter_column(nullable=True)`` (a no-op) with a downgrade that adds a NOT NULL the column never
had. The domain's NOT NULL is the domain's, written as ALTER DOMAIN when it changes
(``revision_pg_domains``); the column's own is read from the catalog here and compared alone.

The DEFAULT likewise: SQLAlchemy gives a domain column with no DEFAULT of its own its domain's
(``CREATE DOMAIN code3 AS text DEFAULT 'UNK'``), so after a revision that set the domain's
DEFAULT every later ``revision`` wrote ``alter_column(server_default=None)`` with a downgrade
that set a column DEFAULT the column never had. ``own_default`` reads pg_attrdef alone.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# The column's own NOT NULL (pg_attribute.attnotnull), without its domain's.
_OWN_NOT_NULL = (
    "SELECT a.attnotnull FROM pg_attribute a "
    "WHERE a.attrelid = CAST(:t AS regclass) AND a.attname = :c AND NOT a.attisdropped"
)


def own_nullable(connection: Any, column: sa.Column[Any]) -> bool | None:
    """Whether the reflected ``column`` is nullable by its own declaration (its domain's NOT
    NULL aside); None when that is not asked (not PostgreSQL, no connection, not a domain, the
    column not found): the reflected ``nullable`` then stands."""
    if not isinstance(column.type, postgresql.DOMAIN):
        return None
    not_null = _catalog_value(connection, column, _OWN_NOT_NULL)
    return None if not_null is None else not bool(not_null)


# The column's own DEFAULT (pg_attrdef), without its domain's; no row: none.
_OWN_DEFAULT = (
    "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a "
    "ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
    "WHERE d.adrelid = CAST(:t AS regclass) AND a.attname = :c AND NOT a.attisdropped"
)


def own_default(connection: Any, column: sa.Column[Any]) -> tuple[bool, str | None]:
    """The reflected ``column``'s own DEFAULT as its database prints it, its domain's aside:
    (True, text), (True, None) for none; (False, None) where that is not asked (not
    PostgreSQL, no connection, not a domain): the reflected ``server_default`` then stands."""
    if not isinstance(column.type, postgresql.DOMAIN):
        return False, None
    if not isinstance(connection, sa.Connection) or connection.dialect.name != "postgresql":
        return False, None
    preparer = connection.dialect.identifier_preparer
    text = connection.execute(
        sa.text(_OWN_DEFAULT), {"t": preparer.format_table(column.table), "c": column.name}
    ).scalar()
    return True, None if text is None else str(text)


def compare_column_nullable(
    autogen_context: Any,
    alter_column_op: Any,
    schema: str | None,
    tname: str,
    cname: str,
    conn_col: sa.Column[Any],
    metadata_col: sa.Column[Any],
) -> Any:
    """One column's NULL / NOT NULL, as autogenerate's first comparator: a column of a domain
    is compared by its own NOT NULL against the module's column (a nullable column of a NOT
    NULL domain is unchanged; a column made NOT NULL on itself is a change, whatever its
    domain says); any other column goes on to Alembic's own comparison."""
    from alembic.util import PriorityDispatchResult

    own = own_nullable(autogen_context.connection, conn_col)
    if own is None:
        return PriorityDispatchResult.CONTINUE
    alter_column_op.existing_nullable = own
    if own is not metadata_col.nullable:
        alter_column_op.modify_nullable = metadata_col.nullable
    return PriorityDispatchResult.STOP


def serial_default(connection: Any, column: sa.Column[Any]) -> str | None:
    """The reflected ``column``'s DEFAULT as its PostgreSQL catalog holds it, where that is a
    ``nextval()`` Alembic's reflection left out (``autogen_column_reflect`` drops the default
    of a column that owns its sequence, taking it for a SERIAL); None otherwise. A module that
    spells that default (``server_default=text("nextval('frame_id_seq'::regclass)")`` beside
    its ``sa.Sequence``, as ``init`` writes a serial with options of its own) then compares
    alike, where every ``revision`` wrote an ``alter_column`` setting it again, undone by one
    dropping it: after that downgrade every insert without an id failed (stranger72 007)."""
    text = _catalog_value(connection, column, _OWN_DEFAULT)
    return str(text) if text is not None and "nextval(" in str(text).lower() else None


def _catalog_value(connection: Any, column: sa.Column[Any], query: str) -> Any:
    """``query``'s one value for the reflected ``column`` (bound as ``:t``, its table, and
    ``:c``, its name) on a PostgreSQL connection; None on any other connection."""
    if not isinstance(connection, sa.Connection) or connection.dialect.name != "postgresql":
        return None
    table = connection.dialect.identifier_preparer.format_table(column.table)
    return connection.execute(sa.text(query), {"t": table, "c": column.name}).scalar()
