"""A metadata module's server default as PostgreSQL stores it, for autogenerate (stranger51 002).

PostgreSQL keeps a default as an expression of the column's type and prints it back with the
cast it added: ``server_default=sa.text("'{}'")`` on a ``text[]`` column reads back as
``'{}'::text[]``. The canonical form drops such a cast where it knows the type changes nothing
(``'x'::text``, ``(0)::numeric``) but not for an array, a domain or an extension's type, so every
``twinschema revision`` re-set the unchanged default of such a column (``alter_column(...,
server_default=sa.text("'{}'"))``, downgrade ``'{}'::text[]``). Where the canonical texts differ,
the module's default is given to the server on a throwaway table of the column's own type,
inside a savepoint rolled back at once, and read back as the server stores it: the same text
as the database's is the same default.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

_PROBE = "twinschema_stored_default"


def stored_default(connection: Any, column: sa.Column[Any], default: str) -> str | None:
    """``default`` (SQL text) as PostgreSQL stores and prints it for the reflected ``column``'s
    type (the type the database gives it, read from the catalog); None when the server cannot
    say (not PostgreSQL, no connection, a default it refuses for that type)."""
    if not isinstance(connection, sa.Connection) or connection.dialect.name != "postgresql":
        return None
    table = column.table
    preparer = connection.dialect.identifier_preparer
    try:
        with connection.begin_nested() as savepoint:
            try:
                spelled = connection.execute(
                    sa.text(
                        "SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
                        "WHERE a.attrelid = CAST(:t AS regclass) AND a.attname = :c "
                        "AND NOT a.attisdropped"
                    ),
                    {"t": preparer.format_table(table), "c": column.name},
                ).scalar()
                if spelled is None:
                    return None
                connection.exec_driver_sql(
                    f"CREATE TEMPORARY TABLE {_PROBE} (c {spelled} DEFAULT {default})"
                )
                stored = connection.exec_driver_sql(
                    "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d "
                    f"WHERE d.adrelid = 'pg_temp.{_PROBE}'::regclass"
                ).scalar()
            finally:
                savepoint.rollback()
    except sa.exc.SQLAlchemyError:
        return None
    return str(stored) if stored is not None else None
