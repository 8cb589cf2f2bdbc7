"""SQLite tables as a chain's migrations reflect them: a batch migration's copy of a table, and
the table autogenerate compares with the module, get what SQLAlchemy's SQLite reflection leaves
out from twinschema's own reader and the completion ``init`` uses (``reflected.complete_table``):
declared types, collations, generated expressions, UNIQUE constraints, foreign keys' actions
and deferral, AUTOINCREMENT. A batch copy keeps the table's unnamed CHECKs, lets SQLite compute
generated columns, never adds a column the table already has, and keeps every index of the
table (``alembic_batch_indexes``); expression indexes, which SQLAlchemy cannot reflect, are
compared in autogenerate by ``alembic_indexes``, without a warning."""

from __future__ import annotations

import sqlite3
import warnings
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from alembic.operations.batch import ApplyBatchImpl
from sqlalchemy.engine.reflection import Inspector

from twinschema.alembic_batch_indexes import batch_indexes_kept, mentions
from twinschema.alembic_indexes import SKIPPED_WARNINGS
from twinschema.dialects.sqlite import reflect_table
from twinschema.migrations.migrate_errors import AlreadyThere
from twinschema.model import Table
from twinschema.reflected import complete_key, complete_table

_SQLALCHEMY_REFLECT_TABLE = Inspector.reflect_table


def _reflect_completed(self: Inspector, table: sa.Table, *args: Any, **kw: Any) -> None:
    """SQLAlchemy's reflection of a table of the main schema of a SQLite connection, completed
    with what twinschema's reader reads of it (``reflect_table``, on the migration's own
    connection), as ``init`` completes the tables it writes. Without it a batch copy lost the
    declared types (a downgrade did not undo its upgrade), the collations and a column's own
    UNIQUE ('Alice' twice was stored after a revision that only changed a default; stranger35),
    the inline ON DELETE of keys (CASCADE taken off 7 keys of Roundcube), their DEFERRABLE and
    the table's AUTOINCREMENT. Its indexes on expressions are not added (``complete_table``
    has none): a batch copy makes them from their own statements (``alembic_batch_indexes``),
    and ``alembic_indexes`` compares them by name in autogenerate."""
    _SQLALCHEMY_REFLECT_TABLE(self, table, *args, **kw)
    bind = self.bind
    if not isinstance(bind, sa.Connection) or bind.dialect.name != "sqlite" or table.schema:
        return
    raw = bind.connection.dbapi_connection
    found = reflect_table(raw, table.name) if isinstance(raw, sqlite3.Connection) else None
    if found is not None:
        complete_table(table, found, "sqlite")
        _COMPLETED[table] = found


# The tables ``_reflect_completed`` completed, with what the reader read of each.
_COMPLETED: weakref.WeakKeyDictionary[sa.Table, Table] = weakref.WeakKeyDictionary()


def _key_attached(constraint: Any, table: Any) -> None:
    """A foreign key attached to a completed table after its reflection is completed too:
    autogenerate makes the database's keys from the inspector's list (``get_foreign_keys``,
    without an inline key's ON DELETE) and attaches them to the reflected table, so that each
    inline CASCADE was dropped and made again in every revision."""
    found = _COMPLETED.get(table) if isinstance(table, sa.Table) else None
    if found is not None and isinstance(constraint, sa.ForeignKeyConstraint):
        complete_key(constraint, found)


@contextmanager
def declared_types_kept(say: Callable[[str], None] | None = None) -> Iterator[None]:
    """While a chain's migrations run, SQLite tables reflected for a batch copy or autogenerate
    are completed (``_reflect_completed``), and a batch copy keeps every index of its table
    (``batch_indexes_kept``); SQLAlchemy's own reflection is put back after, so that nothing
    else the process reflects is touched. What a batch copy leaves out of the table (an index
    or an unnamed CHECK naming a column the copy no longer has, an index only when the
    database still lacks it once the chain has run) is said in one line each through ``say``
    (``migrate``: the database loses it); without ``say`` (autogenerate, the migrations
    layer's scratch runs, which report it themselves) it is not shown."""
    Inspector.reflect_table = _reflect_completed  # type: ignore[method-assign]
    sa.event.listen(sa.ForeignKeyConstraint, "after_parent_attach", _key_attached)
    ApplyBatchImpl.add_column = _add_column_once  # type: ignore[method-assign]
    ApplyBatchImpl._transfer_elements_to_new_table = _transfer_completed  # type: ignore[method-assign]
    try:
        with warnings.catch_warnings(), batch_indexes_kept(say):
            # SQLAlchemy warns that it read ``tinyint(1)`` as INTEGER: the copy declares
            # ``tinyint(1)`` all the same.
            warnings.filterwarnings("ignore", _NO_ARGUMENTS, sa.exc.SAWarning)
            # SQLite expression indexes, which SQLAlchemy cannot reflect: compared by name and
            # written into the revision by ``alembic_indexes``, kept by a batch copy.
            for skipped in (*SKIPPED_WARNINGS, _UNNAMED_CHECK):
                warnings.filterwarnings("ignore", skipped)
            if say is not None:
                _SAY.append(say)
            yield
    finally:
        Inspector.reflect_table = _SQLALCHEMY_REFLECT_TABLE  # type: ignore[method-assign]
        sa.event.remove(sa.ForeignKeyConstraint, "after_parent_attach", _key_attached)
        ApplyBatchImpl.add_column = _ALEMBIC_ADD_COLUMN  # type: ignore[method-assign]
        ApplyBatchImpl._transfer_elements_to_new_table = _ALEMBIC_TRANSFER  # type: ignore[method-assign]
        _SAY.clear()
        _COMPLETED.clear()


_ALEMBIC_ADD_COLUMN = ApplyBatchImpl.add_column
_ALEMBIC_TRANSFER = ApplyBatchImpl._transfer_elements_to_new_table


def _transfer_completed(self: ApplyBatchImpl) -> None:
    """Alembic's new table of a batch copy, completed: its generated columns are left out of
    the copy's ``INSERT ... SELECT`` (SQLite refuses a value for one, "cannot INSERT into
    generated column", so no batch could touch such a table; SQLite computes them in the copy),
    and a reflected table's unnamed CHECKs, which Alembic leaves out (it cannot tell them from a
    type's own CHECK), are put back as twinschema's reader read them, unless the batch's
    ``table_args`` restate CHECKs (Alembic's remedy: then they are the batch's own list, and
    each unnamed CHECK it leaves out is said through ``say`` as the database's loss), or
    unless ``table_kwargs``' info holds ``NO_UNNAMED_CHECKS`` (the copy is to have none but
    those its ``table_args`` list, nothing said: ``revision`` writes it on its own copies). A
    CHECK naming a column the copy no longer has (dropped, renamed) is left out, said through
    ``say`` as the database's loss."""
    _ALEMBIC_TRANSFER(self)
    new_table = self.new_table
    assert new_table is not None
    for name, transfer in self.column_transfers.items():
        column = self.columns.get(name)
        if column is not None and column.computed is not None:
            transfer.pop("expr", None)
    if not self.reflected:
        return
    _one_unique_each(new_table)
    kept = {c.name.lower() for c in new_table.columns}
    gone = [c.name for c in self.table.columns if c.name.lower() not in kept]
    restated = {
        _bare(str(a.sqltext)): str(a.sqltext)
        for a in self.table_args
        if isinstance(a, sa.CheckConstraint)
    }
    if self.table_kwargs.get("info", {}).get(NO_UNNAMED_CHECKS):
        # The copy is to have no unnamed CHECK but those its table_args list: a revision's own
        # copy, removing the last one or one among others on purpose (stranger66 009).
        return
    if restated:
        names = [c.name for c in (*self.table.columns, *new_table.columns)]
        _say_unlisted(self.table.name, _COMPLETED.get(self.table), restated, gone, names)
        return
    for copied in [c for c in new_table.constraints if isinstance(c, sa.CheckConstraint)]:
        raw = str(copied.sqltext)  # a named CHECK Alembic copied (stranger48 W2: the copy
        if any(mentions(raw, column) for column in gone):  # failed, "no such column")
            new_table.constraints.discard(copied)
            _say_lost(self.table.name, raw)
    found = _COMPLETED.get(self.table)
    for check in found.checks if found is not None else ():
        if check.name is not None:
            continue  # Alembic copies it
        if any(mentions(check.raw, column) for column in gone):
            _say_lost(self.table.name, check.raw)
            continue
        new_table.append_constraint(sa.CheckConstraint(sa.text(check.raw)))


def _one_unique_each(table: sa.Table) -> None:
    """Leave out of a batch copy each unnamed plain UNIQUE whose columns a UNIQUE with an ON
    CONFLICT clause covers too: that one is the same constraint, given again in the batch's
    ``reflect_args`` or ``table_args`` with its clause (``revision_sqlite_conflicts``), which
    reflection does not read. Both were copied, so the table's SQL held ``UNIQUE (a, b) ON
    CONFLICT REPLACE`` and ``UNIQUE (a, b)``, which no ``create_all`` of the module makes
    (stranger72 002; SQLite 3.40 made one index of them, a duplicate still replaced)."""
    uniques = [c for c in table.constraints if isinstance(c, sa.UniqueConstraint)]

    def columns(u: sa.UniqueConstraint) -> tuple[str, ...]:
        return tuple(c.name.lower() for c in u.columns)

    clauses = {columns(u) for u in uniques if u.dialect_kwargs.get("sqlite_on_conflict")}
    for unique in uniques:
        if (
            unique.name is None
            and not unique.dialect_kwargs.get("sqlite_on_conflict")
            and columns(unique) in clauses
        ):
            table.constraints.discard(unique)


def _say_lost(table: str, raw: str) -> None:
    """Say through ``_SAY`` that the batch copy of ``table`` leaves out the CHECK ``raw``."""
    for say in _SAY:
        say(
            f"warning: a SQLite batch migration recreated table '{table}' without its CHECK "
            f"({raw}), which names a column the copy no longer has: this database loses it; "
            "restate it in batch_alter_table(..., table_args=...), with every other unnamed "
            "CHECK the table keeps, if it should stay"
        )


def _bare(sql: str) -> str:
    """A CHECK's SQL as compared with a ``table_args`` CHECK: lower case, without whitespace or
    the parentheses around the whole of it."""
    bare = "".join(sql.split()).lower()
    while bare.startswith("(") and bare.endswith(")"):
        bare = bare[1:-1]
    return bare


def _say_unlisted(
    table: str, found: Table | None, restated: dict[str, str], gone: list[str], names: list[str]
) -> None:
    """Say through ``_SAY`` each unnamed CHECK of ``table`` that a batch copy whose
    ``table_args`` list CHECKs (``restated``: bare SQL to SQL) leaves out: with them Alembic's
    copy has the listed CHECKs only, and twinschema puts none back (stranger64 002: adding one
    CHECK lost ``status IN (...)``, and 'DRAFT' was stored). A CHECK naming a column the copy no
    longer has is said as such. One whose columns (of ``names``) a new CHECK of the list names
    exactly is said as replaced by it, not as lost (stranger65 004: narrowing ``BETWEEN 5 AND
    240`` to ``BETWEEN 5 AND 180`` was told to put the old one back, which would keep both)."""
    checks = [c for c in (found.checks if found is not None else ()) if c.name is None]
    kept = {_bare(c.raw) for c in checks}
    added = [raw for bare, raw in restated.items() if bare not in kept]
    for check in checks:
        if _bare(check.raw) in restated:
            continue  # Alembic copies a named CHECK
        if any(mentions(check.raw, column) for column in gone):
            _say_lost(table, check.raw)
            continue
        over = _columns(check.raw, names)
        instead = [raw for raw in added if over and _columns(raw, names) == over]
        for say in _SAY:
            if instead:
                say(
                    f"note: a SQLite batch migration recreated table '{table}' with its unnamed "
                    f"CHECK ({check.raw}) replaced by the CHECK "
                    f"{' and '.join(f'({raw})' for raw in instead)} of its table_args, on the "
                    "same column(s); if the table should keep both, list the old one in "
                    "table_args too"
                )
                continue
            say(
                f"warning: a SQLite batch migration recreated table '{table}' with only the "
                f"CHECKs of its table_args, without its unnamed CHECK ({check.raw}): this "
                "database loses it; list it in batch_alter_table(..., table_args=...) too "
                "(table_args replaces the table's unnamed CHECKs), or name it"
            )


def _columns(sql: str, names: list[str]) -> frozenset[str]:
    """The columns of ``names`` that the CHECK ``sql`` names (case-blind, as SQLite reads
    names): what a CHECK is over, to tell its replacement from a CHECK on other columns."""
    return frozenset(name.lower() for name in names if mentions(sql, name))


# The key of a batch copy's ``table_kwargs={"info": {...}}`` that says the copy has no unnamed
# CHECK but those its ``table_args`` list: a copy whose ``table_args`` list none keeps the
# table's own, so a revision that drops a table's last unnamed CHECK (or whose downgrade drops
# its first) says so with this, and a copy listing some is not said to lose the others, which
# the revision removes on purpose (``revision_sqlite_checks``; stranger66 009).
NO_UNNAMED_CHECKS = "twinschema_no_unnamed_checks"


# Where ``_transfer_completed`` says a loss: ``migrate``'s ``say``, while a chain runs.
_SAY: list[Callable[[str], None]] = []


def _add_column_once(
    self: ApplyBatchImpl, table_name: str, column: Any, *args: Any, **kw: Any
) -> None:
    """A batch copy's ``add_column`` refuses a column the table already has (by SQLite's
    case-blind name; one the same batch dropped first is not there any more). Alembic put the
    revision's column in place of the table's and copied none of its values: a column made by
    hand before its revision lost every value, where PostgreSQL, and SQLite's own ``ALTER TABLE
    ADD COLUMN``, refuse the revision (stranger35 finding 26)."""
    if column.name.lower() in {str(name).lower() for name in self.columns}:
        raise AlreadyThere(
            f'column "{column.name}" of table "{table_name}" already exists (a SQLite batch '
            "copy adding it again would lose its values)"
        )
    _ALEMBIC_ADD_COLUMN(self, table_name, column, *args, **kw)


# Alembic's warning of a batch copy leaving out an unnamed CHECK.
_UNNAMED_CHECK = "Unnamed CHECK constraint on reflected table"


_NO_ARGUMENTS = "Could not instantiate type .* with reflected arguments"
