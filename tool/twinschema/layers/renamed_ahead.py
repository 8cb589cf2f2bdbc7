"""A rename a pending revision makes, already made by hand on a live database behind its chain
(stranger78 006).

domain.yaml renames a column (``nickname: {name: nick}``), the modules follow, the revision is
written (``op.alter_column(..., new_column_name="nick")``) but not migrated, and someone runs
``ALTER TABLE members RENAME COLUMN nickname TO nick`` on the database. The database is behind
its chain and holds ``nick``, which its chain at the database's revision lacks and the module
has: ``made_ahead`` took it for a column made by hand ahead of a revision creating it and said
to stamp, or to drop it (the column that holds the rows), while the pending revision does not
create it but renames ``nickname``, and fails there for want of it. ``migrations.hand_renames``
(stranger75 012) covers only a database at its chain's head, before the revision is written.

Found where a rename of the chain (its ``op.rename_table`` and ``alter_column(...,
new_column_name=...)`` calls) is pending at the database's revision (the chain built there has
the old name and not the new one) and the database has the new name and not the old one, as
its dialect matches names. Near misses: the database untouched (the old name there: migrating
renames it); the rename migrated (the chain there has the new name: nothing pending)."""

from __future__ import annotations

from collections.abc import Sequence

from twinschema.model import Schema, Table
from twinschema.records.dialects import name_key
from twinschema.sql_names import sql_name

# One table renamed (old, new); one column renamed (its table's name then, old, new).
TableRenamed = tuple[str, str]
ColumnRenamed = tuple[str, str, str]


def renamed_ahead(
    at_revision: Schema,
    live: Schema,
    history: tuple[Sequence[TableRenamed], Sequence[ColumnRenamed]],
) -> list[str]:
    """Each rename of the chain's ``history`` pending at ``at_revision`` (the chain's schema at
    the database's revision, as read: its own names) that ``live`` (as read) has made already,
    as the statement that undoes it: ``ALTER TABLE members RENAME COLUMN nick TO nickname``."""
    dialect = live.dialect
    tables, columns = history
    found = []
    for old, new in tables:
        if _ahead(
            table_named(at_revision, old, dialect), table_named(at_revision, new, dialect)
        ) and _ahead(table_named(live, new, dialect), table_named(live, old, dialect)):
            found.append(f"ALTER TABLE {sql_name(new)} RENAME TO {sql_name(old)}")
    for table, old, new in columns:
        then, now = table_named(at_revision, table, dialect), table_named(live, table, dialect)
        if then is None or now is None:
            continue
        if _ahead(has_column(then, old, dialect), has_column(then, new, dialect)) and _ahead(
            has_column(now, new, dialect), has_column(now, old, dialect)
        ):
            back = f"RENAME COLUMN {sql_name(new)} TO {sql_name(old)}"
            found.append(f"ALTER TABLE {sql_name(now.name)} {back}")
    return found


def renamed_first(undo: Sequence[str], migrate_command: str, stamp_command: str) -> str:
    """What to do for a database behind its chain that has made by hand a rename a pending
    revision makes (``undo``: the statements renaming each back): migrating fails there, and
    the renamed table or column holds the data, so nothing is to be dropped."""
    return (
        "a pending revision renames what was already renamed by hand on this database, so "
        "migrating fails there (the old name is gone); the renamed table or column holds the "
        f"data: do not drop it. Rename it back first ({'; '.join(f'`{u}`' for u in undo)}), "
        f"then migrate with `{migrate_command}` (the revision renames it again, keeping the "
        "data); or, if the pending revisions make nothing but that, record them as applied "
        f"with `{stamp_command}`"
    )


def _ahead(there: object, gone: object) -> bool:
    """True when ``there`` is there and ``gone`` is not (a table or a column's presence)."""
    return bool(there) and not gone


def table_named(schema: Schema, name: str, dialect: str) -> Table | None:
    """The table of ``schema`` called ``name`` as ``dialect`` matches names, else None."""
    key = name_key(dialect)
    return next((t for t in schema.tables.values() if key(t.name) == key(name)), None)


def has_column(table: Table, name: str, dialect: str) -> bool:
    """Whether ``table`` has a column called ``name`` as ``dialect`` matches names."""
    key = name_key(dialect)
    return any(key(c.name) == key(name) for c in table.columns)
