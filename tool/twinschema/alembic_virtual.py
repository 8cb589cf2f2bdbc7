"""Autogenerate on a SQLite database that holds virtual tables (an FTS table a baseline made,
stranger54 003): no metadata module declares them or their shadow tables, so Alembic must not
read them, or a revision would drop them."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def virtual_tables(connection: sa.Connection) -> set[str]:
    """On SQLite, the names (lower-case) of the database's virtual tables and of the shadow
    tables their modules made: tables no metadata module declares. None elsewhere."""
    if connection.dialect.name != "sqlite":
        return set()
    from twinschema.dialects.sqlite_master import virtual_names  # only where there is SQLite

    found = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
        "AND upper(substr(sql, 1, 21)) = 'CREATE VIRTUAL TABLE '"
    ).fetchall()
    return virtual_names([(str(n), str(q)) for n, q in found])


def virtual_filter(connection: sa.Connection) -> dict[str, Any]:
    """On SQLite, an ``include_name`` that leaves out the database's virtual tables and their
    shadow tables (an FTS table the baseline made): no metadata module declares them, and
    autogenerate would drop them. Nothing elsewhere."""
    skipped = virtual_tables(connection)
    if not skipped:
        return {}

    def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
        return not (type_ == "table" and (name or "").lower() in skipped)

    return {"include_name": include_name}
