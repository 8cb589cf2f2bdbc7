"""How each dialect renames an index or a named constraint back to the name its metadata module
gives it: the statement a hint names (``compare.renames`` finds what was renamed)."""

from __future__ import annotations

from twinschema.records.dialects import POSTGRESQL
from twinschema.sql_names import sql_name as _name

# The longest name each dialect keeps, in bytes (PostgreSQL cuts longer ones to NAMEDATALEN - 1,
# and SQLAlchemy shortens a naming convention's with a hash): a module's name past it is never
# the database's, and is not taken for a rename.
LONGEST_NAME: dict[str, int] = {POSTGRESQL: 63}


def fits(dialect: str, name: str) -> bool:
    """True when ``dialect`` keeps ``name`` as it is (not past its longest name)."""
    longest = LONGEST_NAME.get(dialect)
    return longest is None or len(name.encode()) <= longest


def rename_back(dialect: str, kind: str, table: str, actual: str, name: str) -> str:
    """What renames the ``kind`` object (index, unique, check, foreign_key) of ``table`` that
    the database calls ``actual`` to ``name``: a statement on PostgreSQL; on SQLite, which
    renames neither, how to recreate it under that name."""
    if dialect == POSTGRESQL:
        if kind == "index":
            return f"`ALTER INDEX {_name(actual)} RENAME TO {_name(name)}`"
        return f"`ALTER TABLE {_name(table)} RENAME CONSTRAINT {_name(actual)} TO {_name(name)}`"
    if kind == "index":
        return (
            f"`DROP INDEX {_name(actual)}`, then create it again as {_name(name)} "
            "(SQLite cannot rename an index)"
        )
    return (
        f"rebuild {_name(table)} with the constraint named {_name(name)} "
        "(SQLite cannot rename a constraint)"
    )
